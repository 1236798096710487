/*
 * The frame of a questionnaire page: progress, heading, the error
 * summary, the form with its items (render_item.c) and the buttons.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "render.h"
void
render_error_text(struct buf *b, enum lang l, const struct verr *e)
{
	char	 a[32], c[32];

	snprintf(a, sizeof(a), "%ld", e->a);
	snprintf(c, sizeof(c), "%ld", e->b);
	switch (e->code) {
	case VERR_OPTION:
		i18n_format(b, l, "err.option", NULL, NULL);
		break;
	case VERR_NUMBER:
		i18n_format(b, l, "err.number", a, c);
		break;
	case VERR_SUM:
		i18n_format(b, l, "err.sum", a, c);
		break;
	case VERR_SUM_NUMBER:
		i18n_format(b, l, "err.sum_number", a, NULL);
		break;
	case VERR_TOOLONG:
		i18n_format(b, l, "err.toolong", a, c);
		break;
	case VERR_EXCLUSIVE:
		i18n_format(b, l, "err.exclusive",
		    text_get(&e->opt->label, l), NULL);
		break;
	case VERR_REQUIRED:
		i18n_format(b, l, "err.required", NULL, NULL);
		break;
	case VERR_EMAIL:
		i18n_format(b, l, "err.email", NULL, NULL);
		break;
	}
}


/* Where the summary's link goes: the first field in error. */
static void
error_target(struct buf *b, const struct verr *e)
{
	const struct item	*it = e->item;

	if (e->row != NULL) {
		buf_html(b, it->id);
		buf_putc(b, '.');
		buf_html(b, e->row->key);
	} else if (e->code == VERR_SUM && it->nrows > 0) {
		buf_html(b, it->id);
		buf_putc(b, '.');
		buf_html(b, it->rows[0].key);
	} else if (it->type == ITEM_NUMBER || it->type == ITEM_TEXT) {
		buf_html(b, it->id);
	} else if (e->code == VERR_TOOLONG) {
		buf_html(b, it->id);
		buf_puts(b, ".other");
	} else {
		buf_puts(b, "q-");
		buf_html(b, it->id);
	}
}

/*
 * aria-describedby: the error first, then the help text, then a hint
 * the item type adds ("Flere svar mulig", the ends of a 0-10 scale).
 */
static void
error_summary(struct buf *b, const struct render_page *rp)
{
	const struct verr	*e;
	size_t			 i;

	if (rp->errs == NULL || rp->errs->n == 0)
		return;
	buf_puts(b, "<div class=\"error-summary\" role=\"alert\" "
	    "tabindex=\"-1\" id=\"errors\">\n<h2>");
	buf_html(b, i18n_get(rp->lang, "err.summary"));
	buf_puts(b, "</h2>\n<ul>\n");
	for (i = 0; i < rp->errs->n; i++) {
		e = &rp->errs->v[i];
		buf_puts(b, "<li><a href=\"#");
		error_target(b, e);
		buf_puts(b, "\">");
		if (e->row != NULL) {
			buf_html(b, text_get(&e->row->label, rp->lang));
			buf_puts(b, ": ");
		}
		render_error_text(b, rp->lang, e);
		buf_puts(b, "</a></li>\n");
	}
	buf_puts(b, "</ul>\n</div>\n");
}

static void
nav_button(struct buf *b, const char *value, const char *cls, const char *label)
{
	buf_printf(b, "<button type=\"submit\" name=\"nav\" value=\"%s\" "
	    "class=\"%s\">", value, cls);
	buf_html(b, label);
	buf_puts(b, "</button>\n");
}

void
render_page(const struct render_page *rp, struct buf *b)
{
	const struct survey	*s = rp->s;
	const struct page	*pg = &s->pages[rp->page];
	const struct item	*it;
	size_t			 i, pos, total;
	char			 a[32], c[32];
	int			 last;

	/*
	 * Progress that never goes back: the step among the pages asked so
	 * far, and the share of the definition's pages behind this one. A
	 * count of the pages still to come would grow as answers open
	 * pages ("3 av 19", then "4 av 20").
	 */
	pos = route_position(s, rp->route, rp->page, &total);
	last = route_next(s, rp->route, rp->page) >= s->npages;
	snprintf(a, sizeof(a), "%zu", pos);
	snprintf(c, sizeof(c), "%zu", rp->page * 100 / s->npages);

	buf_puts(b, "<div class=\"progress\"><p id=\"progress-label\">");
	i18n_format(b, rp->lang, "q.progress", a, c);
	buf_printf(b, "</p><progress max=\"%zu\" value=\"%zu\" "
	    "aria-labelledby=\"progress-label\"></progress></div>\n",
	    s->npages, rp->page);
	buf_puts(b, "<h1>");
	buf_html(b, text_get(&pg->title, rp->lang));
	buf_puts(b, "</h1>\n");
	error_summary(b, rp);
	buf_puts(b, "<form method=\"post\" action=\"");
	buf_html(b, rp->action);
	buf_puts(b, "\" novalidate>\n<input type=\"hidden\" name=\"csrf\" "
	    "value=\"");
	buf_html(b, rp->csrf);
	buf_puts(b, "\">\n");
	for (i = pg->first; i < pg->first + pg->nitems; i++) {
		it = &s->items[i];
		if (!rp->route->item_vis[i])
			continue;
		render_item(b, rp, it, render_error_of(rp, it, NULL));
	}
	/* "Neste" comes first so that Enter in a field goes forward. */
	buf_puts(b, "<div class=\"nav\">\n");
	nav_button(b, "next", "primary", i18n_get(rp->lang,
	    last ? "nav.finish" : "nav.next"));
	if (route_prev(s, rp->route, rp->page) != rp->page)
		nav_button(b, "prev", "secondary",
		    i18n_get(rp->lang, "nav.prev"));
	nav_button(b, "save", "link", i18n_get(rp->lang, "nav.save"));
	buf_puts(b, "</div>\n</form>\n");
}
