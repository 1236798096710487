/*
 * Open answers (issue 13 §3): the texts of a wave per variable, their
 * codes, the coding frames, coding and blanking. Texts are for admins
 * only (web_route.c). Test responses never show. As svar_admin.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_int.h"

enum {
	S_TEXTS,
	S_TEXT_COUNTS,
	S_FRAME,
	S_FRAME_ADD,
	S_CODE,
	S_BLANK,
	S__MAX
};

static struct db_stmt stmts[S__MAX] = {
	/*
	 * The texts of one variable in responses that started: response,
	 * text, who blanked it and when, its code (option or frame code,
	 * label), who coded it and when.
	 */
	[S_TEXTS] = { "open.texts",
	  "SELECT r.id, coalesce(a.value, ''),"
	  " coalesce(bu.name, ''), coalesce(to_char(b.blanked_at AT TIME ZONE"
	  "  'Europe/Oslo', 'YYYY-MM-DD HH24:MI'), ''),"
	  " coalesce(c.option_code::text, ''), coalesce(c.frame_code_id::text,"
	  "  ''), coalesce(f.code::text, ''), coalesce(f.label, ''),"
	  " coalesce(cu.name, ''), coalesce(to_char(c.coded_at AT TIME ZONE"
	  "  'Europe/Oslo', 'YYYY-MM-DD HH24:MI'), ''), r.status"
	  " FROM response r JOIN version v ON v.id = r.version_id"
	  " JOIN answer a ON a.response_id = r.id AND a.var = $2"
	  " LEFT JOIN text_blanked b ON b.response_id = r.id AND b.var = a.var"
	  " LEFT JOIN admin_user bu ON bu.id = b.blanked_by"
	  " LEFT JOIN open_code c ON c.response_id = r.id AND c.var = a.var"
	  " LEFT JOIN code_frame f ON f.id = c.frame_code_id"
	  " LEFT JOIN admin_user cu ON cu.id = c.coded_by"
	  " WHERE v.wave_id = $1 AND NOT r.test AND a.state = 'a'"
	  " AND r.status IN ('started', 'completed')"
	  " AND (a.value IS NOT NULL OR b.response_id IS NOT NULL)"
	  " ORDER BY (c.response_id IS NOT NULL), r.id LIMIT 1000", 2, 1 },
	/* Per text variable: texts, coded, blanked. */
	[S_TEXT_COUNTS] = { "open.counts",
	  "SELECT a.var, count(*), count(c.response_id), count(b.response_id)"
	  " FROM response r JOIN version v ON v.id = r.version_id"
	  " JOIN answer a ON a.response_id = r.id"
	  " LEFT JOIN open_code c ON c.response_id = r.id AND c.var = a.var"
	  " LEFT JOIN text_blanked b ON b.response_id = r.id AND b.var = a.var"
	  " WHERE v.wave_id = $1 AND NOT r.test AND a.state = 'a'"
	  " AND r.status IN ('started', 'completed')"
	  " AND a.var = ANY ($2::text[])"
	  " AND (a.value IS NOT NULL OR b.response_id IS NOT NULL)"
	  " GROUP BY a.var", 2, 1 },
	[S_FRAME] = { "open.frame",
	  "SELECT f.id, f.code, f.label FROM code_frame f JOIN wave w ON"
	  " w.survey_id = f.survey_id WHERE w.id = $1 AND f.item_id = $2"
	  " ORDER BY f.code", 2, 1 },
	[S_FRAME_ADD] = { "open.frame_add",
	  "INSERT INTO code_frame (survey_id, item_id, code, label, created_by)"
	  " SELECT w.survey_id, $2, $3, $4, $5 FROM wave w WHERE w.id = $1"
	  " ON CONFLICT DO NOTHING", 5, 0 },
	/*
	 * Only a response of the wave whose definition the page checked
	 * the variable against ($9, $4): another survey's response may
	 * have a variable of that name that means something else.
	 */
	[S_CODE] = { "open.code",
	  "SELECT CASE WHEN EXISTS (SELECT 1 FROM response r JOIN version v"
	  " ON v.id = r.version_id WHERE r.id = $1 AND v.wave_id = $9)"
	  " THEN svar_open_code($1, $2, nullif($3, '')::integer,"
	  " nullif($4, '')::integer, $5::text[], $6::text[], $7::text[], $8)"
	  " ELSE false END", 9, 0 },
	[S_BLANK] = { "open.blank",
	  "SELECT CASE WHEN EXISTS (SELECT 1 FROM response r JOIN version v"
	  " ON v.id = r.version_id WHERE r.id = $1 AND v.wave_id = $4)"
	  " THEN svar_text_blank($1, $2, $3) ELSE false END", 4, 0 },
};

int
db_open_texts(struct db *db, int wave, const char *var, db_row_cb cb,
    void *arg)
{
	char		 sw[16];
	const char	*p[2] = { sw, var };

	snprintf(sw, sizeof(sw), "%d", wave);
	return (db_each(db, &stmts[S_TEXTS], p, cb, arg));
}

int
db_open_counts(struct db *db, int wave, const char *const *vars, size_t n,
    db_row_cb cb, void *arg)
{
	struct buf	 b;
	char		 sw[16];
	const char	*p[2];
	int		 rc;

	snprintf(sw, sizeof(sw), "%d", wave);
	buf_init(&b);
	db_array(&b, vars, n);
	p[0] = sw;
	p[1] = buf_cstr(&b);
	rc = db_each(db, &stmts[S_TEXT_COUNTS], p, cb, arg);
	buf_free(&b);
	return (rc);
}

int
db_open_frame(struct db *db, int wave, const char *item, db_row_cb cb,
    void *arg)
{
	char		 sw[16];
	const char	*p[2] = { sw, item };

	snprintf(sw, sizeof(sw), "%d", wave);
	return (db_each(db, &stmts[S_FRAME], p, cb, arg));
}

/* A new code of an item's frame: 1 added, 0 code or label taken. */
int
db_open_frame_add(struct db *db, int wave, const char *item, int code,
    const char *label, int user)
{
	char		 sw[16], sc[16], su[16];
	const char	*p[5] = { sw, item, sc, label, su };

	snprintf(sw, sizeof(sw), "%d", wave);
	snprintf(sc, sizeof(sc), "%d", code);
	snprintf(su, sizeof(su), "%d", user);
	return (db_count(db, &stmts[S_FRAME_ADD], p));
}

static int
bool_val(struct db *db, struct db_stmt *st, const char *const *p)
{
	char	*v;
	int	 ok;

	if ((v = db_val(db, st, p)) == NULL)
		return (DB_ERR);
	ok = strcmp(v, "t") == 0;
	free(v);
	return (ok);
}

/*
 * Codes a text: option (or "") back-codes it, frame (a code_frame id,
 * or "") gives it a frame code, both "" take the code away. The
 * overrides are the item's variables the back-coding changes, each
 * over the raw value it replaces ("" any). 1 done,
 * 0 no such text or a code of another item, DB_ERR.
 */
int
db_open_code(struct db *db, int wave, long long resp, const char *var,
    const char *option, const char *frame, const char *const *ovars,
    const char *const *ovals, const char *const *oraws, size_t n, int user)
{
	struct buf	 bv, bx, bw;
	char		 sr[24], su[16], sw[16];
	const char	*p[9];
	int		 rc;

	snprintf(sr, sizeof(sr), "%lld", resp);
	snprintf(su, sizeof(su), "%d", user);
	snprintf(sw, sizeof(sw), "%d", wave);
	buf_init(&bv);
	buf_init(&bx);
	buf_init(&bw);
	db_array(&bv, ovars, n);
	db_array(&bx, ovals, n);
	db_array(&bw, oraws, n);
	p[0] = sr;
	p[1] = var;
	p[2] = option;
	p[3] = frame;
	p[4] = buf_cstr(&bv);
	p[5] = buf_cstr(&bx);
	p[6] = buf_cstr(&bw);
	p[7] = su;
	p[8] = sw;
	rc = bool_val(db, &stmts[S_CODE], p);
	buf_free(&bv);
	buf_free(&bx);
	buf_free(&bw);
	return (rc);
}

/* Blanks a text: 1 done, 0 nothing to blank, DB_ERR. */
int
db_open_blank(struct db *db, int wave, long long resp, const char *var,
    int user)
{
	char		 sr[24], su[16], sw[16];
	const char	*p[4] = { sr, var, su, sw };

	snprintf(sw, sizeof(sw), "%d", wave);
	snprintf(sr, sizeof(sr), "%lld", resp);
	snprintf(su, sizeof(su), "%d", user);
	return (bool_val(db, &stmts[S_BLANK], p));
}
