/*
 * CSV: UTF-8, a header of the variable names as stored (Q3_1.video),
 * then a row per response; numeric columns carry the missing codes
 * (-1 skipped, -2 not asked, -3 not reached), string columns are
 * empty without a value. The Excel variant starts with a byte-order
 * mark and separates with ';', which Excel in a Norwegian locale reads
 * as columns. Fields that look like formulas get an apostrophe
 * (csv.c).
 */
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "csv.h"
#include "export.h"

#define CSV_FLUSH	65536

struct csv_out {
	struct buf	 b;
	char		 sep;
};

static int
csv_flush(struct ex_out *o, int force)
{
	struct csv_out	*c = o->priv;

	if (c->b.len < CSV_FLUSH && !force)
		return (1);
	if (!ex_write_all(o, c->b.data, c->b.len))
		return (0);
	buf_reset(&c->b);
	return (1);
}

static int
csv_begin(struct ex_out *o, long rows)
{
	struct csv_out	*c;
	size_t		 i;

	c = xcalloc(1, sizeof(*c));
	buf_init(&c->b);
	c->sep = o->format == EX_CSV_EXCEL ? ';' : ',';
	o->priv = c;
	if (o->format == EX_CSV_EXCEL)
		buf_puts(&c->b, "\xef\xbb\xbf");
	for (i = 0; i < o->t->ncols; i++)
		csv_field_sep(&c->b, o->t->cols[i].name, i + 1 ==
		    o->t->ncols, c->sep);
	return (csv_flush(o, 0));
}

static int
csv_row(struct ex_out *o, const struct ex_cell *cells)
{
	struct csv_out		*c = o->priv;
	const struct ex_col	*col;
	const char		*v;
	char			 n[16];
	size_t			 i;
	int			 miss;

	for (i = 0; i < o->t->ncols; i++) {
		col = &o->t->cols[i];
		v = cells[i].st == EX_S_VALUE ? cells[i].s : "";
		if (col->kind == EX_NUM && cells[i].st != EX_S_VALUE &&
		    cells[i].st != EX_S_NULL) {
			snprintf(n, sizeof(n), "%d", (int)ex_num(&cells[i],
			    &miss));
			v = n;
		}
		csv_field_sep(&c->b, v, i + 1 == o->t->ncols, c->sep);
	}
	o->rows++;
	return (csv_flush(o, 0));
}

static int
csv_end(struct ex_out *o)
{
	struct csv_out	*c = o->priv;
	int		 ok;

	if (c == NULL)
		return (1);
	ok = csv_flush(o, 1);
	buf_free(&c->b);
	free(c);
	o->priv = NULL;
	return (ok);
}

const struct ex_ops ex_csv_ops = { csv_begin, csv_row, csv_end };
