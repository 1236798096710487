-- Results and the coding of open answers (issue 13 §2-3).

-- The size of the population a wave samples from, when the survey owner
-- knows it: the results then apply the finite-population correction.
ALTER TABLE wave ADD COLUMN population integer CHECK (population > 0);
GRANT UPDATE (population) ON wave TO svar_admin;

-- A coding frame per item, shared by the survey's waves (item ids are
-- stable across waves, so a code means the same thing every year).
CREATE TABLE code_frame (
	id		serial PRIMARY KEY,
	survey_id	integer NOT NULL REFERENCES survey(id),
	item_id		text NOT NULL,
	code		integer NOT NULL CHECK (code BETWEEN 1 AND 99999),
	label		text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
	created_by	integer REFERENCES admin_user(id),
	created_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (survey_id, item_id, code),
	UNIQUE (survey_id, item_id, label)
);

-- The coding of one open text (an item's "Annet, noter" text Q.other,
-- or an open text item Q): back-coded into an option of the item, or
-- given a code of the item's frame. The raw text stays in answer.
CREATE TABLE open_code (
	response_id	bigint NOT NULL REFERENCES response(id)
			    ON DELETE CASCADE,
	var		text NOT NULL,
	option_code	integer,
	frame_code_id	integer REFERENCES code_frame(id),
	coded_by	integer NOT NULL REFERENCES admin_user(id),
	coded_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (response_id, var),
	CHECK ((option_code IS NULL) <> (frame_code_id IS NULL))
);

-- What a back-coding changes in the item's own variables: a single
-- choice Q gets the option's code, but only where the respondent chose
-- "Annet" (raw: a text typed beside another option leaves that choice
-- alone); a multiple choice gets Q.<code> = 1 and its "other" option
-- Q.<other> = 0. The app works these out from the definition; the raw
-- answers are never changed.
CREATE TABLE answer_override (
	response_id	bigint NOT NULL,
	var		text NOT NULL,
	value		text NOT NULL,
	raw		text,		-- applies only over this value; NULL any
	text_var	text NOT NULL,
	PRIMARY KEY (response_id, var),
	FOREIGN KEY (response_id, text_var)
	    REFERENCES open_code (response_id, var) ON DELETE CASCADE
);

-- Every coding and uncoding, who and when (the current one is in
-- open_code); no text in it.
CREATE TABLE open_code_log (
	id		bigserial PRIMARY KEY,
	response_id	bigint NOT NULL REFERENCES response(id)
			    ON DELETE CASCADE,
	var		text NOT NULL,
	option_code	integer,
	frame_code_id	integer REFERENCES code_frame(id),
	coded_by	integer NOT NULL REFERENCES admin_user(id),
	at		timestamptz NOT NULL DEFAULT now()
);

-- A text an admin blanked (names or health information): the content
-- is gone from answer, this row says who did it and when.
CREATE TABLE text_blanked (
	response_id	bigint NOT NULL REFERENCES response(id)
			    ON DELETE CASCADE,
	var		text NOT NULL,
	blanked_by	integer NOT NULL REFERENCES admin_user(id),
	blanked_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (response_id, var)
);

-- The answers as the results count them: a back-coded answer carries
-- its coded value, every other answer its own. raw_value is what the
-- respondent gave. For exports: (response_id, var) as in answer.
CREATE VIEW answer_coded AS
SELECT a.response_id, a.var,
       CASE WHEN a.state = 'a' AND o.value IS NOT NULL THEN o.value
	    ELSE a.value END AS value,
       a.state, a.value AS raw_value,
       (a.state = 'a' AND o.value IS NOT NULL) AS coded
  FROM answer a LEFT JOIN answer_override o
    ON o.response_id = a.response_id AND o.var = a.var
   AND (o.raw IS NULL OR o.raw = a.value);

-- Each coded text with its code: the option it was back-coded into, or
-- the frame code and its label; who coded it and when. For exports:
-- one extra column per text variable (<var>.code).
CREATE VIEW open_text_code AS
SELECT c.response_id, c.var, c.option_code, f.code AS frame_code,
       f.label AS frame_label, coalesce(c.option_code, f.code) AS code,
       u.name AS coded_by, c.coded_at
  FROM open_code c LEFT JOIN code_frame f ON f.id = c.frame_code_id
  JOIN admin_user u ON u.id = c.coded_by;

-- Code one text (or, with neither an option nor a frame code, take its
-- code away), with the overrides the app worked out, and log it.
CREATE FUNCTION svar_open_code(p_resp bigint, p_var text, p_option integer,
    p_frame integer, p_vars text[], p_values text[], p_raws text[],
    p_user integer)
RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM answer WHERE response_id = p_resp
	    AND var = p_var AND state = 'a') THEN
		RETURN false;
	END IF;
	IF p_frame IS NOT NULL AND NOT EXISTS (SELECT 1 FROM code_frame f
	    JOIN wave w ON w.survey_id = f.survey_id
	    JOIN version v ON v.wave_id = w.id
	    JOIN response r ON r.version_id = v.id
	   WHERE f.id = p_frame AND r.id = p_resp
	     AND f.item_id = split_part(p_var, '.', 1)) THEN
		RETURN false;
	END IF;
	DELETE FROM open_code WHERE response_id = p_resp AND var = p_var;
	IF p_option IS NOT NULL OR p_frame IS NOT NULL THEN
		INSERT INTO open_code (response_id, var, option_code,
		    frame_code_id, coded_by)
		VALUES (p_resp, p_var, p_option, p_frame, p_user);
		INSERT INTO answer_override (response_id, var, value, raw,
		    text_var)
		SELECT p_resp, v, x, nullif(w, ''), p_var
		  FROM unnest(p_vars, p_values, p_raws) AS u(v, x, w);
	END IF;
	INSERT INTO open_code_log (response_id, var, option_code,
	    frame_code_id, coded_by)
	VALUES (p_resp, p_var, p_option, p_frame, p_user);
	RETURN true;
END $$;

-- Blank a text: the content goes, the row stays answered (the option
-- it selected stays chosen), and who did it is kept.
CREATE FUNCTION svar_text_blank(p_resp bigint, p_var text, p_user integer)
RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
BEGIN
	UPDATE answer SET value = NULL, updated_at = now()
	 WHERE response_id = p_resp AND var = p_var AND value IS NOT NULL;
	IF NOT FOUND THEN
		RETURN false;
	END IF;
	INSERT INTO text_blanked (response_id, var, blanked_by)
	VALUES (p_resp, p_var, p_user)
	ON CONFLICT (response_id, var) DO UPDATE
	   SET blanked_by = EXCLUDED.blanked_by, blanked_at = now();
	RETURN true;
END $$;
REVOKE ALL ON FUNCTION svar_open_code, svar_text_blank FROM PUBLIC;

GRANT SELECT ON code_frame, open_code, answer_override, open_code_log,
    text_blanked, answer_coded, open_text_code TO svar_admin;
GRANT INSERT ON code_frame TO svar_admin;
GRANT USAGE ON SEQUENCE code_frame_id_seq TO svar_admin;
GRANT EXECUTE ON FUNCTION svar_open_code(bigint, text, integer, integer,
    text[], text[], text[], integer), svar_text_blank(bigint, text, integer)
    TO svar_admin;
