-- The page save is now one prepared statement in app/db/db_conn.c
-- (make bench: the PL/pgSQL call cost 40 us of 115 per save).
DROP FUNCTION svar_page_save(bigint, integer, text[], text[], "char"[],
    integer, boolean, boolean);

-- Fewer pages to touch when a response or answer row is rewritten on
-- every save: room on the page keeps updates HOT.
ALTER TABLE response SET (fillfactor = 80);
ALTER TABLE answer SET (fillfactor = 80);
