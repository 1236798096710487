-- Issue 14 §3: a leaner page save. The save statement (respond.save in
-- app/db/db_respond.c) carried a CTE that moved a unit link's unit to
-- "responding" on its first completed response; PostgreSQL set up its
-- join nodes on every one of a respondent's 20 saves to use them on one.
-- The move now happens in a trigger at completion, in the same statement
-- and transaction, as its owner (svar_unit_move is SECURITY DEFINER).
CREATE FUNCTION svar_response_unit_done() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
	PERFORM svar_unit_move(w.id, 'responding', 'respondent',
	    'first completed response', false)
	    FROM unit_link l JOIN wave_unit w ON w.id = l.wave_unit_id
	    WHERE l.id = NEW.unit_link_id AND w.stage <> 'responding';
	RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION svar_response_unit_done() FROM PUBLIC;

CREATE TRIGGER response_done_unit AFTER UPDATE OF status ON response
    FOR EACH ROW WHEN (NEW.status = 'completed' AND
    OLD.status IS DISTINCT FROM 'completed' AND
    NEW.unit_link_id IS NOT NULL)
    EXECUTE FUNCTION svar_response_unit_done();
