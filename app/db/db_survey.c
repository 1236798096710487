/*
 * The admin's view of surveys: waves and their field period, versions
 * and the definition each uses, opening and closing a wave, test
 * responses for a preview. As svar_admin.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_int.h"

enum {
	S_LIST,
	S_WAVE_SET,
	S_TEST_RESPONSE,
	S_WAVE_ANON,
	S_PRIVACY_MISSING,
	S__MAX
};

static struct db_stmt stmts[S__MAX] = {
	/* One row per version, surveys and waves repeated, newest first. */
	[S_LIST] = { "survey.list",
	  "SELECT s.key, s.title, w.id, w.year,"
	  " coalesce(to_char(w.opens_at AT TIME ZONE 'Europe/Oslo',"
	  "  'YYYY-MM-DD HH24:MI'), ''),"
	  " coalesce(to_char(w.closes_at AT TIME ZONE 'Europe/Oslo',"
	  "  'YYYY-MM-DD HH24:MI'), ''),"
	  " CASE WHEN w.closed OR w.closes_at < now() THEN 'closed'"
	  "  WHEN w.opens_at > now() THEN 'scheduled' ELSE 'open' END,"
	  " v.id, v.key, v.definition_id,"
	  " to_char(d.loaded_at AT TIME ZONE 'Europe/Oslo',"
	  "  'YYYY-MM-DD HH24:MI'),"
	  " coalesce((SELECT string_agg(h.var || ' = ' || h.value, ', '"
	  "  ORDER BY h.var) FROM version_hidden h WHERE h.version_id = v.id),"
	  "  ''),"
	  " (SELECT count(*) FROM response r WHERE r.version_id = v.id"
	  "  AND NOT r.test),"
	  " (SELECT count(*) FROM response r WHERE r.version_id = v.id"
	  "  AND NOT r.test AND r.status = 'completed'),"
	  " svar_wave_privacy_missing(w.id), w.anonymous::int"
	  " FROM survey s JOIN wave w ON w.survey_id = s.id"
	  " JOIN version v ON v.wave_id = w.id"
	  " JOIN definition d ON d.id = v.definition_id"
	  " ORDER BY s.key, w.year DESC, v.id", 0, 1 },
	/* Open: closed off, a passed closing date cleared. */
	[S_WAVE_SET] = { "survey.wave_set",
	  "UPDATE wave w SET closed = $2::boolean,"
	  " closes_at = CASE WHEN NOT $2::boolean AND w.closes_at < now()"
	  "  THEN NULL ELSE w.closes_at END"
	  " FROM survey s WHERE w.id = $1 AND s.id = w.survey_id"
	  " RETURNING s.key || ' ' || w.year", 2, 0 },
	[S_TEST_RESPONSE] = { "survey.test_response",
	  "SELECT svar_test_response_new($1, $2, $3, $4, $5)", 5, 0 },
	/*
	 * Anonymity is chosen before the first completed response: those
	 * already in could not be cut loose the same way. The trigger in
	 * sql/090 says the same to plain SQL.
	 */
	[S_WAVE_ANON] = { "survey.wave_anon",
	  "UPDATE wave w SET anonymous = $2::boolean"
	  " FROM survey s WHERE w.id = $1 AND s.id = w.survey_id"
	  " AND NOT svar_wave_has_completed(w.id)"
	  " RETURNING s.key || ' ' || w.year", 2, 0 },
	[S_PRIVACY_MISSING] = { "survey.privacy_missing",
	  "SELECT svar_wave_privacy_missing($1)", 1, 1 },
};

int
db_survey_list(struct db *db, db_row_cb cb, void *arg)
{
	return (db_each(db, &stmts[S_LIST], NULL, cb, arg));
}

/* A wave's flag changed by `st`; its name ("helsepersonell 2021") in out. */
static int
wave_flag(struct db *db, struct db_stmt *st, int wave, int flag, char *out,
    size_t len)
{
	char		 sw[16], *v;
	const char	*p[2] = { sw, flag ? "t" : "f" };

	snprintf(sw, sizeof(sw), "%d", wave);
	if ((v = db_val(db, st, p)) == NULL)
		return (0);
	db_copy(out, len, v);
	free(v);
	return (1);
}

/* Opens or closes a wave. */
int
db_wave_set(struct db *db, int wave, int closed, char *out, size_t len)
{
	return (wave_flag(db, &stmts[S_WAVE_SET], wave, closed, out, len));
}

/*
 * Makes a wave anonymous or confidential; 0 when it has a completed
 * response already (or is not there).
 */
int
db_wave_anonymity(struct db *db, int wave, int anonymous, char *out,
    size_t len)
{
	return (wave_flag(db, &stmts[S_WAVE_ANON], wave, anonymous, out,
	    len));
}

/*
 * What the wave's definitions leave out of the privacy notice, into out
 * ("" when nothing); 0 when the database failed.
 */
int
db_wave_privacy_missing(struct db *db, int wave, char *out, size_t len)
{
	char		 sw[16], *v;
	const char	*p[1] = { sw };

	snprintf(sw, sizeof(sw), "%d", wave);
	if ((v = db_val(db, &stmts[S_PRIVACY_MISSING], p)) == NULL)
		return (0);
	db_copy(out, len, v);
	free(v);
	return (1);
}

int
db_test_response(struct db *db, int version, const char *sel,
    const char *ver, const char *csrf, const char *lang)
{
	char		 sv[16], *v;
	const char	*p[5] = { sv, sel, ver, csrf, lang };

	snprintf(sv, sizeof(sv), "%d", version);
	if ((v = db_val(db, &stmts[S_TEST_RESPONSE], p)) == NULL)
		return (0);
	free(v);
	return (1);
}
