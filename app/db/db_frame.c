/*
 * The unit frame of a wave: units from the reference lists or an upload,
 * the sample of kommuner, eligibility, and the lists the admin reads.
 * As svar_admin (the admin area) or the owner (svarctl).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_int.h"

enum {
	S_UNIT_UPSERT,
	S_FRAME_ADD,
	S_SAMPLE_UNITS,
	S_SAMPLE_RECORD,
	S_WAVES,
	S_COUNTS,
	S_UNITS,
	S_UNIT,
	S_HISTORY,
	S_ELIGIBLE,
	S_POSTMOTTAK,
	S__MAX
};

static struct db_stmt stmts[S__MAX] = {
	/* An RHF's HF name it by name ($4); what a file lacks is kept. */
	[S_UNIT_UPSERT] = { "frame.unit_upsert",
	  "INSERT INTO unit AS u (kind, code, name, parent_id, fylke,"
	  " population, postmottak, address)"
	  " VALUES ($1, $2, $3, (SELECT id FROM unit WHERE kind = 'rhf' AND"
	  " name = $4), $5, $6::integer, $7, $8)"
	  " ON CONFLICT (kind, code) DO UPDATE SET name = excluded.name,"
	  " parent_id = coalesce(excluded.parent_id, u.parent_id),"
	  " fylke = coalesce(excluded.fylke, u.fylke),"
	  " population = coalesce(excluded.population, u.population),"
	  " postmottak = coalesce(excluded.postmottak, u.postmottak),"
	  " address = coalesce(excluded.address, u.address)"
	  " RETURNING id", 8, 0 },
	[S_FRAME_ADD] = { "frame.add",
	  "INSERT INTO wave_unit (wave_id, unit_id, added_by)"
	  " VALUES ($1, $2, $3) ON CONFLICT (wave_id, unit_id) DO NOTHING",
	  3, 0 },
	[S_SAMPLE_UNITS] = { "frame.sample_units",
	  "SELECT u.id, u.code, coalesce(u.fylke, ''),"
	  " coalesce(u.population, -1) FROM unit u WHERE u.kind = 'kommune'"
	  " AND NOT EXISTS (SELECT FROM wave_unit w WHERE w.wave_id = $1"
	  " AND w.unit_id = u.id) ORDER BY u.code", 1, 1 },
	/* A wave is sampled once; a second draw would mix two samples. */
	[S_SAMPLE_RECORD] = { "frame.sample_record",
	  "UPDATE wave SET sample_seed = $2, sample_params = $3,"
	  " sampled_at = now() WHERE id = $1 AND sampled_at IS NULL"
	  " RETURNING id", 3, 0 },
	/* Newest first, real waves before synthetic ones (the default). */
	[S_WAVES] = { "frame.waves",
	  "SELECT w.id, s.title || CASE WHEN strpos(s.title, w.year::text) > 0 THEN ''"
	  " ELSE ' ' || w.year END, coalesce(w.sample_params,"
	  " ''), coalesce(w.sample_seed::text, ''), coalesce(to_char("
	  " w.sampled_at AT TIME ZONE 'Europe/Oslo', 'YYYY-MM-DD HH24:MI'), '')"
	  " FROM wave w JOIN survey s ON s.id = w.survey_id"
	  " ORDER BY w.synthetic, w.year DESC, s.key", 0, 1 },
	/* Per kind: frame, eligible, and each stage reached or passed. */
	[S_COUNTS] = { "frame.counts",
	  "SELECT u.kind, count(*), count(*) FILTER (WHERE wu.eligible),"
	  " count(*) FILTER (WHERE wu.stage <> 'frame'),"
	  " count(*) FILTER (WHERE wu.stage IN ('accepted', 'distributed',"
	  "  'responding')),"
	  " count(*) FILTER (WHERE wu.stage = 'declined'),"
	  " count(*) FILTER (WHERE wu.stage IN ('distributed', 'responding')),"
	  " count(*) FILTER (WHERE wu.stage = 'responding')"
	  " FROM wave_unit wu JOIN unit u ON u.id = wu.unit_id"
	  " WHERE wu.wave_id = $1 GROUP BY u.kind ORDER BY u.kind", 1, 1 },
	[S_UNITS] = { "frame.units",
	  "SELECT wu.id, u.kind, u.code, u.name, coalesce(p.name, ''),"
	  " coalesce(u.fylke, ''), wu.stage, wu.eligible::int,"
	  " coalesce(wu.forwarded_count::text, ''),"
	  " (SELECT count(*) FROM response r JOIN unit_link l ON"
	  "  l.id = r.unit_link_id WHERE l.wave_unit_id = wu.id AND NOT r.test"
	  "  AND r.status = 'completed'),"
	  " (u.postmottak IS NOT NULL)::int"
	  " FROM wave_unit wu JOIN unit u ON u.id = wu.unit_id"
	  " LEFT JOIN unit p ON p.id = u.parent_id"
	  " WHERE wu.wave_id = $1 AND ($2 = '' OR u.kind = $2)"
	  " AND ($3 = '' OR wu.stage = $3)"
	  /* reached: the funnel's units behind a count (eligible ones). */
	  " AND ($4 = '' OR (wu.eligible AND CASE $4"
	  "  WHEN 'frame' THEN true WHEN 'invited' THEN wu.stage <> 'frame'"
	  "  WHEN 'accepted' THEN wu.stage IN ('accepted', 'distributed',"
	  "   'responding')"
	  "  WHEN 'distributed' THEN wu.stage IN ('distributed', 'responding')"
	  "  ELSE wu.stage = $4 END))"
	  " ORDER BY u.kind, u.name LIMIT 2000", 4, 1 },
	[S_UNIT] = { "frame.unit",
	  "SELECT wu.id, wu.wave_id, u.kind, u.code, u.name,"
	  " coalesce(p.name, ''), coalesce(u.fylke, ''), wu.stage,"
	  " wu.eligible::int, coalesce(wu.ineligible_reason, ''),"
	  " coalesce(wu.forwarded_count::text, ''), coalesce(u.postmottak, ''),"
	  " coalesce(u.address, ''), coalesce(c.name, ''), coalesce(c.email, ''),"
	  " coalesce(c.phone, ''),"
	  " coalesce(wu.portal_selector || wu.portal_verifier, ''),"
	  " s.title || CASE WHEN strpos(s.title, w.year::text) > 0 THEN ''"
	  " ELSE ' ' || w.year END"
	  " FROM wave_unit wu JOIN unit u ON u.id = wu.unit_id"
	  " JOIN wave w ON w.id = wu.wave_id JOIN survey s ON s.id = w.survey_id"
	  " LEFT JOIN unit p ON p.id = u.parent_id"
	  " LEFT JOIN contact c ON c.wave_unit_id = wu.id"
	  " WHERE wu.id = $1", 1, 1 },
	[S_HISTORY] = { "frame.history",
	  "SELECT to_char(at AT TIME ZONE 'Europe/Oslo', 'YYYY-MM-DD HH24:MI'),"
	  " coalesce(from_stage, ''), to_stage, actor, coalesce(note, '')"
	  " FROM unit_event WHERE wave_unit_id = $1 ORDER BY id", 1, 1 },
	[S_ELIGIBLE] = { "frame.eligible",
	  "UPDATE wave_unit SET eligible = $2::boolean,"
	  " ineligible_reason = CASE WHEN $2::boolean THEN NULL ELSE $3 END"
	  " WHERE id = $1", 3, 0 },
	[S_POSTMOTTAK] = { "frame.postmottak",
	  "UPDATE unit SET postmottak = nullif($2, '') WHERE id ="
	  " (SELECT unit_id FROM wave_unit WHERE id = $1)", 2, 0 },
};

/* A unit from a frame file; its id, 0 on failure. */
int
db_unit_upsert(struct db *db, const struct frame_unit *u)
{
	char		 pop[24], *id;
	const char	*p[8];
	int		 rc;

	snprintf(pop, sizeof(pop), "%ld", u->population);
	p[0] = u->kind;
	p[1] = u->code;
	p[2] = u->name;
	p[3] = u->parent;
	p[4] = u->fylke;
	p[5] = u->population >= 0 ? pop : NULL;
	p[6] = u->postmottak;
	p[7] = u->address;
	if ((id = db_val(db, &stmts[S_UNIT_UPSERT], p)) == NULL)
		return (0);
	rc = atoi(id);
	free(id);
	return (rc);
}

/* 1 added, 0 it was in the frame already, DB_ERR. */
int
db_frame_add(struct db *db, int wave, int unit, const char *how)
{
	char		 sw[16], su[16];
	const char	*p[3] = { sw, su, how };

	snprintf(sw, sizeof(sw), "%d", wave);
	snprintf(su, sizeof(su), "%d", unit);
	return (db_count(db, &stmts[S_FRAME_ADD], p));
}

static int
wave_each(struct db *db, int stmt, int wave, db_row_cb cb, void *arg)
{
	char		 sw[16];
	const char	*p[1] = { sw };

	snprintf(sw, sizeof(sw), "%d", wave);
	return (db_each(db, &stmts[stmt], p, cb, arg));
}

/* Kommuner not in the wave's frame: id, code, fylke, population. */
int
db_sample_units(struct db *db, int wave, db_row_cb cb, void *arg)
{
	return (wave_each(db, S_SAMPLE_UNITS, wave, cb, arg));
}

/* 1 recorded, 0 the wave was sampled before, DB_ERR. */
int
db_sample_record(struct db *db, int wave, unsigned long long seed,
    const char *params)
{
	char		 sw[16], ss[24];
	const char	*p[3] = { sw, ss, params };
	int		 rc;
	char		*v;

	snprintf(sw, sizeof(sw), "%d", wave);
	snprintf(ss, sizeof(ss), "%lld", (long long)(seed & 0x7fffffffffffffffULL));
	if ((v = db_val(db, &stmts[S_SAMPLE_RECORD], p)) != NULL) {
		free(v);
		return (1);
	}
	rc = strstr(db_error(db), "no row") != NULL ? 0 : DB_ERR;
	return (rc);
}

int
db_waves(struct db *db, db_row_cb cb, void *arg)
{
	return (db_each(db, &stmts[S_WAVES], NULL, cb, arg));
}

int
db_frame_counts(struct db *db, int wave, db_row_cb cb, void *arg)
{
	return (wave_each(db, S_COUNTS, wave, cb, arg));
}

int
db_units(struct db *db, int wave, const char *kind, const char *stage,
    const char *reached, db_row_cb cb, void *arg)
{
	char		 sw[16];
	const char	*p[4] = { sw, kind, stage, reached };

	snprintf(sw, sizeof(sw), "%d", wave);
	return (db_each(db, &stmts[S_UNITS], p, cb, arg));
}

int
db_unit(struct db *db, int wave_unit, db_row_cb cb, void *arg)
{
	return (wave_each(db, S_UNIT, wave_unit, cb, arg));
}

int
db_unit_history(struct db *db, int wave_unit, db_row_cb cb, void *arg)
{
	return (wave_each(db, S_HISTORY, wave_unit, cb, arg));
}

int
db_unit_eligible(struct db *db, int wave_unit, int eligible,
    const char *reason)
{
	char		 sw[16];
	const char	*p[3] = { sw, eligible ? "t" : "f", reason };

	snprintf(sw, sizeof(sw), "%d", wave_unit);
	return (db_count(db, &stmts[S_ELIGIBLE], p));
}

int
db_unit_postmottak(struct db *db, int wave_unit, const char *addr)
{
	char		 sw[16];
	const char	*p[2] = { sw, addr };

	snprintf(sw, sizeof(sw), "%d", wave_unit);
	return (db_count(db, &stmts[S_POSTMOTTAK], p));
}
