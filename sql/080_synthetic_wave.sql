-- Synthetic waves (svarctl synth, issues 11 and 13 §5): made up for
-- tests, benchmarks and demonstrations, never to be taken for real
-- data. The flag is set only by svarctl (the owner role); the app roles
-- can read it but not change it.
ALTER TABLE wave ADD COLUMN synthetic boolean NOT NULL DEFAULT false;
-- A synthetic wave stays closed: its links and codes follow from a seed.
ALTER TABLE wave ADD CONSTRAINT wave_synthetic_closed
    CHECK (NOT synthetic OR closed);

-- Empties a synthetic wave so svarctl synth can make it again. Refuses
-- a wave that is not synthetic: real answers are never deleted here.
CREATE FUNCTION svar_synth_clear(p_wave integer) RETURNS void
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
	IF NOT EXISTS (SELECT FROM wave WHERE id = p_wave AND synthetic) THEN
		RAISE EXCEPTION 'wave % is not synthetic', p_wave;
	END IF;
	CREATE TEMP TABLE synth_gone ON COMMIT DROP AS
	    SELECT r.id FROM response r JOIN version v ON v.id = r.version_id
	     WHERE v.wave_id = p_wave;
	DELETE FROM open_code_log WHERE response_id IN (TABLE synth_gone);
	DELETE FROM text_blanked WHERE response_id IN (TABLE synth_gone);
	DELETE FROM answer_override WHERE response_id IN (TABLE synth_gone);
	DELETE FROM open_code WHERE response_id IN (TABLE synth_gone);
	DELETE FROM answer WHERE response_id IN (TABLE synth_gone);
	DELETE FROM response WHERE id IN (TABLE synth_gone);
	DROP TABLE synth_gone;
	DELETE FROM outbox WHERE wave_unit_id IN (SELECT id FROM wave_unit
	    WHERE wave_id = p_wave) OR invitation_id IN (SELECT i.id FROM
	    invitation i JOIN version v ON v.id = i.version_id WHERE
	    v.wave_id = p_wave);
	DELETE FROM invitation WHERE version_id IN (SELECT id FROM version
	    WHERE wave_id = p_wave);
	DELETE FROM unit_event WHERE wave_unit_id IN (SELECT id FROM
	    wave_unit WHERE wave_id = p_wave);
	DELETE FROM contact WHERE wave_unit_id IN (SELECT id FROM wave_unit
	    WHERE wave_id = p_wave);
	DELETE FROM unit_link WHERE wave_unit_id IN (SELECT id FROM wave_unit
	    WHERE wave_id = p_wave);
	DELETE FROM wave_unit WHERE wave_id = p_wave;
END $$;
REVOKE ALL ON FUNCTION svar_synth_clear(integer) FROM PUBLIC;
