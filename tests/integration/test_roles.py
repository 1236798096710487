"""Database roles by job (sql/010_roles_by_job.sql): each role connects
and is shown what it can do and, above all, what it cannot."""
import subprocess
import unittest

from svartest import psql


def denied(user, sql):
    """True when PostgreSQL refuses `sql` to `user` for lack of rights."""
    r = subprocess.run(["psql", "-qAtX", "-v", "ON_ERROR_STOP=1", "-U", user,
                        "-c", sql], capture_output=True, text=True)
    if r.returncode == 0:
        return False
    assert "permission denied" in r.stderr, (user, sql, r.stderr)
    return True


class AppRole(unittest.TestCase):
    """svar_app serves respondents: no personal data, no mail."""

    def test_cannot_read_personal_data(self):
        for sql in ("SELECT email FROM invitation LIMIT 1",
                    "SELECT * FROM invitation LIMIT 1",
                    "SELECT email FROM contact LIMIT 1",
                    "SELECT postmottak FROM unit LIMIT 1",
                    "SELECT value FROM secret",
                    "SELECT * FROM rate_limit",
                    "SELECT * FROM admin_user",
                    "SELECT * FROM admin_session",
                    "SELECT * FROM audit"):
            self.assertTrue(denied("svar_app", sql), sql)

    def test_cannot_send_mail_or_move_units_directly(self):
        for sql in ("INSERT INTO outbox (kind, to_addr, subject, body)"
                    " VALUES ('x', 'a@b.invalid', 's', 'b')",
                    "SELECT * FROM outbox",
                    "UPDATE wave_unit SET stage = 'accepted'",
                    "INSERT INTO unit_event (wave_unit_id, to_stage)"
                    " VALUES (1, 'accepted')",
                    "DELETE FROM answer",
                    "DELETE FROM response",
                    "UPDATE definition SET source = ''",
                    "INSERT INTO unit (kind, code, name) VALUES"
                    " ('hf', 'x', 'x')"):
            self.assertTrue(denied("svar_app", sql), sql)

    def test_can_do_its_job(self):
        rows = psql("SELECT count(*) FROM version_hidden", user="svar_app")
        self.assertGreater(int(rows[0][0]), 0)
        psql("SELECT id, code FROM invitation LIMIT 1", user="svar_app")
        psql("SELECT selector, verifier FROM unit_link LIMIT 1",
             user="svar_app")


class AdminRole(unittest.TestCase):
    def test_reads_answers_but_cannot_change_them(self):
        psql("SELECT count(*) FROM answer", user="svar_admin")
        for sql in ("UPDATE answer SET value = 'x'",
                    "DELETE FROM answer",
                    "UPDATE response SET status = 'completed'",
                    "UPDATE wave_unit SET stage = 'accepted'",
                    "DELETE FROM unit_event",
                    "UPDATE unit_event SET note = 'x'",
                    "SELECT value FROM secret",
                    "UPDATE definition SET source = ''",
                    "UPDATE outbox SET sent_at = now()",
                    "UPDATE audit SET actor = 'x'",
                    "DELETE FROM audit",
                    "TRUNCATE audit"):
            self.assertTrue(denied("svar_admin", sql), sql)

    def test_audit_is_append_only_even_for_the_owner(self):
        psql("INSERT INTO audit (actor, action) VALUES ('test', 'test')")
        for sql in ("UPDATE audit SET actor = 'x'", "DELETE FROM audit",
                    "TRUNCATE audit"):
            r = subprocess.run(["psql", "-qAtX", "-v", "ON_ERROR_STOP=1",
                                "-c", sql], capture_output=True, text=True)
            self.assertNotEqual(r.returncode, 0, sql)
            self.assertIn("the audit log is append-only", r.stderr)


class MailRole(unittest.TestCase):
    def test_only_the_outbox(self):
        psql("SELECT count(*) FROM outbox", user="svar_mail")
        for sql in ("SELECT * FROM answer LIMIT 1",
                    "SELECT * FROM response LIMIT 1",
                    "SELECT * FROM contact LIMIT 1",
                    "SELECT * FROM invitation LIMIT 1",
                    "INSERT INTO outbox (kind, to_addr, subject, body)"
                    " VALUES ('x', 'a@b.invalid', 's', 'b')",
                    "DELETE FROM outbox"):
            self.assertTrue(denied("svar_mail", sql), sql)


if __name__ == "__main__":
    unittest.main()
