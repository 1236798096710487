/*
 * SPSS .sav and Stata .dta through libreadstat's writer, which writes
 * each row as it gets it (to ex_out's descriptor), so only the header
 * needs to know the number of rows. Names are the legal ones
 * (Q3_1_video); labels and value labels in the chosen language.
 * Missing: in .sav -1 skipped, -2 not asked, -3 not reached are a
 * user-missing range, and a column's "Vet ikke" code is declared
 * user-missing beside it (SPSS allows a range and one value); in .dta
 * the states are the extended missing values .a, .b, .c, and "Vet ikke"
 * stays a valid labelled code (Stata has no user-missing codes). Strings
 * are as wide as the longest value the rows bring, paradata too (ex_run.c
 * asks the database first: the header declares them), at most 2,045
 * bytes in .dta (str2045; a longer text is cut at a character boundary,
 * strL would hold every text in memory) and 32,767 in .sav (the
 * format's most; likewise cut).
 * Started and completed are date-times (SPSS DATETIME20: seconds from
 * 1582-10-14; Stata %tc: milliseconds from 1960-01-01), on Oslo's
 * clock as the CSV shows them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <readstat.h>

#include "buf.h"
#include "export.h"

#define DTA_STR_MAX	2045
#define SAV_STR_MAX	32767
#define DTA_LABEL_MAX	80		/* characters of a variable label */
#define SAV_LABEL_MAX	250		/* bytes */

struct stat_out {
	readstat_writer_t	 *w;
	readstat_variable_t	**vars;
	char			 *cut;		/* a string cut to width */
	int			  dta;
};

static ssize_t
stat_write(const void *p, size_t len, void *ctx)
{
	struct ex_out	*o = ctx;

	return (ex_write_all(o, p, len) ? (ssize_t)len : -1);
}

/* At most max bytes of s, not splitting a UTF-8 character. */
static size_t
utf8_cut(const char *s, size_t max)
{
	size_t	 n = strlen(s);

	if (n <= max)
		return (n);
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return (n);
}

/* At most max characters of s. */
static size_t
utf8_chars(const char *s, size_t max)
{
	size_t	 i, c = 0;

	for (i = 0; s[i] != '\0'; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && c++ == max)
			return (i);
	return (i);
}

static void
var_label(readstat_variable_t *v, const char *label, int dta)
{
	char	*l;
	size_t	 n;

	n = dta ? utf8_chars(label, DTA_LABEL_MAX) :
	    utf8_cut(label, SAV_LABEL_MAX);
	l = xstrndup(label, n);
	readstat_variable_set_label(v, l);
	free(l);
}

static readstat_label_set_t **
stat_labels(struct ex_out *o, struct stat_out *x)
{
	const struct ex_table	*t = o->t;
	readstat_label_set_t	**sets;
	size_t			  i, j;

	sets = xcalloc(t->nlabels ? t->nlabels : 1, sizeof(*sets));
	for (i = 0; i < t->nlabels; i++) {
		sets[i] = readstat_add_label_set(x->w, READSTAT_TYPE_DOUBLE,
		    t->labels[i].name);
		for (j = 0; j < t->labels[i].n; j++)
			readstat_label_double_value(sets[i],
			    t->labels[i].v[j].code, t->labels[i].v[j].text);
		if (x->dta) {
			readstat_label_tagged_value(sets[i], 'a',
			    ex_miss_label(t->lang, EX_MISS_SKIPPED));
			readstat_label_tagged_value(sets[i], 'b',
			    ex_miss_label(t->lang, EX_MISS_NOTASKED));
			readstat_label_tagged_value(sets[i], 'c',
			    ex_miss_label(t->lang, EX_MISS_NOTREACHED));
		} else {
			readstat_label_double_value(sets[i], EX_MISS_SKIPPED,
			    ex_miss_label(t->lang, EX_MISS_SKIPPED));
			readstat_label_double_value(sets[i], EX_MISS_NOTASKED,
			    ex_miss_label(t->lang, EX_MISS_NOTASKED));
			readstat_label_double_value(sets[i],
			    EX_MISS_NOTREACHED, ex_miss_label(t->lang,
			    EX_MISS_NOTREACHED));
		}
	}
	return (sets);
}

static int
stat_begin(struct ex_out *o, long rows)
{
	const struct ex_table	*t = o->t;
	const struct ex_col	*c;
	struct stat_out		*x;
	readstat_label_set_t	**sets;
	readstat_variable_t	*v;
	readstat_error_t	 e;
	size_t			 i, width;

	x = xcalloc(1, sizeof(*x));
	o->priv = x;
	x->dta = o->format == EX_DTA;
	x->w = readstat_writer_init();
	x->vars = xcalloc(t->ncols, sizeof(*x->vars));
	readstat_set_data_writer(x->w, stat_write);
	readstat_writer_set_file_label(x->w, t->title);
	if (x->dta)
		readstat_writer_set_file_format_version(x->w, 118);
	else
		readstat_writer_set_compression(x->w, READSTAT_COMPRESS_ROWS);
	sets = stat_labels(o, x);
	for (i = 0; i < t->ncols; i++) {
		c = &t->cols[i];
		if (c->kind == EX_STR) {
			width = (size_t)c->width;
			if (width > (x->dta ? DTA_STR_MAX : SAV_STR_MAX))
				width = x->dta ? DTA_STR_MAX : SAV_STR_MAX;
			v = readstat_add_variable(x->w, c->legal,
			    READSTAT_TYPE_STRING, width > 0 ? width : 1);
		} else if (c->kind == EX_TIME) {
			v = readstat_add_variable(x->w, c->legal,
			    READSTAT_TYPE_DOUBLE, 0);
			readstat_variable_set_format(v, x->dta ? "%tc" :
			    "DATETIME20");
			readstat_variable_set_measure(v,
			    READSTAT_MEASURE_SCALE);
		} else {
			v = readstat_add_variable(x->w, c->legal,
			    READSTAT_TYPE_DOUBLE, 0);
			if (c->labels >= 0)
				readstat_variable_set_label_set(v,
				    sets[c->labels]);
			if (!x->dta && c->part != EX_PARA) {
				readstat_variable_add_missing_double_range(v,
				    EX_MISS_NOTREACHED, EX_MISS_SKIPPED);
				if (c->has_dk)
					readstat_variable_add_missing_double_value(
					    v, c->dk);
			}
			readstat_variable_set_measure(v, c->labels >= 0 &&
			    t->labels[c->labels].n > 0 ?
			    READSTAT_MEASURE_NOMINAL : READSTAT_MEASURE_SCALE);
		}
		var_label(v, c->label, x->dta);
		x->vars[i] = v;
	}
	free(sets);
	e = x->dta ? readstat_begin_writing_dta(x->w, o, rows) :
	    readstat_begin_writing_sav(x->w, o, rows);
	if (e != READSTAT_OK) {
		snprintf(o->err, sizeof(o->err), "%s: %s", x->dta ? "dta" :
		    "sav", readstat_error_message(e));
		return (0);
	}
	return (1);
}

static readstat_error_t
stat_cell(struct ex_out *o, struct stat_out *x, size_t i,
    const struct ex_cell *cell)
{
	const struct ex_col	*c = &o->t->cols[i];
	readstat_variable_t	*v = x->vars[i];
	struct ex_dt		 dt;
	size_t			 max, n;
	double			 d;
	int			 miss;

	if (c->kind == EX_STR) {
		if (cell->st != EX_S_VALUE || cell->s == NULL)
			return (readstat_insert_string_value(x->w, v, ""));
		max = readstat_variable_get_storage_width(v);
		if ((n = utf8_cut(cell->s, max)) == strlen(cell->s))
			return (readstat_insert_string_value(x->w, v,
			    cell->s));
		free(x->cut);
		x->cut = xstrndup(cell->s, n);
		return (readstat_insert_string_value(x->w, v, x->cut));
	}
	if (c->kind == EX_TIME) {
		if (cell->st != EX_S_VALUE || !ex_time(cell->s, &dt, &d))
			return (readstat_insert_missing_value(x->w, v));
		return (readstat_insert_double_value(x->w, v, x->dta ?
		    (d + EX_STATA_1970) * 1000.0 : d + EX_SPSS_1970));
	}
	d = ex_num(cell, &miss);
	if (miss == 2)
		return (readstat_insert_missing_value(x->w, v));
	if (miss == 1 && x->dta)
		return (readstat_insert_tagged_missing_value(x->w, v,
		    d == EX_MISS_SKIPPED ? 'a' : d == EX_MISS_NOTASKED ? 'b' :
		    'c'));
	return (readstat_insert_double_value(x->w, v, d));
}

static int
stat_row(struct ex_out *o, const struct ex_cell *cells)
{
	struct stat_out		*x = o->priv;
	readstat_error_t	 e;
	size_t			 i;

	if ((e = readstat_begin_row(x->w)) != READSTAT_OK)
		goto bad;
	for (i = 0; i < o->t->ncols; i++)
		if ((e = stat_cell(o, x, i, &cells[i])) != READSTAT_OK)
			goto bad;
	if ((e = readstat_end_row(x->w)) != READSTAT_OK)
		goto bad;
	o->rows++;
	return (1);
bad:
	if (o->err[0] == '\0')
		snprintf(o->err, sizeof(o->err), "row %ld: %s", o->rows + 1,
		    readstat_error_message(e));
	return (0);
}

static int
stat_end(struct ex_out *o)
{
	struct stat_out		*x = o->priv;
	readstat_error_t	 e = READSTAT_OK;

	if (x == NULL)
		return (1);
	if (o->err[0] == '\0' && (e = readstat_end_writing(x->w)) !=
	    READSTAT_OK)
		snprintf(o->err, sizeof(o->err), "%s",
		    readstat_error_message(e));
	readstat_writer_free(x->w);
	free(x->vars);
	free(x->cut);
	free(x);
	o->priv = NULL;
	return (e == READSTAT_OK && o->err[0] == '\0');
}

const struct ex_ops ex_stat_ops = { stat_begin, stat_row, stat_end };
