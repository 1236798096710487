/*
 * The HTML of each item type: radios and checkboxes, grids, 0-10
 * scales, constant sums, numbers, open text and info screens.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "render.h"

static const char *
current(const struct render_page *rp, const char *var)
{
	const struct answer	*an;

	if (rp->posted != NULL)
		return (form_get(rp->posted, var));
	if ((an = answers_get(rp->answers, var)) == NULL)
		return (NULL);
	return (an->value);
}

/* A stored code as a number, -1 when there is none; parsed once per item. */
static long
code_of(const char *v)
{
	char	*end;
	long	 n;

	if (v == NULL || *v == '\0')
		return (-1);
	n = strtol(v, &end, 10);
	return (*end == '\0' ? n : -1);
}

/* For checkboxes: is `code` among the posted or stored choices? */
static int
multi_checked(const struct render_page *rp, const struct item *it, int code)
{
	char		 var[VAR_MAX];
	const char	*v;
	size_t		 i, n;

	if (rp->posted != NULL) {
		n = form_count(rp->posted, it->id);
		for (i = 0; i < n; i++)
			if (code_of(form_get_nth(rp->posted, it->id, i)) == code)
				return (1);
		return (0);
	}
	snprintf(var, sizeof(var), "%s.%d", it->id, code);
	v = current(rp, var);
	return (v != NULL && strcmp(v, "1") == 0);
}

static void
described_by(struct buf *b, const struct item *it, const struct verr *e,
    int hint)
{
	const char	*sep = "";

	if (it->help.s[LANG_NB] == NULL && e == NULL && !hint)
		return;
	buf_puts(b, " aria-describedby=\"");
	if (e != NULL) {
		buf_puts(b, "err-");
		buf_html(b, it->id);
		sep = " ";
	}
	if (it->help.s[LANG_NB] != NULL) {
		buf_puts(b, sep);
		buf_puts(b, "help-");
		buf_html(b, it->id);
		sep = " ";
	}
	if (hint) {
		buf_puts(b, sep);
		buf_puts(b, "hint-");
		buf_html(b, it->id);
	}
	buf_putc(b, '"');
}

static void
hint_open(struct buf *b, const struct item *it, const char *cls)
{
	buf_printf(b, "<p class=\"%s\" id=\"hint-", cls);
	buf_html(b, it->id);
	buf_puts(b, "\">");
}

static void
item_notes(struct buf *b, const struct render_page *rp, const struct item *it,
    const struct verr *e)
{
	if (e != NULL) {
		buf_puts(b, "<p class=\"error\" id=\"err-");
		buf_html(b, it->id);
		buf_puts(b, "\"><span class=\"visually-hidden\">");
		buf_html(b, i18n_get(rp->lang, "err.prefix"));
		buf_puts(b, " </span>");
		render_error_text(b, rp->lang, e);
		buf_puts(b, "</p>\n");
	}
	if (it->help.s[LANG_NB] != NULL) {
		buf_puts(b, "<p class=\"help\" id=\"help-");
		buf_html(b, it->id);
		buf_puts(b, "\">");
		buf_html(b, text_get(&it->help, rp->lang));
		buf_puts(b, "</p>\n");
	}
}

/* The item's texts from the first-th on, a paragraph each. */
static void
item_paragraphs(struct buf *b, const struct render_page *rp,
    const struct item *it, size_t first)
{
	size_t	 i;

	for (i = first; i < it->ntexts; i++) {
		buf_puts(b, "<p>");
		buf_html(b, text_get(&it->texts[i], rp->lang));
		buf_puts(b, "</p>\n");
	}
}

/*
 * The error on one field of an item (a box of a constant sum), or with
 * row NULL the item's own.
 */
const struct verr *
render_error_of(const struct render_page *rp, const struct item *it,
    const struct row *row)
{
	size_t	 i;

	for (i = 0; rp->errs != NULL && i < rp->errs->n; i++)
		if (rp->errs->v[i].item == it && rp->errs->v[i].row == row)
			return (&rp->errs->v[i]);
	return (NULL);
}

static int
any_error(const struct render_page *rp, const struct item *it)
{
	size_t	 i;

	for (i = 0; rp->errs != NULL && i < rp->errs->n; i++)
		if (rp->errs->v[i].item == it)
			return (1);
	return (0);
}

static void
fieldset_open(struct buf *b, const struct render_page *rp,
    const struct item *it, const char *cls, const struct verr *e, int hint)
{
	buf_printf(b, "<fieldset class=\"item %s%s\" id=\"q-", cls,
	    any_error(rp, it) ? " has-error" : "");
	buf_html(b, it->id);
	buf_putc(b, '"');
	described_by(b, it, e, hint);
	buf_puts(b, ">\n<legend>");
	buf_html(b, it->ntexts ? text_get(&it->texts[0], rp->lang) : "");
	buf_puts(b, "</legend>\n");
	item_paragraphs(b, rp, it, 1);
	item_notes(b, rp, it, e);
}

/* One radio or checkbox with its label; its id is "<base>-<code>". */
static void
input_choice(struct buf *b, const char *type, const char *name,
    const char *base, int code, int checked, const char *label,
    const char *extra, int invalid)
{
	buf_puts(b, "<div class=\"choice\"><input type=\"");
	buf_puts(b, type);
	buf_puts(b, "\" name=\"");
	buf_html(b, name);
	buf_puts(b, "\" id=\"");
	buf_html(b, base);
	buf_putc(b, '-');
	buf_int(b, code);
	buf_puts(b, "\" value=\"");
	buf_int(b, code);
	buf_putc(b, '"');
	if (checked)
		buf_puts(b, " checked");
	if (extra != NULL)
		buf_puts(b, extra);
	if (invalid)
		buf_puts(b, " aria-invalid=\"true\"");
	buf_puts(b, "> <label for=\"");
	buf_html(b, base);
	buf_putc(b, '-');
	buf_int(b, code);
	buf_puts(b, "\">");
	buf_html(b, label);
	buf_puts(b, "</label></div>\n");
}

/*
 * The head of an "Annet, noter..." label: up to the first comma or
 * ellipsis, without trailing blanks and dots ("Annet", "Other").
 */
static size_t
other_head(const char *s)
{
	size_t	 n = strcspn(s, ",");
	const char	*dots;

	if ((dots = strstr(s, "...")) != NULL && (size_t)(dots - s) < n)
		n = (size_t)(dots - s);
	if ((dots = strstr(s, "\xe2\x80\xa6")) != NULL && (size_t)(dots - s) < n)
		n = (size_t)(dots - s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '.'))
		n--;
	return (n > 0 ? n : strlen(s));
}

static void
other_field(struct buf *b, const struct render_page *rp, const struct item *it,
    const struct option *o, int invalid)
{
	char		 var[VAR_MAX];
	const char	*v, *label = text_get(&o->label, rp->lang);
	char		*head;

	snprintf(var, sizeof(var), "%s.other", it->id);
	v = current(rp, var);
	buf_printf(b, "<div class=\"other\" data-other-code=\"%d\"><label "
	    "for=\"", o->code);
	buf_html(b, var);
	buf_puts(b, "\">");
	head = xstrndup(label, other_head(label));
	buf_html(b, head);
	free(head);
	buf_puts(b, " \xe2\x80\x93 ");
	buf_html(b, i18n_get(rp->lang, "q.other_specify"));
	buf_puts(b, "</label> <span class=\"note\" id=\"note-");
	buf_html(b, var);
	buf_puts(b, "\">");
	buf_html(b, i18n_get(rp->lang, "q.other_note"));
	buf_puts(b, "</span> <input type=\"text\" name=\"");
	buf_html(b, var);
	buf_puts(b, "\" id=\"");
	buf_html(b, var);
	buf_puts(b, "\" aria-describedby=\"note-");
	buf_html(b, var);
	buf_printf(b, "\" maxlength=\"%d\" autocomplete=\"off\"%s value=\"",
	    TEXT_MAXLEN, invalid ? " aria-invalid=\"true\"" : "");
	buf_html(b, v);
	buf_puts(b, "\"></div>\n");
}

static void
r_choices(struct buf *b, const struct render_page *rp, const struct item *it,
    const struct verr *e)
{
	const struct optset	*os = item_options(it);
	const struct option	*o, *other = NULL;
	long			 cur = code_of(current(rp, it->id));
	size_t			 i;
	int			 multi = it->type == ITEM_MULTI;

	fieldset_open(b, rp, it, multi ? "multi" : "single", e, multi);
	if (multi) {
		hint_open(b, it, "hint");
		buf_html(b, i18n_get(rp->lang, "q.multi_hint"));
		buf_puts(b, "</p>\n");
	}
	buf_puts(b, "<div class=\"choices\">\n");
	for (i = 0; i < os->n; i++) {
		o = &os->v[i];
		input_choice(b, multi ? "checkbox" : "radio", it->id, it->id,
		    o->code, multi ? multi_checked(rp, it, o->code) :
		    cur == o->code, text_get(&o->label, rp->lang),
		    (o->flags & OPT_EXCLUSIVE) ? " data-exclusive" : NULL,
		    e != NULL && e->code != VERR_TOOLONG);
		if (o->flags & OPT_OTHER)
			other = o;
	}
	buf_puts(b, "</div>\n");
	if (other != NULL)
		other_field(b, rp, it, other, e != NULL &&
		    e->code == VERR_TOOLONG);
	buf_puts(b, "</fieldset>\n");
}

static void
r_grid(struct buf *b, const struct render_page *rp, const struct item *it,
    const struct verr *e)
{
	const struct optset	*os = item_options(it);
	char			 var[VAR_MAX];
	long			 cur;
	size_t			 i, k;

	fieldset_open(b, rp, it, "grid", e, 0);
	for (i = 0; i < it->nrows; i++) {
		snprintf(var, sizeof(var), "%s.%s", it->id, it->rows[i].key);
		cur = code_of(current(rp, var));
		buf_puts(b, "<fieldset class=\"grid-row\">\n<legend>");
		buf_html(b, text_get(&it->rows[i].label, rp->lang));
		buf_puts(b, "</legend>\n<div class=\"choices\">\n");
		for (k = 0; k < os->n; k++)
			input_choice(b, "radio", var, var, os->v[k].code,
			    cur == os->v[k].code,
			    text_get(&os->v[k].label, rp->lang), NULL,
			    e != NULL);
		buf_puts(b, "</div>\n</fieldset>\n");
	}
	buf_puts(b, "</fieldset>\n");
}

static void
r_nps(struct buf *b, const struct render_page *rp, const struct item *it,
    const struct verr *e)
{
	long		 cur = code_of(current(rp, it->id));
	char		 label[16];
	int		 k;

	fieldset_open(b, rp, it, "nps", e, 1);
	hint_open(b, it, "nps-ends");
	buf_puts(b, "<span>0 = ");
	buf_html(b, text_get(&it->low, rp->lang));
	buf_puts(b, "</span> <span>10 = ");
	buf_html(b, text_get(&it->high, rp->lang));
	buf_puts(b, "</span></p>\n<div class=\"choices nps-scale\">\n");
	for (k = 0; k <= 10; k++) {
		snprintf(label, sizeof(label), "%d", k);
		input_choice(b, "radio", it->id, it->id, k, cur == k, label,
		    NULL, e != NULL);
	}
	buf_puts(b, "</div>\n<div class=\"choices\">\n");
	input_choice(b, "radio", it->id, it->id, NPS_DONTKNOW,
	    cur == NPS_DONTKNOW, i18n_get(rp->lang, "q.dontknow"), NULL,
	    e != NULL);
	buf_puts(b, "</div>\n</fieldset>\n");
}

static void
r_sum(struct buf *b, const struct render_page *rp, const struct item *it,
    const struct verr *e)
{
	const struct verr	*fe;
	char			 var[VAR_MAX], total[32];
	size_t			 i;
	int			 hint;

	/* One instruction: the definition's help, else the generic hint. */
	hint = it->help.s[LANG_NB] == NULL;
	fieldset_open(b, rp, it, "sum", e, hint);
	snprintf(total, sizeof(total), "%ld", it->total);
	if (hint) {
		hint_open(b, it, "hint");
		i18n_format(b, rp->lang, "q.sum_hint", total, NULL);
		buf_puts(b, "</p>\n");
	}
	for (i = 0; i < it->nrows; i++) {
		snprintf(var, sizeof(var), "%s.%s", it->id, it->rows[i].key);
		/* A wrong box's message above its row, outside the row's grid. */
		if ((fe = render_error_of(rp, it, &it->rows[i])) != NULL) {
			buf_puts(b, "<p class=\"error sum-error\" id=\"err-");
			buf_html(b, var);
			buf_puts(b, "\"><span class=\"visually-hidden\">");
			buf_html(b, i18n_get(rp->lang, "err.prefix"));
			buf_puts(b, " </span>");
			render_error_text(b, rp->lang, fe);
			buf_puts(b, "</p>\n");
		}
		buf_puts(b, "<div class=\"sum-row\"><label for=\"");
		buf_html(b, var);
		buf_puts(b, "\">");
		buf_html(b, text_get(&it->rows[i].label, rp->lang));
		buf_puts(b, "</label> <input type=\"text\" inputmode=\"numeric\" "
		    "class=\"num\" size=\"4\" name=\"");
		buf_html(b, var);
		buf_puts(b, "\" id=\"");
		buf_html(b, var);
		buf_puts(b, "\" aria-describedby=\"");
		if (fe != NULL) {
			buf_puts(b, "err-");
			buf_html(b, var);
			buf_putc(b, ' ');
		}
		buf_puts(b, "unit-");
		buf_html(b, var);
		buf_putc(b, '"');
		if (fe != NULL || (e != NULL && e->code == VERR_SUM))
			buf_puts(b, " aria-invalid=\"true\"");
		buf_puts(b, " value=\"");
		buf_html(b, current(rp, var));
		buf_puts(b, "\"> <span class=\"unit\" id=\"unit-");
		buf_html(b, var);
		buf_puts(b, "\">%</span></div>\n");
	}
	buf_printf(b, "<p class=\"sum-total\" aria-live=\"polite\" "
	    "data-total=\"%ld\"></p>\n</fieldset>\n", it->total);
}

static void
labelled_open(struct buf *b, const struct render_page *rp,
    const struct item *it, const char *cls, const struct verr *e)
{
	buf_printf(b, "<div class=\"item %s%s\" id=\"q-", cls,
	    e ? " has-error" : "");
	buf_html(b, it->id);
	buf_puts(b, "\">\n<label class=\"question\" for=\"");
	buf_html(b, it->id);
	buf_puts(b, "\">");
	buf_html(b, it->ntexts ? text_get(&it->texts[0], rp->lang) : "");
	buf_puts(b, "</label>\n");
	item_paragraphs(b, rp, it, 1);
	item_notes(b, rp, it, e);
}

static void
r_number(struct buf *b, const struct render_page *rp, const struct item *it,
    const struct verr *e)
{
	labelled_open(b, rp, it, "number", e);
	buf_puts(b, "<input type=\"text\" inputmode=\"numeric\" size=\"6\" "
	    "class=\"num\" name=\"");
	buf_html(b, it->id);
	buf_puts(b, "\" id=\"");
	buf_html(b, it->id);
	buf_putc(b, '"');
	described_by(b, it, e, it->unit.s[LANG_NB] != NULL);
	if (e != NULL)
		buf_puts(b, " aria-invalid=\"true\"");
	buf_puts(b, " value=\"");
	buf_html(b, current(rp, it->id));
	buf_puts(b, "\">");
	if (it->unit.s[LANG_NB] != NULL) {
		buf_puts(b, " <span class=\"unit\" id=\"hint-");
		buf_html(b, it->id);
		buf_puts(b, "\">");
		buf_html(b, text_get(&it->unit, rp->lang));
		buf_puts(b, "</span>");
	}
	buf_puts(b, "\n</div>\n");
}

static void
r_text(struct buf *b, const struct render_page *rp, const struct item *it,
    const struct verr *e)
{
	static const char *const kinds[] = {
		[CONTACT_NAME] = "text\" autocomplete=\"name",
		[CONTACT_EMAIL] = "email\" autocomplete=\"email\" "
		    "spellcheck=\"false",
		[CONTACT_PHONE] = "tel\" autocomplete=\"tel",
	};

	labelled_open(b, rp, it, "text", e);
	/* Contact details: one line, and the kind the phone's keyboard needs. */
	if (it->contact != CONTACT_NONE) {
		buf_puts(b, "<input type=\"");
		buf_puts(b, kinds[it->contact]);
		buf_putc(b, '"');
	} else
		buf_puts(b, "<textarea rows=\"5\"");
	buf_puts(b, " name=\"");
	buf_html(b, it->id);
	buf_puts(b, "\" id=\"");
	buf_html(b, it->id);
	buf_putc(b, '"');
	described_by(b, it, e, 0);
	if (e != NULL)
		buf_puts(b, " aria-invalid=\"true\"");
	if (it->contact != CONTACT_NONE) {
		buf_puts(b, " value=\"");
		buf_html(b, current(rp, it->id));
		buf_puts(b, "\">\n</div>\n");
		return;
	}
	buf_puts(b, ">");
	buf_html(b, current(rp, it->id));
	buf_puts(b, "</textarea>\n</div>\n");
}

static void
r_info(struct buf *b, const struct render_page *rp, const struct item *it)
{
	size_t	 i;

	buf_puts(b, "<section class=\"info\" id=\"q-");
	buf_html(b, it->id);
	buf_puts(b, "\">\n");
	item_paragraphs(b, rp, it, 0);
	for (i = 0; i < it->nimages; i++) {
		buf_puts(b, "<figure><img src=\"");
		buf_html(b, rp->assets);
		buf_html(b, it->images[i].file);
		buf_puts(b, "\" alt=\"");
		buf_html(b, text_get(&it->images[i].alt, rp->lang));
		buf_puts(b, "\"></figure>\n");
	}
	buf_puts(b, "</section>\n");
}

/* One visible item, with its error if validation found one. */
void
render_item(struct buf *b, const struct render_page *rp, const struct item *it,
    const struct verr *e)
{
	switch (it->type) {
	case ITEM_INFO:
		r_info(b, rp, it);
		break;
	case ITEM_SINGLE:
	case ITEM_MULTI:
		r_choices(b, rp, it, e);
		break;
	case ITEM_GRID:
		r_grid(b, rp, it, e);
		break;
	case ITEM_NPS:
		r_nps(b, rp, it, e);
		break;
	case ITEM_SUM:
		r_sum(b, rp, it, e);
		break;
	case ITEM_NUMBER:
		r_number(b, rp, it, e);
		break;
	case ITEM_TEXT:
		r_text(b, rp, it, e);
		break;
	}
}
