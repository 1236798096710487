/*
 * The codebook: every column of the export with its name as stored and
 * its legal .sav/.dta name, label, type, question text in each
 * language, value labels, missing codes per format, who is asked (the
 * routing condition as the definition writes it) and how many of the
 * exported responses answered, skipped, were not asked or never got
 * there. HTML for people (escaped through buf_html), JSON for programs.
 * Written at the end, once every row has been counted (ex_run.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "export.h"
#include "wording.h"

static const char *
kind_name(const struct ex_col *c)
{
	if (c->kind == EX_STR)
		return ("string");
	if (c->kind == EX_TIME)
		return ("datetime");
	return ("numeric");
}

static const char *
part_name(enum ex_part p)
{
	static const char *const n[] = { "paradata", "value", "raw", "code",
	    "frame" };

	return (n[p]);
}

static void
json_str(struct buf *b, const char *s)
{
	const unsigned char	*p;

	buf_putc(b, '"');
	for (p = (const unsigned char *)(s != NULL ? s : ""); *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_printf(b, "\\%c", *p);
		else if (*p < 0x20)
			buf_printf(b, "\\u%04x", *p);
		else
			buf_putc(b, (char)*p);
	}
	buf_putc(b, '"');
}

/* The question in each language, for an item's columns. */
static void
json_texts(struct buf *b, const struct item *it)
{
	struct buf	 q;
	enum lang	 l;

	buf_init(&q);
	buf_puts(b, ",\"question\":{");
	for (l = 0; l < LANG_MAX; l++) {
		buf_printf(b, "%s\"%s\":", l > 0 ? "," : "", lang_code(l));
		buf_reset(&q);
		item_question(it, l, &q);
		json_str(b, buf_cstr(&q));
	}
	buf_putc(b, '}');
	buf_free(&q);
}

static void
json_values(struct buf *b, const struct ex_label *v, size_t n)
{
	size_t	 j;

	buf_puts(b, "[");
	for (j = 0; j < n; j++) {
		buf_printf(b, "%s{\"code\":%g,\"label\":", j > 0 ? "," : "",
		    v[j].code);
		json_str(b, v[j].text);
		buf_putc(b, '}');
	}
	buf_putc(b, ']');
}

/* Earlier waves' wording of the column, where it differs. */
static void
json_past(struct buf *b, const struct ex_col *c)
{
	const struct ex_past	*p;
	enum lang		 l;
	size_t			 i;

	if (c->npast == 0)
		return;
	buf_puts(b, ",\"earlier\":[");
	for (i = 0; i < c->npast; i++) {
		p = &c->past[i];
		buf_printf(b, "%s{\"year\":%d,\"question\":{", i > 0 ? "," :
		    "", p->year);
		for (l = 0; l < LANG_MAX; l++) {
			buf_printf(b, "%s\"%s\":", l > 0 ? "," : "",
			    lang_code(l));
			json_str(b, p->question[l]);
		}
		buf_puts(b, "},\"label\":");
		if (p->label != NULL)
			json_str(b, p->label);
		else
			buf_puts(b, "null");
		buf_puts(b, ",\"values\":");
		json_values(b, p->values, p->nvalues);
		buf_putc(b, '}');
	}
	buf_putc(b, ']');
}

static void
book_json(const struct ex_out *o, struct buf *b, long rows)
{
	const struct ex_table	*t = o->t;
	const struct ex_col	*c;
	const struct ex_labels	*l;
	size_t			 i;

	buf_puts(b, "{\"title\":");
	json_str(b, t->title);
	buf_printf(b, ",\"language\":\"%s\",\"responses\":%ld,",
	    lang_code(t->lang), rows);
	buf_printf(b, "\"missing\":{\"csv_xlsx_sav\":{\"skipped\":%d,"
	    "\"not_asked\":%d,\"not_reached\":%d},\"dta\":{\"skipped\":"
	    "\".a\",\"not_asked\":\".b\",\"not_reached\":\".c\"},"
	    "\"strings\":\"empty\"},\"variables\":[",
	    EX_MISS_SKIPPED, EX_MISS_NOTASKED, EX_MISS_NOTREACHED);
	for (i = 0; i < t->ncols; i++) {
		c = &t->cols[i];
		buf_puts(b, i > 0 ? ",\n{" : "\n{");
		buf_puts(b, "\"name\":");
		json_str(b, c->name);
		buf_puts(b, ",\"legal_name\":");
		json_str(b, c->legal);
		buf_printf(b, ",\"position\":%zu,\"type\":\"%s\",\"part\":"
		    "\"%s\",\"label\":", i + 1, kind_name(c),
		    part_name(c->part));
		json_str(b, c->label);
		if (c->item != NULL) {
			buf_puts(b, ",\"item\":");
			json_str(b, c->item->id);
			json_texts(b, c->item);
		}
		buf_puts(b, ",\"asked_if\":");
		json_str(b, c->cond);
		if (c->has_dk)
			buf_printf(b, ",\"dontknow\":%g", c->dk);
		if (c->kind == EX_STR)
			buf_printf(b, ",\"width\":%d", c->width);
		buf_puts(b, ",\"values\":");
		l = c->labels >= 0 ? &t->labels[c->labels] : NULL;
		json_values(b, l != NULL ? l->v : NULL, l != NULL ? l->n : 0);
		json_past(b, c);
		if (c->part != EX_PARA)
			buf_printf(b, ",\"n\":{\"answered\":%ld,\"skipped\":"
			    "%ld,\"not_asked\":%ld,\"not_reached\":%ld}",
			    c->n[0], c->n[1], c->n[2], c->n[3]);
		buf_putc(b, '}');
	}
	buf_puts(b, "\n]}\n");
}

static void
td(struct buf *b, const char *s)
{
	buf_puts(b, "<td>");
	buf_html(b, s != NULL ? s : "");
	buf_puts(b, "</td>");
}

/* Earlier waves' wording of the column, where it differs. */
static void
html_past(struct buf *b, const struct ex_col *c, enum lang lg)
{
	const struct ex_past	*p;
	size_t			 i, j;

	buf_puts(b, "<td>");
	for (i = 0; i < c->npast; i++) {
		p = &c->past[i];
		buf_printf(b, "%s<b>%d</b>: ", i > 0 ? "<br>" : "", p->year);
		buf_html(b, p->label != NULL ? p->label : p->question[lg]);
		for (j = 0; j < p->nvalues; j++) {
			buf_printf(b, "<br>%g = ", p->values[j].code);
			buf_html(b, p->values[j].text);
		}
	}
	buf_puts(b, "</td>");
}

static void
book_html(const struct ex_out *o, struct buf *b, long rows)
{
	const struct ex_table	*t = o->t;
	const struct ex_col	*c;
	const struct ex_labels	*l;
	enum lang		 lg = t->lang;
	size_t			 i, j;

	buf_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\"><head>"
	    "<meta charset=\"utf-8\"><title>", lang_code(lg));
	buf_html(b, t->title);
	buf_puts(b, " – codebook</title><style>body{font-family:sans-serif}"
	    "table{border-collapse:collapse}td,th{border:1px solid #999;"
	    "padding:2px 6px;vertical-align:top;text-align:left}</style>"
	    "</head><body><h1>");
	buf_html(b, t->title);
	buf_printf(b, ": codebook</h1>\n<p>%ld responses. One row per "
	    "response, one column per variable below, in this order.</p>\n",
	    rows);
	buf_puts(b, "<h2>Missing values</h2>\n<table><tr><th>state</th>"
	    "<th>CSV, XLSX, .sav (user-missing)</th><th>.dta</th></tr>\n");
	buf_printf(b, "<tr><td>%s</td><td>%d</td><td>.a</td></tr>\n",
	    ex_miss_label(lg, EX_MISS_SKIPPED), EX_MISS_SKIPPED);
	buf_printf(b, "<tr><td>%s</td><td>%d</td><td>.b</td></tr>\n",
	    ex_miss_label(lg, EX_MISS_NOTASKED), EX_MISS_NOTASKED);
	buf_printf(b, "<tr><td>%s</td><td>%d</td><td>.c</td></tr>\n",
	    ex_miss_label(lg, EX_MISS_NOTREACHED), EX_MISS_NOTREACHED);
	buf_puts(b, "</table>\n<p>Text columns are empty without a text. "
	    "\"Vet ikke\" keeps its code (a valid, labelled value); in .sav "
	    "it is also declared user-missing, in .dta it stays valid.</p>\n"
	    "<h2>Variables</h2>\n<table><tr><th>#</th><th>name</th>"
	    "<th>.sav/.dta name</th><th>label</th><th>type</th>"
	    "<th>values</th><th>asked if</th><th>earlier wording (where "
	    "it differs)</th><th>answered</th>"
	    "<th>skipped</th><th>not asked</th><th>not reached</th></tr>\n");
	for (i = 0; i < t->ncols; i++) {
		c = &t->cols[i];
		buf_printf(b, "<tr><td>%zu</td>", i + 1);
		td(b, c->name);
		td(b, c->legal);
		td(b, c->label);
		buf_printf(b, "<td>%s (%s)</td><td>", kind_name(c),
		    part_name(c->part));
		l = c->labels >= 0 ? &t->labels[c->labels] : NULL;
		for (j = 0; l != NULL && j < l->n; j++) {
			buf_printf(b, "%g = ", l->v[j].code);
			buf_html(b, l->v[j].text);
			if (c->has_dk && l->v[j].code == c->dk)
				buf_puts(b, " (user-missing in .sav)");
			buf_puts(b, "<br>");
		}
		buf_puts(b, "</td>");
		td(b, c->cond);
		html_past(b, c, lg);
		if (c->part == EX_PARA)
			buf_puts(b, "<td></td><td></td><td></td><td></td>");
		else
			buf_printf(b, "<td>%ld</td><td>%ld</td><td>%ld</td>"
			    "<td>%ld</td>", c->n[0], c->n[1], c->n[2],
			    c->n[3]);
		buf_puts(b, "</tr>\n");
	}
	buf_puts(b, "</table>\n</body></html>\n");
}

static int
book_begin(struct ex_out *o, long rows)
{
	return (1);
}

static int
book_row(struct ex_out *o, const struct ex_cell *c)
{
	o->rows++;
	return (1);
}

static int
book_end(struct ex_out *o)
{
	struct buf	 b;
	int		 ok;

	if (o->err[0] != '\0')
		return (0);
	buf_init(&b);
	if (o->format == EX_BOOK_JSON)
		book_json(o, &b, o->rows);
	else
		book_html(o, &b, o->rows);
	ok = ex_write_all(o, b.data, b.len);
	buf_free(&b);
	return (ok);
}

const struct ex_ops ex_book_ops = { book_begin, book_row, book_end };
