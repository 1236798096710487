-- Issue 8: "Forrige" and "Lagre" no longer wait for a page to be right.
-- What was typed wrong is kept as typed, state 'i' (invalid, kept): it
-- is shown again with its message when the respondent comes back, and it
-- never counts, like 'n'. "Neste" still insists, so a completed page
-- holds no 'i' rows.
ALTER TABLE answer DROP CONSTRAINT answer_state_check;
ALTER TABLE answer ADD CONSTRAINT answer_state_check
    CHECK (state IN ('a', 's', 'n', 'i'));
COMMENT ON COLUMN answer.state IS
    'a answered, s asked and skipped, n not asked, i typed but invalid (kept as typed, never counts)';
