-- Definitions change over a wave without breaking live responses.
--
-- A response keeps the definition it was started on: loading changed
-- text points the version at the new definition for new responses, and
-- a response in progress goes on with the pages and wording it saw.
-- Positions are page ids, so resume, break-off by page and exports
-- survive a page inserted before them. Hidden values are rows.

ALTER TABLE response ADD COLUMN definition_id integer
    REFERENCES definition(id);
UPDATE response r SET definition_id = v.definition_id
  FROM version v WHERE v.id = r.version_id;
ALTER TABLE response ALTER COLUMN definition_id SET NOT NULL;

-- The page the respondent is on and the furthest one reached, by id in
-- the response's definition. Rows from before this have no ids; they
-- resume at the first page that is asked.
ALTER TABLE response ADD COLUMN page_id text,
    ADD COLUMN furthest_page_id text;
ALTER TABLE response DROP COLUMN page_no, DROP COLUMN max_page_no;

-- The pages of a definition in order, written by svarctl load.
CREATE TABLE page (
	definition_id	integer NOT NULL REFERENCES definition(id),
	position	integer NOT NULL,
	page_id		text NOT NULL,
	PRIMARY KEY (definition_id, position),
	UNIQUE (definition_id, page_id)
);

-- The variables of a definition name their page by id as well.
ALTER TABLE variable ADD COLUMN page_id text;

-- Hidden variables a version sets (målgruppe B1 = 1, ...), as rows.
CREATE TABLE version_hidden (
	version_id	integer NOT NULL REFERENCES version(id),
	var		text NOT NULL,
	value		text NOT NULL,
	PRIMARY KEY (version_id, var)
);
INSERT INTO version_hidden (version_id, var, value)
SELECT v.id, split_part(h, '=', 1), split_part(h, '=', 2)
  FROM version v, unnest(string_to_array(v.hidden, ';')) AS h
 WHERE h LIKE '_%=%';
ALTER TABLE version DROP COLUMN hidden;
