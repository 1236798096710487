"""Hidden values of a version that do not fit the link's buffer are an
error, never a silently shortened value (which would file respondents
under the wrong version)."""
import unittest

from svartest import Client, psql


class LongHidden(unittest.TestCase):
    def setUp(self):
        # A version of its own, so no other test sees it.
        self.version = psql(
            "INSERT INTO version (wave_id, key, definition_id, hidden)"
            " SELECT wave_id, 'test-long-hidden', definition_id,"
            " 'B1=1;' || repeat('X', 300) || '=1'"
            " FROM version WHERE key = 'hf' RETURNING id")[0][0]
        self.link = psql(
            "INSERT INTO unit_link (wave_unit_id, version_id, selector,"
            " verifier) SELECT wave_unit_id, :'p0', 'hiddenxg',"
            " 'abcdefghijkmnpqrstuvwxyz23'"
            " FROM unit_link ORDER BY id LIMIT 1"
            " RETURNING '/u/' || selector || verifier", self.version)[0][0]

    def tearDown(self):
        psql("DELETE FROM unit_link WHERE version_id = :'p0'", self.version)
        psql("DELETE FROM version WHERE id = :'p0'", self.version)

    def test_long_hidden_values_fail_loudly(self):
        r = Client().get(self.link)
        self.assertEqual(r.status, 503, r.body[:300])
        rows = psql("SELECT count(*) FROM response WHERE version_id ="
                    " :'p0'", self.version)
        self.assertEqual(rows[0][0], "0")


if __name__ == "__main__":
    unittest.main()
