/*
 * XLSX through libxlsxwriter in constant-memory mode: each row goes to
 * a temporary file as it is written (in tmpdir, beside the output),
 * and the workbook is zipped together at the end. Sheet "data": the
 * header of stored names, then a row per response, numbers as numbers
 * with the same missing codes as the CSV (-1, -2, -3), texts as inline
 * strings, started and completed as date-time cells (Oslo's clock). Sheet "variables": name, label and value labels, so the file
 * explains itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "buf.h"
#include "export.h"

/* Excel refuses a cell of more than 32,767 characters. */
#define XLSX_CELL_MAX	32767

struct xlsx_out {
	lxw_workbook	*wb;
	lxw_worksheet	*data;
	lxw_format	*time;		/* date-time cells */
	char		*tmpdir;
	lxw_row_t	 row;
};

static int
xlsx_fail(struct ex_out *o, const char *what, lxw_error e)
{
	snprintf(o->err, sizeof(o->err), "xlsx %s: %s", what,
	    lxw_strerror(e));
	return (0);
}

static char *
dir_of(const char *path)
{
	const char	*s = strrchr(path, '/');

	if (s == NULL)
		return (xstrdup("."));
	if (s == path)
		return (xstrdup("/"));
	return (xstrndup(path, (size_t)(s - path)));
}

static int
xlsx_begin(struct ex_out *o, long rows)
{
	lxw_workbook_options	 opt;
	struct xlsx_out		*x;
	lxw_error		 e;
	size_t			 i;

	if (rows + 1 > LXW_ROW_MAX || o->t->ncols > LXW_COL_MAX) {
		snprintf(o->err, sizeof(o->err), "xlsx: %ld rows and %zu "
		    "columns do not fit a sheet (1,048,576 by 16,384): use "
		    "csv, sav or dta", rows, o->t->ncols);
		return (0);
	}
	x = xcalloc(1, sizeof(*x));
	o->priv = x;
	x->tmpdir = dir_of(o->path);
	memset(&opt, 0, sizeof(opt));
	opt.constant_memory = LXW_TRUE;
	opt.tmpdir = x->tmpdir;
	if ((x->wb = workbook_new_opt(o->path, &opt)) == NULL) {
		snprintf(o->err, sizeof(o->err), "xlsx: cannot make %s",
		    o->path);
		return (0);
	}
	if ((x->data = workbook_add_worksheet(x->wb, "data")) == NULL ||
	    (x->time = workbook_add_format(x->wb)) == NULL) {
		snprintf(o->err, sizeof(o->err), "xlsx: no worksheet");
		return (0);
	}
	format_set_num_format(x->time, "yyyy-mm-dd hh:mm:ss");
	for (i = 0; i < o->t->ncols; i++)
		if ((e = worksheet_write_string(x->data, 0, (lxw_col_t)i,
		    o->t->cols[i].name, NULL)) != LXW_NO_ERROR)
			return (xlsx_fail(o, "header", e));
	x->row = 1;
	return (1);
}

static lxw_error
xlsx_str(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s)
{
	char		*cut;
	lxw_error	 e;
	size_t		 n, chars = 0;

	for (n = 0; s[n] != '\0'; n++)
		if (((unsigned char)s[n] & 0xc0) != 0x80 &&
		    ++chars > XLSX_CELL_MAX)
			break;
	if (s[n] == '\0')
		return (worksheet_write_string(ws, r, c, s, NULL));
	cut = xstrndup(s, n);
	e = worksheet_write_string(ws, r, c, cut, NULL);
	free(cut);
	return (e);
}

static int
xlsx_row(struct ex_out *o, const struct ex_cell *cells)
{
	struct xlsx_out		*x = o->priv;
	const struct ex_col	*c;
	lxw_datetime		 lt;
	struct ex_dt		 dt;
	lxw_error		 e;
	double			 d;
	size_t			 i;
	int			 miss;

	for (i = 0; i < o->t->ncols; i++) {
		c = &o->t->cols[i];
		e = LXW_NO_ERROR;
		if (c->kind == EX_STR) {
			if (cells[i].st == EX_S_VALUE && cells[i].s != NULL &&
			    cells[i].s[0] != '\0')
				e = xlsx_str(x->data, x->row, (lxw_col_t)i,
				    cells[i].s);
		} else if (c->kind == EX_TIME) {
			if (cells[i].st == EX_S_VALUE &&
			    ex_time(cells[i].s, &dt, &d)) {
				lt.year = dt.year;
				lt.month = (uint8_t)dt.month;
				lt.day = (uint8_t)dt.day;
				lt.hour = (uint8_t)dt.hour;
				lt.min = (uint8_t)dt.min;
				lt.sec = dt.sec;
				e = worksheet_write_datetime(x->data, x->row,
				    (lxw_col_t)i, &lt, x->time);
			}
		} else {
			d = ex_num(&cells[i], &miss);
			if (miss != 2)
				e = worksheet_write_number(x->data, x->row,
				    (lxw_col_t)i, d, NULL);
		}
		if (e != LXW_NO_ERROR)
			return (xlsx_fail(o, "cell", e));
	}
	x->row++;
	o->rows++;
	return (1);
}

/* The second sheet: what each column is. */
static int
xlsx_vars(struct ex_out *o, struct xlsx_out *x)
{
	const struct ex_table	*t = o->t;
	const struct ex_col	*c;
	const struct ex_labels	*l;
	lxw_worksheet		*ws;
	struct buf		 b;
	size_t			 i, j;

	if ((ws = workbook_add_worksheet(x->wb, "variables")) == NULL)
		return (0);
	worksheet_write_string(ws, 0, 0, "name", NULL);
	worksheet_write_string(ws, 0, 1, "label", NULL);
	worksheet_write_string(ws, 0, 2, "values", NULL);
	buf_init(&b);
	for (i = 0; i < t->ncols; i++) {
		c = &t->cols[i];
		worksheet_write_string(ws, (lxw_row_t)i + 1, 0, c->name, NULL);
		xlsx_str(ws, (lxw_row_t)i + 1, 1, c->label);
		buf_reset(&b);
		l = c->labels >= 0 ? &t->labels[c->labels] : NULL;
		for (j = 0; l != NULL && j < l->n; j++)
			buf_printf(&b, "%s%g = %s", j > 0 ? "; " : "",
			    l->v[j].code, l->v[j].text);
		if (c->kind == EX_NUM && c->part != EX_PARA)
			buf_printf(&b, "%s%d = %s; %d = %s; %d = %s",
			    b.len > 0 ? "; " : "",
			    EX_MISS_SKIPPED, ex_miss_label(t->lang,
			    EX_MISS_SKIPPED), EX_MISS_NOTASKED,
			    ex_miss_label(t->lang, EX_MISS_NOTASKED),
			    EX_MISS_NOTREACHED, ex_miss_label(t->lang,
			    EX_MISS_NOTREACHED));
		xlsx_str(ws, (lxw_row_t)i + 1, 2, buf_cstr(&b));
	}
	buf_free(&b);
	return (1);
}

static int
xlsx_end(struct ex_out *o)
{
	struct xlsx_out	*x = o->priv;
	lxw_error	 e;
	int		 ok = 1;

	if (x == NULL)
		return (1);
	if (x->wb != NULL) {
		if (o->err[0] == '\0' && !xlsx_vars(o, x)) {
			snprintf(o->err, sizeof(o->err), "xlsx: no worksheet");
			ok = 0;
		}
		/* Closing writes the file (or frees it, after a failure). */
		if ((e = workbook_close(x->wb)) != LXW_NO_ERROR && ok) {
			ok = xlsx_fail(o, "close", e);
		}
	}
	free(x->tmpdir);
	free(x);
	o->priv = NULL;
	return (ok && o->err[0] == '\0');
}

const struct ex_ops ex_xlsx_ops = { xlsx_begin, xlsx_row, xlsx_end };
