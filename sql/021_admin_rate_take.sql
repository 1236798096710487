-- The admin login and the contact-person portal take their tries with
-- svar_rate_take too (one statement: parallel guesses cannot overshoot).
GRANT EXECUTE ON FUNCTION svar_rate_take(text, integer, integer),
    svar_rate_give(text, integer) TO svar_admin;
