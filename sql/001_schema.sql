-- Svar schema. Answers are long (response, variable, value); everything
-- that changes over recruitment is an event with a timestamp, so each
-- stage of the funnel is a count, a rate and a list.

CREATE TABLE survey (
	id		serial PRIMARY KEY,
	key		text NOT NULL UNIQUE,
	title		text NOT NULL
);

-- One yearly run of a survey.
CREATE TABLE wave (
	id		serial PRIMARY KEY,
	survey_id	integer NOT NULL REFERENCES survey(id),
	year		integer NOT NULL,
	opens_at	timestamptz,
	closes_at	timestamptz,
	closed		boolean NOT NULL DEFAULT false,
	UNIQUE (survey_id, year)
);

-- The exact text of every definition loaded, so an old wave can be
-- re-read with the wording it had; the app parses it once per worker.
CREATE TABLE definition (
	id		serial PRIMARY KEY,
	wave_id		integer NOT NULL REFERENCES wave(id),
	sha256		text NOT NULL,
	source		text NOT NULL,
	loaded_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (wave_id, sha256)
);

-- A questionnaire variant a link opens: HF, kommune, fastlege.
-- `hidden` sets hidden variables, e.g. 'B1=1'.
CREATE TABLE version (
	id		serial PRIMARY KEY,
	wave_id		integer NOT NULL REFERENCES wave(id),
	key		text NOT NULL,
	definition_id	integer NOT NULL REFERENCES definition(id),
	hidden		text NOT NULL DEFAULT '',
	UNIQUE (wave_id, key)
);

-- The codebook side of a definition: one row per stored variable.
CREATE TABLE variable (
	definition_id	integer NOT NULL REFERENCES definition(id),
	var		text NOT NULL,
	item_id		text NOT NULL,
	page_no		integer NOT NULL,
	position	integer NOT NULL,
	PRIMARY KEY (definition_id, var)
);

-- Recruiting organisations: RHF, HF, kommune, fastlegekontor, network.
CREATE TABLE unit (
	id		serial PRIMARY KEY,
	kind		text NOT NULL CHECK (kind IN
			    ('rhf', 'hf', 'kommune', 'fastlegekontor', 'network')),
	code		text NOT NULL,
	name		text NOT NULL,
	parent_id	integer REFERENCES unit(id),
	fylke		text,
	postmottak	text,
	UNIQUE (kind, code)
);

-- A unit in a wave's frame, and its recruitment stage (SPEC §3).
CREATE TABLE wave_unit (
	id		serial PRIMARY KEY,
	wave_id		integer NOT NULL REFERENCES wave(id),
	unit_id		integer NOT NULL REFERENCES unit(id),
	stage		text NOT NULL DEFAULT 'frame' CHECK (stage IN
			    ('frame', 'invited', 'accepted', 'declined',
			     'distributed', 'responding')),
	invited_count	integer CHECK (invited_count >= 0),
	UNIQUE (wave_id, unit_id)
);

CREATE TABLE unit_event (
	id		bigserial PRIMARY KEY,
	wave_unit_id	integer NOT NULL REFERENCES wave_unit(id),
	stage		text NOT NULL,
	at		timestamptz NOT NULL DEFAULT now(),
	note		text
);

-- Contact persons: personal data, kept apart from answers.
CREATE TABLE contact (
	id		serial PRIMARY KEY,
	wave_unit_id	integer NOT NULL REFERENCES wave_unit(id),
	name		text NOT NULL,
	email		text NOT NULL,
	phone		text,
	selector	text NOT NULL UNIQUE,
	verifier	text NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT now()
);

-- A unit's open link for one version. The URL is selector || verifier:
-- the selector finds the row, the verifier is compared in constant time.
CREATE TABLE unit_link (
	id		serial PRIMARY KEY,
	wave_unit_id	integer NOT NULL REFERENCES wave_unit(id),
	version_id	integer NOT NULL REFERENCES version(id),
	selector	text NOT NULL UNIQUE,
	verifier	text NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (wave_unit_id, version_id)
);

-- Personal invitations (fastleger): personal data, apart from answers.
CREATE TABLE invitation (
	id		serial PRIMARY KEY,
	version_id	integer NOT NULL REFERENCES version(id),
	unit_id		integer REFERENCES unit(id),
	code		text NOT NULL UNIQUE,
	email		text,
	letter_sent_at	timestamptz,
	email_sent_at	timestamptz,
	opted_out_at	timestamptz,
	created_at	timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE response (
	id		bigserial PRIMARY KEY,
	version_id	integer NOT NULL REFERENCES version(id),
	unit_link_id	integer REFERENCES unit_link(id),
	invitation_id	integer UNIQUE REFERENCES invitation(id),
	selector	text NOT NULL UNIQUE,
	verifier	text NOT NULL,
	csrf		text NOT NULL,
	lang		text NOT NULL DEFAULT 'nb',
	status		text NOT NULL DEFAULT 'opened' CHECK (status IN
			    ('invited', 'opened', 'started', 'completed')),
	page_no		integer NOT NULL DEFAULT 0,
	max_page_no	integer NOT NULL DEFAULT 0,
	rev		integer NOT NULL DEFAULT 0,
	created_at	timestamptz NOT NULL DEFAULT now(),
	opened_at	timestamptz,
	started_at	timestamptz,
	completed_at	timestamptz,
	updated_at	timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX response_version ON response (version_id, status);
CREATE INDEX response_unit_link ON response (unit_link_id, status);

-- state: a answered, s asked and skipped, n not asked (routing hid it;
-- the value is kept so it can come back, but it never counts).
CREATE TABLE answer (
	response_id	bigint NOT NULL REFERENCES response(id) ON DELETE CASCADE,
	var		text NOT NULL,
	value		text,
	state		"char" NOT NULL CHECK (state IN ('a', 's', 'n')),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (response_id, var)
);

-- Mail goes out through here, written in the same transaction as the
-- action that causes it; a sender delivers and retries (SPEC §8).
CREATE TABLE outbox (
	id		bigserial PRIMARY KEY,
	kind		text NOT NULL,
	to_addr		text NOT NULL,
	subject		text NOT NULL,
	body		text NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT now(),
	send_after	timestamptz NOT NULL DEFAULT now(),
	attempts	integer NOT NULL DEFAULT 0,
	locked_until	timestamptz,
	sent_at		timestamptz,
	failed_at	timestamptz,
	last_error	text
);
CREATE INDEX outbox_due ON outbox (send_after) WHERE sent_at IS NULL
    AND failed_at IS NULL;

-- Fixed-window counters for rate limits, shared by all app servers.
CREATE TABLE rate_limit (
	bucket		text NOT NULL,
	window_start	timestamptz NOT NULL,
	hits		integer NOT NULL DEFAULT 0,
	PRIMARY KEY (bucket, window_start)
);
