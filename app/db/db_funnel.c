/*
 * The dropout funnel (SPEC §3): units by stage reached, respondents by
 * status, and where those who started stopped. Test responses never
 * count. As svar_admin. What counts responses reads the wave's summary
 * (sql/081, funnel_summary), made again when older than the caller
 * allows: at 100,000 responses grouping them on every view took seconds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_int.h"

enum {
	S_UNITS,
	S_PEOPLE,
	S_BREAKOFF,
	S_AAPOR,
	S_DAYS,
	S_MARKS,
	S_MOVES,
	S_PAGE_TIME,
	S_REFRESH,
	S__MAX
};

/*
 * A unit counts at every stage it has reached: a responding unit was
 * also invited, accepted and distributed. Declined is a branch off
 * invited. Only eligible units are in the funnel. $2 picks the
 * breakdown: '' overall, kind, rhf, fylke.
 */
#define UNIT_GROUP \
	"CASE $2 WHEN 'kind' THEN u.kind WHEN 'rhf' THEN"		\
	" coalesce(p.name, '–') WHEN 'fylke' THEN coalesce(u.fylke, '–')"\
	" ELSE '' END"

static struct db_stmt stmts[S__MAX] = {
	[S_UNITS] = { "funnel.units",
	  "SELECT " UNIT_GROUP " AS g, count(*),"
	  " count(*) FILTER (WHERE wu.stage <> 'frame'),"
	  " count(*) FILTER (WHERE wu.stage IN ('accepted', 'distributed',"
	  "  'responding')),"
	  " count(*) FILTER (WHERE wu.stage = 'declined'),"
	  " count(*) FILTER (WHERE wu.stage IN ('distributed', 'responding')),"
	  " count(*) FILTER (WHERE wu.stage = 'responding')"
	  " FROM wave_unit wu JOIN unit u ON u.id = wu.unit_id"
	  " LEFT JOIN unit p ON p.id = u.parent_id"
	  " WHERE wu.wave_id = $1 AND wu.eligible GROUP BY g ORDER BY g",
	  2, 1 },
	/*
	 * Respondents per version: invited is the headcount the contact
	 * persons reported for their units plus the personal invitations;
	 * opened, started and completed come from the responses.
	 */
	[S_PEOPLE] = { "funnel.people",
	  "SELECT v.key,"
	  " coalesce((SELECT sum(wu.forwarded_count) FROM wave_unit wu"
	  "  JOIN unit u ON u.id = wu.unit_id WHERE wu.wave_id = v.wave_id"
	  "  AND wu.eligible AND (CASE u.kind WHEN 'fastlegekontor' THEN"
	  "  'fastlege' WHEN 'network' THEN 'fastlege' ELSE u.kind END) ="
	  "  v.key), 0)"
	  " + (SELECT count(*) FROM invitation i WHERE i.version_id = v.id),"
	  " coalesce(sum(f.n) FILTER (WHERE f.status <> 'invited'), 0),"
	  " coalesce(sum(f.n) FILTER (WHERE f.status IN ('started',"
	  "  'completed')), 0),"
	  " coalesce(sum(f.n) FILTER (WHERE f.status = 'completed'), 0),"
	  " (SELECT count(*) FROM wave_unit wu JOIN unit u ON u.id ="
	  "  wu.unit_id WHERE wu.wave_id = v.wave_id AND wu.eligible AND"
	  "  wu.stage IN ('distributed', 'responding') AND"
	  "  wu.forwarded_count IS NULL AND (CASE u.kind WHEN 'fastlegekontor'"
	  "  THEN 'fastlege' WHEN 'network' THEN 'fastlege' ELSE u.kind END)"
	  "  = v.key),"
	  " (SELECT coalesce(sum(l.views), 0) FROM unit_link l JOIN wave_unit"
	  "  wu ON wu.id = l.wave_unit_id WHERE l.version_id = v.id AND"
	  "  wu.eligible)"
	  " FROM version v LEFT JOIN funnel_summary f ON f.version_id = v.id"
	  "  AND f.wave_id = v.wave_id"
	  " WHERE v.wave_id = $1 GROUP BY v.id, v.key, v.wave_id ORDER BY v.id",
	  1, 1 },
	/*
	 * Break-off: responses that started and did not complete, by the
	 * page they are on (by id, so a changed definition lines up), in
	 * the order of the pages; with how many reached each page.
	 */
	[S_BREAKOFF] = { "funnel.breakoff",
	  "SELECT pg.page_id, min(pg.position),"
	  " coalesce(sum(f.n) FILTER (WHERE f.status = 'started' AND"
	  "  f.page_id = pg.page_id), 0),"
	  " coalesce(sum(f.n) FILTER (WHERE f.status IN ('started',"
	  "  'completed') AND (f.status = 'completed' OR fp.position >="
	  "  pg.position)), 0)"
	  " FROM version v JOIN page pg ON pg.definition_id IN (SELECT"
	  "  DISTINCT f2.definition_id FROM funnel_summary f2 WHERE"
	  "  f2.version_id = v.id) LEFT JOIN funnel_summary f ON"
	  "  f.version_id = v.id AND f.definition_id = pg.definition_id"
	  " LEFT JOIN page fp ON fp.definition_id = f.definition_id AND"
	  "  fp.page_id = f.furthest_page_id"
	  " WHERE v.wave_id = $1 AND ($2 = '' OR v.key = $2)"
	  " GROUP BY pg.page_id ORDER BY min(pg.position), pg.page_id",
	  2, 1 },
	/*
	 * Final dispositions of personal invitations, one each, in this
	 * order (README, The funnel): I complete; P partial (started, got
	 * at least half way); R break-off, refusal or opt-out; NE bounced
	 * (not eligible); NC sent, never opened; UH never sent, so whether
	 * it could reach anyone is unknown.
	 */
	[S_AAPOR] = { "funnel.aapor",
	  "SELECT v.key,"
	  " coalesce(sum(n) FILTER (WHERE d = 'I'), 0),"
	  " coalesce(sum(n) FILTER (WHERE d = 'P'), 0),"
	  " coalesce(sum(n) FILTER (WHERE d = 'R'), 0),"
	  " coalesce(sum(n) FILTER (WHERE d = 'NE'), 0),"
	  " coalesce(sum(n) FILTER (WHERE d = 'NC'), 0),"
	  " coalesce(sum(n) FILTER (WHERE d = 'UH'), 0)"
	  " FROM (SELECT f.version_id, f.n, CASE"
	  "  WHEN f.status = 'completed' THEN 'I'"
	  "  WHEN f.status = 'started' AND 2 * (fp.position + 1) >="
	  "   (SELECT count(*) FROM page p WHERE p.definition_id ="
	  "   f.definition_id) THEN 'P'"
	  "  WHEN f.status IN ('started', 'opened') OR f.opted_out THEN 'R'"
	  "  WHEN f.bounced THEN 'NE'"
	  "  WHEN f.sent THEN 'NC'"
	  "  ELSE 'UH' END AS d"
	  "  FROM funnel_summary f LEFT JOIN page fp ON fp.definition_id ="
	  "   f.definition_id AND fp.page_id = f.furthest_page_id"
	  "  WHERE f.wave_id = $1 AND f.personal"
	  /*
	   * Completed in an anonymous wave: its response left it, and
	   * nothing else makes an invitation lose its response (sql/098).
	   */
	  "  UNION ALL SELECT i.version_id, count(*), 'I' FROM invitation i"
	  "  JOIN version v2 ON v2.id = i.version_id WHERE v2.wave_id = $1"
	  "  AND i.key_digest IS NOT NULL AND NOT EXISTS (SELECT FROM"
	  "  response r WHERE r.invitation_id = i.id) GROUP BY 1) x"
	  " JOIN version v ON v.id = x.version_id"
	  " GROUP BY v.id, v.key ORDER BY v.id", 1, 1 },
	/* Progress over time: completions per day and version. */
	[S_DAYS] = { "funnel.days",
	  "SELECT f.day, v.key, sum(f.n) FROM funnel_summary f"
	  " JOIN version v ON v.id = f.version_id WHERE f.wave_id = $1"
	  " AND f.status = 'completed' AND f.day IS NOT NULL"
	  " GROUP BY 1, 2 ORDER BY 1, 2", 1, 1 },
	/*
	 * What went out when (sql/081): the contact persons' invitations
	 * and reminders once sent, letters and e-mails to personal
	 * invitations.
	 */
	[S_MARKS] = { "funnel.marks",
	  "SELECT day, key, n FROM funnel_event_day WHERE wave_id = $1"
	  " AND what = 'sent' ORDER BY 1, 2", 1, 1 },
	/* Unit stage moves per day (eligible units, notes left out). */
	[S_MOVES] = { "funnel.moves",
	  "SELECT day, key, n FROM funnel_event_day WHERE wave_id = $1"
	  " AND what = 'move' ORDER BY 1, 2", 1, 1 },
	/* Median time per page (sql/081 computes it), all or a version. */
	[S_PAGE_TIME] = { "funnel.page_time",
	  "SELECT t.page_id, t.n, round(t.median) FROM funnel_page_time t"
	  " LEFT JOIN version v ON v.id = t.version_id WHERE t.wave_id = $1"
	  " AND (($2 = '' AND t.version_id IS NULL) OR v.key = $2)", 2, 1 },
	/* The summary the counts above read, made again when 10 s old. */
	[S_REFRESH] = { "funnel.refresh",
	  "SELECT svar_funnel_refresh($1, make_interval(secs => $2))", 2, 1 },
};

int
db_funnel_units(struct db *db, int wave, const char *by, db_row_cb cb,
    void *arg)
{
	char		 sw[16];
	const char	*p[2] = { sw, by };

	snprintf(sw, sizeof(sw), "%d", wave);
	return (db_each(db, &stmts[S_UNITS], p, cb, arg));
}

int
db_funnel_people(struct db *db, int wave, db_row_cb cb, void *arg)
{
	char		 sw[16];
	const char	*p[1] = { sw };

	snprintf(sw, sizeof(sw), "%d", wave);
	return (db_each(db, &stmts[S_PEOPLE], p, cb, arg));
}

int
db_funnel_breakoff(struct db *db, int wave, const char *version,
    db_row_cb cb, void *arg)
{
	char		 sw[16];
	const char	*p[2] = { sw, version };

	snprintf(sw, sizeof(sw), "%d", wave);
	return (db_each(db, &stmts[S_BREAKOFF], p, cb, arg));
}

int
db_funnel_aapor(struct db *db, int wave, db_row_cb cb, void *arg)
{
	char		 sw[16];
	const char	*p[1] = { sw };

	snprintf(sw, sizeof(sw), "%d", wave);
	return (db_each(db, &stmts[S_AAPOR], p, cb, arg));
}

/* Rows of (day, version or kind or stage, count) for progress over time. */
int
db_funnel_time(struct db *db, int wave, enum db_funnel_series which,
    db_row_cb cb, void *arg)
{
	static const int	 st[] = { S_DAYS, S_MARKS, S_MOVES };
	char			 sw[16];
	const char		*p[1] = { sw };

	snprintf(sw, sizeof(sw), "%d", wave);
	return (db_each(db, &stmts[st[which]], p, cb, arg));
}

/* (page id, responses timed, median seconds) per page. */
int
db_funnel_page_time(struct db *db, int wave, const char *version,
    db_row_cb cb, void *arg)
{
	char		 sw[16];
	const char	*p[2] = { sw, version };

	snprintf(sw, sizeof(sw), "%d", wave);
	return (db_each(db, &stmts[S_PAGE_TIME], p, cb, arg));
}

/* Makes the wave's summary again when older than max_age seconds. */
int
db_funnel_refresh(struct db *db, int wave, int max_age)
{
	char		 sw[16], sa[16];
	const char	*p[2] = { sw, sa };
	char		*v;

	snprintf(sw, sizeof(sw), "%d", wave);
	snprintf(sa, sizeof(sa), "%d", max_age);
	if ((v = db_val(db, &stmts[S_REFRESH], p)) == NULL)
		return (DB_ERR);
	free(v);
	return (0);
}
