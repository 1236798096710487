-- The unit frame, sampling, recruitment and the contact-person portal
-- (issue 10).

-- What the frame files carry besides a name: population (for size bands,
-- when a file has it) and, for a fastlegekontor, its postal address.
-- postmottak is the unit's official e-mail (an office's e-mail).
ALTER TABLE unit ADD COLUMN population integer CHECK (population >= 0),
    ADD COLUMN address text;

-- A unit in a wave can be left out with a reason (the reports drop
-- offices without an address): frame, eligible and invited counts stay
-- apart. The portal key (selector + verifier, as for links) opens the
-- contact person's page for this unit in this wave; forwarded_count is
-- what the contact person reports, the unit's denominator.
ALTER TABLE wave_unit ADD COLUMN eligible boolean NOT NULL DEFAULT true,
    ADD COLUMN ineligible_reason text,
    ADD COLUMN portal_selector text UNIQUE,
    ADD COLUMN portal_verifier text,
    ADD COLUMN forwarded_at timestamptz,
    ADD COLUMN added_by text NOT NULL DEFAULT 'frame'
	CHECK (added_by IN ('frame', 'sample', 'upload', 'hand'));
ALTER TABLE wave_unit RENAME COLUMN invited_count TO forwarded_count;

-- How the wave's kommuner were drawn, so the draw can be repeated.
ALTER TABLE wave ADD COLUMN sample_seed bigint,
    ADD COLUMN sample_params text,
    ADD COLUMN sampled_at timestamptz;

-- A link can be revoked and replaced; its respondents keep their own
-- resume links. At most one live link per unit and version.
ALTER TABLE unit_link ADD COLUMN revoked_at timestamptz;
ALTER TABLE unit_link DROP CONSTRAINT unit_link_wave_unit_id_version_id_key;
CREATE UNIQUE INDEX unit_link_live ON unit_link (wave_unit_id, version_id)
    WHERE revoked_at IS NULL;

-- One contact person per unit and wave; the portal key is the unit's,
-- not the person's, so a new contact person needs no new link.
ALTER TABLE contact DROP COLUMN selector, DROP COLUMN verifier,
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
    ADD CONSTRAINT contact_one_per_unit UNIQUE (wave_unit_id);

-- Mail knows what it is about, so a bounce can mark the right address.
ALTER TABLE outbox ADD COLUMN wave_unit_id integer REFERENCES wave_unit(id),
    ADD COLUMN invitation_id integer REFERENCES invitation(id),
    ADD COLUMN lang text NOT NULL DEFAULT 'nb';
CREATE INDEX outbox_wave_unit ON outbox (wave_unit_id);

GRANT SELECT (revoked_at) ON unit_link TO svar_app;
GRANT UPDATE (revoked_at) ON unit_link TO svar_admin;
GRANT UPDATE (eligible, ineligible_reason, portal_selector,
    portal_verifier, forwarded_count, forwarded_at) ON wave_unit
    TO svar_admin;
GRANT UPDATE (sample_seed, sample_params, sampled_at) ON wave TO svar_admin;
GRANT DELETE ON contact TO svar_admin;

-- A change in a unit's history that is no stage move (contact details,
-- the forwarded count): an event from and to the stage it is in.
CREATE FUNCTION svar_unit_note(p_wave_unit integer, p_actor text,
    p_note text)
RETURNS void LANGUAGE sql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
	INSERT INTO unit_event (wave_unit_id, from_stage, to_stage, actor, note)
	SELECT id, stage, stage, p_actor, p_note FROM wave_unit
	 WHERE id = p_wave_unit;
$$;
REVOKE ALL ON FUNCTION svar_unit_note FROM PUBLIC;
GRANT EXECUTE ON FUNCTION svar_unit_note(integer, text, text) TO svar_admin;
GRANT EXECUTE ON FUNCTION svar_link_channel(integer) TO svar_admin;
