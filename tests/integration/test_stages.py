"""Recruitment stages move through svar_unit_move (sql/009), with a
table of allowed moves and an event for every move."""
import subprocess
import unittest

from svartest import Client, complete, psql, start


def new_wave_unit(code):
    """A unit of its own in the 2021 wave's frame, with an HF link."""
    return psql("""
        WITH u AS (INSERT INTO unit (kind, code, name) VALUES ('hf', :'p0',
                   'Teststage HF') RETURNING id),
             wu AS (INSERT INTO wave_unit (wave_id, unit_id)
                    SELECT v.wave_id, u.id FROM u, version v
                    WHERE v.key = 'hf' RETURNING id)
        INSERT INTO unit_link (wave_unit_id, version_id, selector, verifier)
        SELECT wu.id, v.id, translate(substr(md5(:'p0'), 1, 8), '01', 'xy'),
               translate(substr(md5(:'p0' || 'v'), 1, 26), '01', 'xy')
          FROM wu, version v WHERE v.key = 'hf'
        RETURNING wave_unit_id, '/u/' || selector || verifier""", code)[0]


def move(wu, to, actor="admin", strict=True, user="svar_admin"):
    return subprocess.run(
        ["psql", "-qAtX", "-v", "ON_ERROR_STOP=1", "-U", user,
         "-v", f"wu={wu}", "-v", f"to={to}", "-v", f"actor={actor}",
         "-v", f"strict={'true' if strict else 'false'}"],
        input="SELECT svar_unit_move(:'wu', :'to', :'actor', 'test',"
              " :'strict')", capture_output=True, text=True)


def stage(wu):
    return psql("SELECT stage FROM wave_unit WHERE id = :'p0'", wu)[0][0]


def events(wu):
    return psql("SELECT coalesce(from_stage, ''), to_stage, actor"
                " FROM unit_event WHERE wave_unit_id = :'p0' ORDER BY id",
                wu)


class Stages(unittest.TestCase):
    def test_allowed_moves_write_events(self):
        wu, _ = new_wave_unit("stage-a")
        for to in ("invited", "accepted", "distributed"):
            r = move(wu, to)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout.strip(), "t")
        self.assertEqual(stage(wu), "distributed")
        self.assertEqual(events(wu), [["frame", "invited", "admin"],
                                      ["invited", "accepted", "admin"],
                                      ["accepted", "distributed", "admin"]])
        # Moving to where it is changes nothing and writes nothing.
        self.assertEqual(move(wu, "distributed").stdout.strip(), "f")
        self.assertEqual(len(events(wu)), 3)

    def test_refused_move_says_why(self):
        wu, _ = new_wave_unit("stage-b")
        r = move(wu, "responding", actor="admin")
        self.assertEqual(r.returncode, 0, r.stderr)  # frame -> responding
        r = move(wu, "frame")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("a unit cannot move from responding to frame",
                      r.stderr)
        self.assertEqual(stage(wu), "responding")
        # Not strict: skipped, not raised.
        r = move(wu, "frame", strict=False)
        self.assertEqual((r.returncode, r.stdout.strip()), (0, "f"))

    def test_respondent_moves_only_forward_to_its_stages(self):
        wu, _ = new_wave_unit("stage-c")
        r = move(wu, "accepted", actor="respondent", user="svar_app")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("a respondent cannot move a unit to accepted",
                      r.stderr)
        self.assertEqual(stage(wu), "frame")

    def test_declined_unit_whose_link_gets_answers(self):
        """A link forwarded before the unit declined still counts: the
        funnel shows what happened (the two respondent paths agree)."""
        wu, link = new_wave_unit("stage-d")
        self.assertEqual(move(wu, "declined").returncode, 0)
        c = Client()
        key, _ = start(c, link)
        self.assertEqual(stage(wu), "distributed")
        self.assertEqual(events(wu)[-1],
                         ["declined", "distributed", "respondent"])
        complete(c, key)
        self.assertEqual(stage(wu), "responding")
        self.assertEqual(events(wu)[-1],
                         ["distributed", "responding", "respondent"])
        # A second completed response moves nothing.
        key2, _ = start(Client(), link)
        complete(Client(), key2)
        self.assertEqual(len(events(wu)), 3)


if __name__ == "__main__":
    unittest.main()
