/*
 * Results (issue 13 §2): answer counts of completed responses, never
 * test ones, counted on the coded values (answer_coded, sql/065), for
 * all or by a background variable; the methodology figures of a wave.
 * As svar_admin.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_int.h"

enum {
	S_META,
	S_COUNTS,
	S_CODES,
	S_WAVE_DEF,
	S_SURVEY_WAVES,
	S_POPULATION,
	S__MAX
};

/*
 * The group of a response for a breakdown ($3): its version, the RHF
 * of its unit (an HF's parent), the coded answer to a variable ($4),
 * or the band of a number ($4, e.g. age): 1 under 30, 2 30-39, 3
 * 40-49, 4 50-59, 5 60 and over. '' when the response has none.
 */
#define GROUP \
	"CASE $3 WHEN 'version' THEN v.key"				\
	" WHEN 'rhf' THEN coalesce((SELECT p.name FROM unit_link l"	\
	"  JOIN wave_unit wu ON wu.id = l.wave_unit_id"			\
	"  JOIN unit u ON u.id = wu.unit_id"				\
	"  JOIN unit p ON p.id = u.parent_id AND p.kind = 'rhf'"	\
	"  WHERE l.id = r.unit_link_id), '')"				\
	" WHEN 'var' THEN coalesce((SELECT CASE WHEN $5::boolean"	\
	"  THEN b.value ELSE b.raw_value END FROM answer_coded b"	\
	"  WHERE b.response_id = r.id AND b.var = $4 AND b.state = 'a'),"\
	"  '')"								\
	" WHEN 'band' THEN coalesce((SELECT CASE"			\
	"  WHEN b.value::integer < 30 THEN '1'"				\
	"  WHEN b.value::integer < 40 THEN '2'"				\
	"  WHEN b.value::integer < 50 THEN '3'"				\
	"  WHEN b.value::integer < 60 THEN '4' ELSE '5' END"		\
	"  FROM answer b WHERE b.response_id = r.id AND b.var = $4"	\
	"  AND b.state = 'a' AND b.value ~ '^[0-9]{1,4}$'), '')"		\
	" ELSE '' END"

static struct db_stmt stmts[S__MAX] = {
	/*
	 * The methodology box: survey, field period, population, invited
	 * (the contact persons' headcounts and the personal invitations,
	 * as on the funnel page), units without a headcount, completed
	 * responses, and how they came in.
	 */
	[S_META] = { "results.meta",
	  "SELECT s.key, s.title, w.year,"
	  " coalesce(to_char(w.opens_at AT TIME ZONE 'Europe/Oslo',"
	  "  'YYYY-MM-DD'), ''),"
	  " coalesce(to_char(w.closes_at AT TIME ZONE 'Europe/Oslo',"
	  "  'YYYY-MM-DD'), ''),"
	  " coalesce(w.population, 0),"
	  " coalesce((SELECT sum(wu.forwarded_count) FROM wave_unit wu"
	  "  WHERE wu.wave_id = w.id AND wu.eligible), 0)"
	  " + (SELECT count(*) FROM invitation i JOIN version v ON v.id ="
	  "  i.version_id WHERE v.wave_id = w.id),"
	  " (SELECT count(*) FROM wave_unit wu WHERE wu.wave_id = w.id AND"
	  "  wu.eligible AND wu.stage IN ('distributed', 'responding') AND"
	  "  wu.forwarded_count IS NULL),"
	  " (SELECT count(*) FROM response r JOIN version v ON v.id ="
	  "  r.version_id WHERE v.wave_id = w.id AND NOT r.test AND"
	  "  r.status = 'completed'),"
	  " coalesce((SELECT string_agg(c.channel || ' ' || c.n, ', ' ORDER BY"
	  "  c.n DESC, c.channel) FROM (SELECT r.channel, count(*) AS n FROM"
	  "  response r JOIN version v ON v.id = r.version_id WHERE"
	  "  v.wave_id = w.id AND NOT r.test AND r.status = 'completed'"
	  "  GROUP BY r.channel) c), ''),"
	  " s.id,"
	  " (SELECT v.definition_id FROM version v WHERE v.wave_id = w.id"
	  "  ORDER BY v.id LIMIT 1)"
	  " FROM wave w JOIN survey s ON s.id = w.survey_id WHERE w.id = $1",
	  1, 1 },
	/*
	 * Counts per group, variable, state and value: the coded one ($5
	 * true) or the respondent's own.
	 */
	[S_COUNTS] = { "results.counts",
	  "SELECT g.g, a.var, a.state, coalesce(CASE WHEN $5::boolean THEN"
	  " a.value ELSE a.raw_value END, ''), count(*)"
	  " FROM response r JOIN version v ON v.id = r.version_id"
	  " JOIN answer_coded a ON a.response_id = r.id"
	  " CROSS JOIN LATERAL (SELECT " GROUP " AS g) g"
	  " WHERE v.wave_id = $1 AND r.status = 'completed' AND NOT r.test"
	  " AND a.var = ANY ($2::text[]) AND a.state IN ('a', 's')"
	  " GROUP BY 1, 2, 3, 4", 5, 1 },
	/* The codes the open texts of a variable got. */
	[S_CODES] = { "results.codes",
	  "SELECT coalesce(c.option_code::text, ''),"
	  " coalesce(c.frame_code::text, ''), coalesce(c.frame_label, ''),"
	  " count(*)"
	  " FROM open_text_code c JOIN response r ON r.id = c.response_id"
	  " JOIN version v ON v.id = r.version_id"
	  " WHERE v.wave_id = $1 AND c.var = $2 AND r.status = 'completed'"
	  " AND NOT r.test GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1, 2", 2, 1 },
	[S_WAVE_DEF] = { "results.wave_def",
	  "SELECT v.definition_id, w.year FROM version v JOIN wave w ON"
	  " w.id = v.wave_id WHERE v.wave_id = $1 ORDER BY v.id LIMIT 1",
	  1, 1 },
	/* Every wave of every survey, for the choosers. */
	[S_SURVEY_WAVES] = { "results.waves",
	  "SELECT w.id, s.key || ' ' || w.year, s.id FROM wave w JOIN survey s"
	  " ON s.id = w.survey_id ORDER BY s.key, w.year DESC", 0, 1 },
	[S_POPULATION] = { "results.population",
	  "UPDATE wave SET population = nullif($2::integer, 0)"
	  " WHERE id = $1", 2, 0 },
};

int
db_results_meta(struct db *db, int wave, db_row_cb cb, void *arg)
{
	char		 sw[16];
	const char	*p[1] = { sw };

	snprintf(sw, sizeof(sw), "%d", wave);
	return (db_each(db, &stmts[S_META], p, cb, arg));
}

int
db_results_counts(struct db *db, int wave, const char *const *vars,
    size_t nvars, const char *by, const char *byvar, int coded, db_row_cb cb,
    void *arg)
{
	struct buf	 b;
	char		 sw[16];
	const char	*p[5];
	int		 rc;

	snprintf(sw, sizeof(sw), "%d", wave);
	buf_init(&b);
	db_array(&b, vars, nvars);
	p[0] = sw;
	p[1] = buf_cstr(&b);
	p[2] = by;
	p[3] = byvar;
	p[4] = coded ? "t" : "f";
	rc = db_each(db, &stmts[S_COUNTS], p, cb, arg);
	buf_free(&b);
	return (rc);
}

int
db_results_codes(struct db *db, int wave, const char *var, db_row_cb cb,
    void *arg)
{
	char		 sw[16];
	const char	*p[2] = { sw, var };

	snprintf(sw, sizeof(sw), "%d", wave);
	return (db_each(db, &stmts[S_CODES], p, cb, arg));
}

/* The definition of a wave's first version; 0 when none, or DB_ERR. */
int
db_results_wave_def(struct db *db, int wave, int *year)
{
	PGresult	*res;
	char		 sw[16];
	const char	*p[1] = { sw };
	int		 def = 0;

	snprintf(sw, sizeof(sw), "%d", wave);
	if ((res = db_exec(db, &stmts[S_WAVE_DEF], p, PGRES_TUPLES_OK)) ==
	    NULL)
		return (DB_ERR);
	if (PQntuples(res) > 0) {
		def = atoi(PQgetvalue(res, 0, 0));
		*year = atoi(PQgetvalue(res, 0, 1));
	}
	PQclear(res);
	return (def);
}

int
db_results_waves(struct db *db, db_row_cb cb, void *arg)
{
	return (db_each(db, &stmts[S_SURVEY_WAVES], NULL, cb, arg));
}

int
db_results_population(struct db *db, int wave, long population)
{
	char		 sw[16], sp[24];
	const char	*p[2] = { sw, sp };

	snprintf(sw, sizeof(sw), "%d", wave);
	snprintf(sp, sizeof(sp), "%ld", population);
	return (db_count(db, &stmts[S_POPULATION], p));
}
