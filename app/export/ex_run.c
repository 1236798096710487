/*
 * One export, start to end, for svarctl and the admin's download: the
 * wave and definition, the columns, then the rows from the database
 * layer's streams (db_export.c) straight into the writer. The columns
 * are the current definition's (the version's, or the wave's first
 * version's); a response started on an older definition is matched by
 * variable name, so a variable it never had counts as not reached and
 * one the current definition dropped is left out.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "export.h"
#include "ex_run.h"

struct run {
	struct ex_table		 t;
	struct ex_out		 o;
	const struct ex_ops	*ops;
	const struct ex_run	*req;
	struct db_export_filter	 f;		/* req's, resolved */
	struct ex_cell		*cells;
	struct buf		 row;		/* the row's values, copied */
	size_t			*off;		/* per cell into row; NOVAL */
	const struct survey	*s;
	size_t			 furthest;	/* page index of the row */
	struct ex_frame_code	*fc;
	size_t			 nfc;
	long			 total;
	int			 begun;
	int			 declared;	/* widths in the header */
	int			 wave;
	char			 wave_name[64];
	struct buf		 waves;
	int			*earlier;	/* year, definition, ... */
	size_t			 nearlier;
};

static void
wave_row(int n, const char *const *v, void *arg)
{
	struct run	*x = arg;

	if (n < 2)
		return;
	buf_printf(&x->waves, "%s  %s\n", v[0], v[1]);
	if (x->wave == 0)
		snprintf(x->wave_name, sizeof(x->wave_name), "%s", v[1]);
}

static void
frame_row(int n, const char *const *v, void *arg)
{
	struct run	*x = arg;

	if (n < 3)
		return;
	x->fc = xrealloc(x->fc, (x->nfc + 1) * sizeof(*x->fc));
	x->fc[x->nfc].item = xstrdup(v[0]);
	x->fc[x->nfc].code = atoi(v[1]);
	x->fc[x->nfc].label = xstrdup(v[2]);
	x->nfc++;
}

static void
earlier_row(int n, const char *const *v, void *arg)
{
	struct run	*x = arg;

	if (n < 2)
		return;
	x->earlier = xrealloc(x->earlier, (x->nearlier + 2) *
	    sizeof(*x->earlier));
	x->earlier[x->nearlier++] = atoi(v[0]);
	x->earlier[x->nearlier++] = atoi(v[1]);
}

/*
 * The codebook's earlier wording: each earlier wave's definition,
 * compared item by item with the exported one (ex_past.c).
 */
static int
run_earlier(struct db *db, struct run *x, struct ex_result *res)
{
	struct def_errors	 de;
	struct survey		*old;
	char			*src;
	size_t			 i;

	if (db_export_earlier(db, x->wave, earlier_row, x) == DB_ERR) {
		snprintf(res->err, sizeof(res->err), "%s", db_error(db));
		return (0);
	}
	for (i = 0; i + 1 < x->nearlier; i += 2) {
		if ((src = db_definition(db, x->earlier[i + 1])) == NULL) {
			snprintf(res->err, sizeof(res->err), "%s",
			    db_error(db));
			return (0);
		}
		memset(&de, 0, sizeof(de));
		old = def_parse("definition", src, strlen(src), &de);
		free(src);
		def_errors_free(&de);
		/* Stored definitions parsed when loaded: skip, not fail. */
		if (old == NULL)
			continue;
		ex_table_past(&x->t, old, x->earlier[i], x->fc, x->nfc);
		survey_free(old);
	}
	return (1);
}

/* The longest value of each paradata string (db_export_para_widths). */
static void
para_width_row(int n, const char *const *v, void *arg)
{
	struct run	*x = arg;
	int		 i;

	for (i = 0; i < n && i < EX__PARA; i++)
		if (x->t.cols[i].kind == EX_STR)
			x->t.cols[i].width = atoi(v[i]);
}

/* The longest value of a variable (db_export_text_widths). */
static void
text_width_row(int n, const char *const *v, void *arg)
{
	struct run	*x = arg;
	long		 k;

	if (n < 2 || (k = ex_find(&x->t, v[0], EX_VALUE)) < 0 ||
	    x->t.cols[k].kind != EX_STR)
		return;
	x->t.cols[k].width = atoi(v[1]);
}

/*
 * .sav and .dta declare each string's width in the header, before the
 * first row: the longest value the rows will bring, from the same
 * snapshot (at least 1 byte, as the formats want).
 */
static int
run_begin(struct db *db, long total, void *arg)
{
	struct run		*x = arg;
	size_t			 i;

	x->total = total;
	if (x->req->format == EX_SAV || x->req->format == EX_DTA) {
		if (db_export_para_widths(db, &x->f, para_width_row, x) ==
		    DB_ERR || db_export_text_widths(db, &x->f, text_width_row,
		    x) == DB_ERR)
			return (0);
		for (i = 0; i < x->t.ncols; i++)
			if (x->t.cols[i].kind == EX_STR &&
			    x->t.cols[i].width < 1)
				x->t.cols[i].width = 1;
		x->declared = 1;
	}
	if (!x->ops->begin(&x->o, total))
		return (0);
	x->begun = 1;
	return (1);
}

#define NOVAL	((size_t)-1)

/*
 * A cell's value is copied into the row's buffer (the database layer's
 * batch may be gone before the row is written); run_end points the
 * cells at the copies once the buffer no longer moves.
 */
static void
cell_set(struct run *x, long col, enum ex_state st, const char *s)
{
	if (col < 0)
		return;
	x->cells[col].st = st;
	x->off[col] = NOVAL;
	if (s == NULL)
		return;
	x->off[col] = x->row.len;
	buf_append(&x->row, s, strlen(s) + 1);
}

static void
run_resp(const char *const *v, void *arg)
{
	struct run	*x = arg;
	char		*h, *p, *q, *eq;
	size_t		 i;

	buf_reset(&x->row);
	for (i = 0; i < x->t.ncols; i++) {
		if (i < EX__PARA)
			cell_set(x, (long)i, v[i][0] == '\0' ? EX_S_NULL :
			    EX_S_VALUE, v[i]);
		else
			cell_set(x, (long)i, EX_S_NOTREACHED, NULL);
	}
	/*
	 * Pages before the furthest were passed: a completed response
	 * passed them all, one never saved (opened, no furthest page)
	 * none, so its questions count as not reached, not as not asked.
	 */
	x->furthest = strcmp(v[EX_P_STATUS], "completed") == 0 ?
	    x->s->npages : v[EX__PARA + 1][0] == '\0' ? 0 :
	    survey_page(x->s, v[EX__PARA + 1]);
	/* The version's hidden values: "B1=1;B2=3". */
	h = xstrdup(v[EX__PARA]);
	for (p = h; p != NULL && *p != '\0'; p = q) {
		if ((q = strchr(p, ';')) != NULL)
			*q++ = '\0';
		if ((eq = strchr(p, '=')) == NULL)
			continue;
		*eq++ = '\0';
		cell_set(x, ex_find(&x->t, p, EX_VALUE), EX_S_VALUE, eq);
	}
	free(h);
}

/* var, state, coded value, raw value, option code, frame code. */
static void
run_ans(const char *const *v, void *arg)
{
	struct run	*x = arg;
	enum ex_state	 st;
	const char	*c;
	long		 k, col;

	if (v[1] == NULL)
		return;
	st = v[1][0] == 'a' ? EX_S_VALUE : v[1][0] == 'n' ? EX_S_NOTASKED :
	    EX_S_SKIPPED;
	/* The variable's columns are next to each other in t.order. */
	for (k = ex_find_var(&x->t, v[0]); k >= 0 && (size_t)k < x->t.norder &&
	    strcmp(x->t.cols[x->t.order[k]].var, v[0]) == 0; k++) {
		col = (long)x->t.order[k];
		switch (x->t.cols[col].part) {
		case EX_VALUE:
			cell_set(x, col, st, st == EX_S_VALUE ?
			    (v[2] != NULL ? v[2] : "") : NULL);
			break;
		case EX_RAW:
			cell_set(x, col, st, st == EX_S_VALUE ?
			    (v[3] != NULL ? v[3] : "") : NULL);
			break;
		case EX_CODE:
		case EX_FRAME:
			/* An answered text without a code: system-missing. */
			c = x->t.cols[col].part == EX_CODE ? v[4] : v[5];
			cell_set(x, col, st == EX_S_VALUE && c == NULL ?
			    EX_S_NULL : st, c);
			break;
		default:
			break;
		}
	}
}

/*
 * A string's width: the codebook's is the longest value written. A
 * header's (.sav, .dta) was declared before the rows: a longer value
 * would be cut there without a word, so it stops the export instead.
 */
static int
run_width(struct run *x, size_t i)
{
	struct ex_col		*c = &x->t.cols[i];
	const struct ex_cell	*cell = &x->cells[i];
	size_t			 n;

	if (c->kind != EX_STR || cell->st != EX_S_VALUE || cell->s == NULL ||
	    (n = strlen(cell->s)) <= (size_t)c->width)
		return (1);
	if (x->declared) {
		snprintf(x->o.err, sizeof(x->o.err), "export: a value of %s "
		    "has %zu bytes, more than the %d its width query found",
		    c->name, n, c->width);
		return (0);
	}
	c->width = n > INT_MAX ? INT_MAX : (int)n;
	return (1);
}

/*
 * A variable without a row on a page the response went past was
 * routed away (the app stores no row for a question it never showed):
 * not asked. On the furthest page or after: not reached. Then the
 * codebook's count of each state and width, and the row to the writer.
 */
static int
run_end(void *arg)
{
	struct run		*x = arg;
	const struct ex_col	*c;
	size_t			 i;
	int			 k;

	for (i = 0; i < x->t.ncols; i++) {
		x->cells[i].s = x->off[i] == NOVAL ? NULL : x->row.data +
		    x->off[i];
		if (!run_width(x, i))
			return (0);
	}
	for (i = EX__PARA; i < x->t.ncols; i++) {
		c = &x->t.cols[i];
		if (x->cells[i].st == EX_S_NOTREACHED && c->item != NULL &&
		    c->item->page < x->furthest)
			x->cells[i].st = EX_S_NOTASKED;
		switch (x->cells[i].st) {
		case EX_S_SKIPPED:
			k = 1;
			break;
		case EX_S_NOTASKED:
			k = 2;
			break;
		case EX_S_NOTREACHED:
			k = 3;
			break;
		default:
			k = 0;
			break;
		}
		x->t.cols[i].n[k]++;
	}
	return (x->ops->row(&x->o, x->cells));
}

static void
run_free(struct run *x)
{
	size_t	 i;

	buf_free(&x->row);
	free(x->off);
	free(x->cells);
	for (i = 0; i < x->nfc; i++) {
		free((char *)x->fc[i].item);
		free((char *)x->fc[i].label);
	}
	free(x->fc);
	free(x->earlier);
	ex_table_free(&x->t);
	buf_free(&x->waves);
}

/* The wave the request names; 0 with the message in err. */
static int
run_wave(struct db *db, struct run *x, struct ex_result *res)
{
	const char	*w = x->req->wave;
	int		 id;

	id = db_export_wave(db, w, wave_row, x);
	if (id == DB_ERR) {
		snprintf(res->err, sizeof(res->err), "%s", db_error(db));
		return (0);
	}
	if (w == NULL && x->waves.len > 0 &&
	    strchr(buf_cstr(&x->waves), '\n') == x->waves.data +
	    x->waves.len - 1) {
		/* No --wave and exactly one wave: that one. */
		id = atoi(x->waves.data);
	} else if (w == NULL || id <= 0) {
		snprintf(res->err, sizeof(res->err), "%s; the waves are:\n%s",
		    w == NULL ? "several waves: name one with --wave ID|YEAR" :
		    id == 0 ? "no wave with that id or year" :
		    "that year names more than one wave: give its id",
		    x->waves.len > 0 ? buf_cstr(&x->waves) : "(none)\n");
		res->usage = 1;
		return (0);
	}
	x->wave = id;
	return (1);
}

/*
 * Runs the export req into res->fd (res->path for XLSX). The number of
 * rows written, or -1 with res->err (res->usage when the request was
 * wrong rather than the machine).
 */
long
ex_run(struct db *db, const struct ex_run *req, struct ex_result *res)
{
	struct db_export_cb	 cb = { run_begin, run_resp, run_ans,
	    run_end };
	struct db_export_filter	 f = req->filter;
	struct def_errors	 de;
	struct survey		*s = NULL;
	struct run		 x;
	char			*src;
	int			 def, version, year, k;
	long			 rows = -1;

	memset(&x, 0, sizeof(x));
	memset(&de, 0, sizeof(de));
	buf_init(&x.waves);
	buf_init(&x.row);
	x.req = req;
	res->usage = 0;
	res->busy = 0;
	res->rows = 0;
	if (!run_wave(db, &x, res))
		goto done;
	k = db_export_def(db, x.wave, req->version, &def, &version, &year);
	if (k == DB_ERR || k == 0) {
		snprintf(res->err, sizeof(res->err), "%s", k == 0 ?
		    "no such version in that wave (the keys are those of "
		    "/admin, e.g. hf, kommune, fastlege)" : db_error(db));
		res->usage = k == 0;
		goto done;
	}
	if ((src = db_definition(db, def)) == NULL) {
		snprintf(res->err, sizeof(res->err), "%s", db_error(db));
		goto done;
	}
	s = def_parse("definition", src, strlen(src), &de);
	free(src);
	if (s == NULL) {
		snprintf(res->err, sizeof(res->err), "the stored definition "
		    "%d does not parse", def);
		goto done;
	}
	if (db_export_frame(db, x.wave, frame_row, &x) == DB_ERR) {
		snprintf(res->err, sizeof(res->err), "%s", db_error(db));
		goto done;
	}
	ex_table_build(&x.t, s, req->lang, x.fc, x.nfc, req->texts);
	x.s = s;
	if ((req->format == EX_BOOK_HTML || req->format == EX_BOOK_JSON) &&
	    !run_earlier(db, &x, res))
		goto done;
	snprintf(res->wave, sizeof(res->wave), "%s %d", s->key, year);
	free(x.t.title);
	x.t.title = xstrdup(res->wave);
	x.cells = xcalloc(x.t.ncols, sizeof(*x.cells));
	x.off = xcalloc(x.t.ncols, sizeof(*x.off));
	x.ops = ex_ops(req->format);
	x.o.t = &x.t;
	x.o.format = req->format;
	x.o.fd = res->fd;
	x.o.path = res->path;
	f.wave = x.wave;
	f.version = version;
	x.f = f;
	rows = db_export_rows(db, &f, &cb, &x);
	if (rows == DB_BUSY) {
		snprintf(res->err, sizeof(res->err), "other exports are "
		    "running; try again when one has finished");
		res->busy = 1;
		rows = -1;
		goto done;
	}
	if (rows == DB_ERR) {
		snprintf(res->err, sizeof(res->err), "%s", x.o.err[0] != '\0' ?
		    x.o.err : db_error(db));
		if (x.begun) {
			/* Tells the writer to free, not finish. */
			if (x.o.err[0] == '\0')
				snprintf(x.o.err, sizeof(x.o.err), "aborted");
			x.ops->end(&x.o);
		}
		rows = -1;
		goto done;
	}
	if (!x.ops->end(&x.o)) {
		snprintf(res->err, sizeof(res->err), "%s", x.o.err);
		rows = -1;
		goto done;
	}
	res->rows = rows;
	res->cols = x.t.ncols;
done:
	if (s != NULL)
		survey_free(s);
	def_errors_free(&de);
	run_free(&x);
	return (rows < 0 ? -1 : res->rows);
}

/* The audit line's detail: what was exported, with which filters. */
void
ex_run_detail(const struct ex_run *req, const struct ex_result *res,
    struct buf *b)
{
	buf_printf(b, "format=%s wave=%s status=%s version=%s unit=%d "
	    "test=%d lang=%s texts=%d rows=%ld",
	    ex_format_name(req->format), res->wave, req->filter.status,
	    req->version != NULL ? req->version : "", req->filter.unit,
	    req->filter.test, lang_code(req->lang), req->texts, res->rows);
}
