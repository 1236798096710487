/*
 * The dropout funnel (SPEC §3): units by stage reached, respondents by
 * status, and where those who started stopped. Test responses never
 * count. As svar_admin.
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
	S__MAX
};

/* A day as people there count it. */
#define OSLO_DAY(t) \
	"to_char((" t " AT TIME ZONE 'Europe/Oslo')::date, 'YYYY-MM-DD')"

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
	  " count(r.id) FILTER (WHERE r.status <> 'invited'),"
	  " count(r.id) FILTER (WHERE r.status IN ('started', 'completed')),"
	  " count(r.id) FILTER (WHERE r.status = 'completed'),"
	  " (SELECT count(*) FROM wave_unit wu JOIN unit u ON u.id ="
	  "  wu.unit_id WHERE wu.wave_id = v.wave_id AND wu.eligible AND"
	  "  wu.stage IN ('distributed', 'responding') AND"
	  "  wu.forwarded_count IS NULL AND (CASE u.kind WHEN 'fastlegekontor'"
	  "  THEN 'fastlege' WHEN 'network' THEN 'fastlege' ELSE u.kind END)"
	  "  = v.key),"
	  " (SELECT coalesce(sum(l.views), 0) FROM unit_link l JOIN wave_unit"
	  "  wu ON wu.id = l.wave_unit_id WHERE l.version_id = v.id AND"
	  "  wu.eligible)"
	  " FROM version v LEFT JOIN response r ON r.version_id = v.id"
	  "  AND NOT r.test"
	  " WHERE v.wave_id = $1 GROUP BY v.id, v.key, v.wave_id ORDER BY v.id",
	  1, 1 },
	/*
	 * Break-off: responses that started and did not complete, by the
	 * page they are on (by id, so a changed definition lines up), in
	 * the order of the pages; with how many reached each page.
	 */
	[S_BREAKOFF] = { "funnel.breakoff",
	  "SELECT pg.page_id, min(pg.position),"
	  " count(r.id) FILTER (WHERE r.status = 'started' AND"
	  "  r.page_id = pg.page_id),"
	  " count(r.id) FILTER (WHERE r.status IN ('started', 'completed')"
	  "  AND (r.status = 'completed' OR fp.position >= pg.position))"
	  " FROM version v JOIN page pg ON pg.definition_id IN (SELECT"
	  "  DISTINCT r2.definition_id FROM response r2 WHERE r2.version_id"
	  "  = v.id) LEFT JOIN response r ON r.version_id = v.id AND NOT r.test"
	  "  AND r.definition_id = pg.definition_id"
	  " LEFT JOIN page fp ON fp.definition_id = r.definition_id AND"
	  "  fp.page_id = r.furthest_page_id"
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
	  " count(*) FILTER (WHERE d = 'I'), count(*) FILTER (WHERE d = 'P'),"
	  " count(*) FILTER (WHERE d = 'R'), count(*) FILTER (WHERE d = 'NE'),"
	  " count(*) FILTER (WHERE d = 'NC'), count(*) FILTER (WHERE d = 'UH')"
	  " FROM (SELECT i.version_id, CASE"
	  "  WHEN r.status = 'completed' THEN 'I'"
	  "  WHEN r.status = 'started' AND 2 * (fp.position + 1) >="
	  "   (SELECT count(*) FROM page p WHERE p.definition_id ="
	  "   r.definition_id) THEN 'P'"
	  "  WHEN r.status IN ('started', 'opened') OR i.opted_out_at IS NOT"
	  "   NULL THEN 'R'"
	  "  WHEN i.bounced_at IS NOT NULL THEN 'NE'"
	  "  WHEN i.letter_sent_at IS NOT NULL OR i.email_sent_at IS NOT NULL"
	  "   THEN 'NC'"
	  "  ELSE 'UH' END AS d"
	  "  FROM invitation i JOIN response r ON r.invitation_id = i.id"
	  "  LEFT JOIN page fp ON fp.definition_id = r.definition_id AND"
	  "   fp.page_id = r.furthest_page_id"
	  "  WHERE NOT r.test) x JOIN version v ON v.id = x.version_id"
	  " WHERE v.wave_id = $1 GROUP BY v.id, v.key ORDER BY v.id", 1, 1 },
	/* Progress over time: completions per day and version. */
	[S_DAYS] = { "funnel.days",
	  "SELECT " OSLO_DAY("r.completed_at") ", v.key, count(*)"
	  " FROM response r JOIN version v ON v.id = r.version_id"
	  " WHERE v.wave_id = $1 AND r.status = 'completed' AND NOT r.test"
	  " GROUP BY 1, 2 ORDER BY 1, 2", 1, 1 },
	/*
	 * What went out when: the contact persons' invitations and
	 * reminders (outbox, once sent), letters and e-mails to personal
	 * invitations.
	 */
	[S_MARKS] = { "funnel.marks",
	  "SELECT d, k, count(*) FROM ("
	  " SELECT " OSLO_DAY("o.sent_at") " AS d, o.kind AS k FROM outbox o"
	  "  JOIN wave_unit wu ON wu.id = o.wave_unit_id WHERE wu.wave_id = $1"
	  "  AND o.kind IN ('invitation', 'reminder') AND o.sent_at IS NOT"
	  "  NULL"
	  " UNION ALL SELECT " OSLO_DAY("i.letter_sent_at") ", 'letter'"
	  "  FROM invitation i JOIN version v ON v.id = i.version_id"
	  "  WHERE v.wave_id = $1 AND i.letter_sent_at IS NOT NULL"
	  " UNION ALL SELECT " OSLO_DAY("i.email_sent_at") ", 'email'"
	  "  FROM invitation i JOIN version v ON v.id = i.version_id"
	  "  WHERE v.wave_id = $1 AND i.email_sent_at IS NOT NULL) x"
	  " GROUP BY 1, 2 ORDER BY 1, 2", 1, 1 },
	/* Unit stage moves per day (eligible units, notes left out). */
	[S_MOVES] = { "funnel.moves",
	  "SELECT " OSLO_DAY("e.at") ", e.to_stage, count(*)"
	  " FROM unit_event e JOIN wave_unit wu ON wu.id = e.wave_unit_id"
	  " WHERE wu.wave_id = $1 AND wu.eligible AND e.from_stage IS"
	  " DISTINCT FROM e.to_stage GROUP BY 1, 2 ORDER BY 1, 2", 1, 1 },
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
