-- "Opened" for unit links (issue 11): how many times a link's start page
-- was shown. Only a counter: no address, no cookie, no response, so a
-- mail scanner that fetches the link adds a view and nothing else.
ALTER TABLE unit_link ADD COLUMN views bigint NOT NULL DEFAULT 0;
GRANT UPDATE (views) ON unit_link TO svar_app;
GRANT SELECT (views) ON unit_link TO svar_app;
