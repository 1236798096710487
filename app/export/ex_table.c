/*
 * The export's columns from a definition: paradata first, then the
 * hidden variables, then every stored variable in questionnaire order
 * (codebook.c's item_vars), each with its label, value labels, missing
 * codes and a legal name for .sav and .dta. Where an open text can be
 * coded, the columns carry both: the coded value in the variable's own
 * column (what the results count), the respondent's own in <var>.raw,
 * and each text's code in <text>.code (an option of the item) and
 * <text>.frame (a code of the item's coding frame).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "codebook.h"
#include "export.h"
#include "wording.h"

static const char *const para_names[EX__PARA] = {
	"id", "version", "unit", "unit_name", "rhf", "fylke", "status",
	"last_page", "lang", "started", "completed", "duration", "channel",
	"test"
};

/*
 * The export's own words in the three languages. Kept here rather than
 * in templates/strings: svarctl writes exports without the templates.
 */
static const struct {
	const char	*key;
	const char	*s[LANG_MAX];
} words[] = {
	{ "id", { "Svar-id (pseudonym)", "Svar-id (pseudonym)",
	    "Response id (pseudonymous)" } },
	{ "version", { "Versjon", "Versjon", "Version" } },
	{ "unit", { "Enhet (kode)", "Eining (kode)", "Unit (code)" } },
	{ "unit_name", { "Enhet", "Eining", "Unit" } },
	{ "rhf", { "RHF", "RHF", "Regional health authority (RHF)" } },
	{ "fylke", { "Fylke", "Fylke", "County (fylke)" } },
	{ "status", { "Status", "Status", "Status" } },
	{ "last_page", { "Siste side", "Siste side", "Last page" } },
	{ "lang", { "Språk", "Språk", "Language" } },
	{ "started", { "Startet", "Starta", "Started" } },
	{ "completed", { "Fullført", "Fullført", "Completed" } },
	{ "duration", { "Varighet i sekunder", "Varigheit i sekund",
	    "Duration in seconds" } },
	{ "channel", { "Kanal (link: enhetslenke, office: kontorlenke, "
	    "network: nettverk, personal: personlig invitasjon, test)",
	    "Kanal (link: einingslenkje, office: kontorlenkje, network: "
	    "nettverk, personal: personleg invitasjon, test)",
	    "Channel (link: unit link, office: office link, network: "
	    "network link, personal: personal invitation, test)" } },
	{ "test", { "Testsvar", "Testsvar", "Test response" } },
	{ "chosen", { "Valgt", "Vald", "Chosen" } },
	{ "notchosen", { "Ikke valgt", "Ikkje vald", "Not chosen" } },
	{ "text", { "tekst", "tekst", "text" } },
	{ "raw", { "oppgitt verdi før koding", "oppgitt verdi før koding",
	    "value as given, before coding" } },
	{ "code", { "kodet til svaralternativ", "koda til svaralternativ",
	    "coded into option" } },
	{ "frame", { "kode i kodeskjema", "kode i kodeskjema",
	    "code of the coding frame" } },
	{ "dontknow", { "Vet ikke", "Veit ikkje", "Don't know" } },
	{ "skipped", { "Hoppet over (spurt, ikke besvart)",
	    "Hoppa over (spurt, ikkje svart)",
	    "Skipped (asked, not answered)" } },
	{ "notasked", { "Ikke spurt (filtrert bort)",
	    "Ikkje spurt (filtrert bort)", "Not asked (routed past)" } },
	{ "notreached", { "Ikke nådd (siden ikke lagret)",
	    "Ikkje nådd (sida ikkje lagra)",
	    "Not reached (page never saved)" } },
};

const char *
ex_str(enum lang l, const char *key)
{
	size_t	 i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(words[i].key, key) == 0)
			return (words[i].s[l]);
	return (key);
}

const char *
ex_miss_label(enum lang l, int code)
{
	switch (code) {
	case EX_MISS_SKIPPED:
		return (ex_str(l, "skipped"));
	case EX_MISS_NOTASKED:
		return (ex_str(l, "notasked"));
	default:
		return (ex_str(l, "notreached"));
	}
}

static const struct {
	const char	*name;
	const char	*ext;
	const char	*mime;
} formats[EX__FORMATS] = {
	[EX_CSV] = { "csv", "csv", "text/csv; charset=utf-8" },
	[EX_CSV_EXCEL] = { "csv-excel", "csv", "text/csv; charset=utf-8" },
	[EX_XLSX] = { "xlsx", "xlsx", "application/vnd.openxmlformats-"
	    "officedocument.spreadsheetml.sheet" },
	[EX_SAV] = { "sav", "sav", "application/x-spss-sav" },
	[EX_DTA] = { "dta", "dta", "application/x-stata-dta" },
	[EX_BOOK_HTML] = { "codebook", "html", "text/html; charset=utf-8" },
	[EX_BOOK_JSON] = { "codebook-json", "json",
	    "application/json; charset=utf-8" },
};

int
ex_format_parse(const char *s)
{
	int	 i;

	for (i = 0; i < EX__FORMATS; i++)
		if (strcmp(formats[i].name, s) == 0)
			return (i);
	return (-1);
}

const char *
ex_format_name(int f)
{
	return (formats[f].name);
}

const char *
ex_format_ext(int f)
{
	return (formats[f].ext);
}

const char *
ex_format_mime(int f)
{
	return (formats[f].mime);
}

/*
 * A name Stata and SPSS take: letters, digits and '_', a letter first,
 * at most 32 bytes (Stata's limit; SPSS allows 64). Q3_1.video becomes
 * Q3_1_video; uniqueness is the table's job.
 */
void
ex_legal_name(const char *name, char *out, size_t len)
{
	size_t	 i, o = 0;

	if (len > 33)
		len = 33;
	if (!isalpha((unsigned char)name[0]) && o + 1 < len)
		out[o++] = 'v';
	for (i = 0; name[i] != '\0' && o + 1 < len; i++)
		out[o++] = isalnum((unsigned char)name[i]) &&
		    !(name[i] & 0x80) ? name[i] : '_';
	out[o] = '\0';
}

static int
legal_taken(const struct ex_table *t, const char *n)
{
	size_t	 i;

	/* SPSS names ignore case, so the check does too. */
	for (i = 0; i < t->ncols; i++)
		if (strcasecmp(t->cols[i].legal, n) == 0)
			return (1);
	return (0);
}

static char *
legal_unique(const struct ex_table *t, const char *name)
{
	char	 base[40], n[40];
	int	 k;

	ex_legal_name(name, base, sizeof(base));
	if (!legal_taken(t, base))
		return (xstrdup(base));
	/* Deterministic: the same definition gives the same names. */
	for (k = 2;; k++) {
		snprintf(n, sizeof(n), "%.*s_%d", 26, base, k);
		if (!legal_taken(t, n))
			return (xstrdup(n));
	}
}

static struct ex_col *
col_add(struct ex_table *t, const char *name, enum ex_kind kind,
    enum ex_part part)
{
	struct ex_col	*c;

	t->cols = xrealloc(t->cols, (t->ncols + 1) * sizeof(*t->cols));
	c = &t->cols[t->ncols];
	memset(c, 0, sizeof(*c));
	c->name = xstrdup(name);
	c->legal = legal_unique(t, name);
	c->kind = kind;
	c->part = part;
	c->labels = -1;
	t->ncols++;
	return (c);
}

static long
labels_add(struct ex_table *t, const char *name)
{
	struct ex_labels	*l;
	char			 n[40];

	t->labels = xrealloc(t->labels, (t->nlabels + 1) *
	    sizeof(*t->labels));
	l = &t->labels[t->nlabels];
	memset(l, 0, sizeof(*l));
	snprintf(n, sizeof(n), "L_%s", name);
	ex_legal_name(n, n, sizeof(n));
	l->name = xstrdup(n);
	return ((long)t->nlabels++);
}

static void
label_add(struct ex_table *t, long set, double code, const char *text)
{
	struct ex_labels	*l = &t->labels[set];

	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n].code = code;
	l->v[l->n].text = xstrdup(text != NULL ? text : "");
	l->n++;
}

static void
labels_opts(struct ex_table *t, long set, const struct optset *os)
{
	size_t	 i;

	for (i = 0; i < os->n; i++)
		label_add(t, set, os->v[i].code, text_get(&os->v[i].label,
		    t->lang));
}

struct build {
	struct ex_table			*t;
	const struct survey		*s;
	const struct ex_frame_code	*fc;
	size_t				 nfc;
	long				*item_set;	/* per item */
	long				 chosen, none;	/* shared sets */
	const struct item		*last;
	struct buf			 q;		/* question text */
	struct buf			 cond;
};

static long
set_item(struct build *b, const struct item *it)
{
	long	 set;

	if (b->item_set[it->index] >= 0)
		return (b->item_set[it->index]);
	set = labels_add(b->t, it->id);
	if (it->type == ITEM_NPS) {
		label_add(b->t, set, 0, text_get(&it->low, b->t->lang));
		label_add(b->t, set, 10, text_get(&it->high, b->t->lang));
		label_add(b->t, set, NPS_DONTKNOW, ex_str(b->t->lang,
		    "dontknow"));
	} else
		labels_opts(b->t, set, item_options(it));
	b->item_set[it->index] = set;
	return (set);
}

/* The item's question text and who is asked, once per item. */
static void
item_texts(struct build *b, const struct item *it)
{
	const struct page	*pg = &b->s->pages[it->page];

	if (b->last == it)
		return;
	b->last = it;
	buf_reset(&b->q);
	item_question(it, b->t->lang, &b->q);
	if (it->ntexts == 0)
		buf_puts(&b->q, it->id);
	buf_reset(&b->cond);
	if (pg->cond != NULL)
		cond_text(pg->cond, &b->cond);
	if (pg->cond != NULL && it->cond != NULL)
		buf_puts(&b->cond, " and ");
	if (it->cond != NULL)
		cond_text(it->cond, &b->cond);
}

static void
col_label(struct build *b, struct ex_col *c, const struct item *it,
    const char *part, const char *extra)
{
	struct buf	 l;

	buf_init(&l);
	buf_puts(&l, buf_cstr(&b->q));
	if (part != NULL && *part != '\0')
		buf_printf(&l, " – %s", part);
	if (extra != NULL)
		buf_printf(&l, " (%s)", extra);
	c->label = buf_steal(&l);
	c->cond = xstrdup(buf_cstr(&b->cond));
	c->item = it;
	c->var = NULL;
}

/* The columns of an open text: the text, then its codes. */
static void
text_cols(struct build *b, const struct item *it, const char *var,
    const char *part)
{
	struct ex_table	*t = b->t;
	struct ex_col	*c;
	char		 n[VAR_MAX + 8];
	long		 set;
	size_t		 i;

	if (!t->texts)
		return;
	c = col_add(t, var, EX_STR, EX_VALUE);
	col_label(b, c, it, part, ex_str(t->lang, "text"));
	if (it->type != ITEM_TEXT) {
		snprintf(n, sizeof(n), "%s.code", var);
		c = col_add(t, n, EX_NUM, EX_CODE);
		col_label(b, c, it, part, ex_str(t->lang, "code"));
		c->labels = set_item(b, it);
	}
	snprintf(n, sizeof(n), "%s.frame", var);
	c = col_add(t, n, EX_NUM, EX_FRAME);
	col_label(b, c, it, part, ex_str(t->lang, "frame"));
	set = labels_add(t, n);
	for (i = 0; i < b->nfc; i++)
		if (strcmp(b->fc[i].item, it->id) == 0)
			label_add(t, set, b->fc[i].code, b->fc[i].label);
	c->labels = set;
}

static void
dk_mark(struct ex_col *c, const struct item *it)
{
	const struct optset	*os;
	size_t			 i;

	if (it->type == ITEM_NPS) {
		c->has_dk = 1;
		c->dk = NPS_DONTKNOW;
		return;
	}
	if (it->type != ITEM_SINGLE && it->type != ITEM_GRID)
		return;
	os = item_options(it);
	for (i = 0; i < os->n; i++)
		if (os->v[i].flags & OPT_DONTKNOW) {
			c->has_dk = 1;
			c->dk = os->v[i].code;
			return;
		}
}

static void
one_var(const struct item *it, const char *var, void *arg)
{
	struct build		*b = arg;
	struct ex_table		*t = b->t;
	const struct option	*o;
	struct ex_col		*c;
	const char		*suffix, *part = "";
	char			 n[VAR_MAX + 8];
	int			 other;

	item_texts(b, it);
	suffix = strchr(var, '.');
	other = optset_other(item_options(it)) != NULL &&
	    (it->type == ITEM_SINGLE || it->type == ITEM_MULTI);
	if (suffix != NULL && strcmp(suffix, ".other") == 0) {
		o = optset_other(item_options(it));
		text_cols(b, it, var, text_get(&o->label, t->lang));
		return;
	}
	if (it->type == ITEM_TEXT) {
		text_cols(b, it, var, NULL);
		return;
	}
	if (suffix != NULL && it->type == ITEM_MULTI) {
		o = optset_find(&it->opts, atoi(suffix + 1));
		part = o != NULL ? text_get(&o->label, t->lang) : "";
	} else if (suffix != NULL) {
		const struct row *r = item_row(it, suffix + 1);

		part = r != NULL ? text_get(&r->label, t->lang) : "";
	}
	c = col_add(t, var, EX_NUM, EX_VALUE);
	col_label(b, c, it, part, NULL);
	if (it->type == ITEM_MULTI)
		c->labels = b->chosen;
	else if (it->type == ITEM_SINGLE || it->type == ITEM_GRID ||
	    it->type == ITEM_NPS)
		c->labels = set_item(b, it);
	else
		c->labels = b->none;
	dk_mark(c, it);
	if (!other)
		return;
	/* Back-coding can change it: the respondent's own value too. */
	snprintf(n, sizeof(n), "%s.raw", var);
	c = col_add(t, n, EX_NUM, EX_RAW);
	col_label(b, c, it, part, ex_str(t->lang, "raw"));
	c->labels = t->cols[t->ncols - 2].labels;
	c->has_dk = t->cols[t->ncols - 2].has_dk;
	c->dk = t->cols[t->ncols - 2].dk;
}

static int
order_cmp(const void *a, const void *b, void *arg)
{
	const struct ex_table	*t = arg;
	const struct ex_col	*x = &t->cols[*(const size_t *)a];
	const struct ex_col	*y = &t->cols[*(const size_t *)b];
	int			 c;

	if ((c = strcmp(x->var, y->var)) != 0)
		return (c);
	return ((int)x->part - (int)y->part);
}

/*
 * Builds the table of a definition in language l. fc are the items'
 * frame codes; texts 0 leaves the free texts out (for analysts: they
 * may hold names or health information, issue 13 §3).
 */
void
ex_table_build(struct ex_table *t, const struct survey *s, enum lang l,
    const struct ex_frame_code *fc, size_t nfc, int texts)
{
	struct build	 b;
	struct ex_col	*c;
	struct buf	 title;
	size_t		 i, j, k;
	long		 set;

	memset(t, 0, sizeof(*t));
	t->lang = l;
	t->texts = texts;
	buf_init(&title);
	buf_printf(&title, "%s", text_get(&s->title, l));
	t->title = buf_steal(&title);
	for (i = 0; i < EX__PARA; i++) {
		c = col_add(t, para_names[i], i == EX_P_DURATION ||
		    i == EX_P_TEST ? EX_NUM : i == EX_P_STARTED ||
		    i == EX_P_COMPLETED ? EX_TIME : EX_STR, EX_PARA);
		c->para = (int)i;
		c->label = xstrdup(ex_str(l, para_names[i]));
		c->cond = xstrdup("");
	}
	for (i = 0; i < s->nhidden; i++) {
		c = col_add(t, s->hidden[i].id, EX_NUM, EX_VALUE);
		c->label = xstrdup(text_get(&s->hidden[i].label, l));
		c->cond = xstrdup("");
		set = labels_add(t, s->hidden[i].id);
		labels_opts(t, set, &s->hidden[i].values);
		c->labels = set;
	}
	memset(&b, 0, sizeof(b));
	b.t = t;
	b.s = s;
	b.fc = fc;
	b.nfc = nfc;
	b.item_set = xcalloc(s->nitems ? s->nitems : 1, sizeof(long));
	for (i = 0; i < s->nitems; i++)
		b.item_set[i] = -1;
	b.chosen = labels_add(t, "chosen");
	label_add(t, b.chosen, 0, ex_str(l, "notchosen"));
	label_add(t, b.chosen, 1, ex_str(l, "chosen"));
	b.none = labels_add(t, "missing");
	buf_init(&b.q);
	buf_init(&b.cond);
	survey_vars(s, one_var, &b);
	buf_free(&b.q);
	buf_free(&b.cond);
	free(b.item_set);
	/* Each answer column reads the variable its name starts with. */
	for (i = EX__PARA; i < t->ncols; i++) {
		c = &t->cols[i];
		k = strlen(c->name);
		if (c->part == EX_RAW)
			k -= strlen(".raw");
		else if (c->part == EX_CODE)
			k -= strlen(".code");
		else if (c->part == EX_FRAME)
			k -= strlen(".frame");
		for (j = EX__PARA; j < t->ncols; j++)
			if (t->cols[j].part == EX_VALUE &&
			    strlen(t->cols[j].name) == k &&
			    strncmp(t->cols[j].name, c->name, k) == 0)
				c->var = t->cols[j].name;
		if (c->var == NULL)
			c->var = c->name;
	}
	t->norder = t->ncols - EX__PARA;
	t->order = xcalloc(t->norder ? t->norder : 1, sizeof(size_t));
	for (i = 0; i < t->norder; i++)
		t->order[i] = EX__PARA + i;
	qsort_r(t->order, t->norder, sizeof(size_t), order_cmp, t);
}

/* Where variable var's first column is in t->order, or -1. */
long
ex_find_var(const struct ex_table *t, const char *var)
{
	size_t	 lo = 0, hi = t->norder, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (strcmp(t->cols[t->order[mid]].var, var) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < t->norder && strcmp(t->cols[t->order[lo]].var, var) == 0)
		return ((long)lo);
	return (-1);
}

/* The column of variable var holding part, or -1. */
long
ex_find(const struct ex_table *t, const char *var, enum ex_part part)
{
	long	 k;

	for (k = ex_find_var(t, var); k >= 0 && (size_t)k < t->norder &&
	    strcmp(t->cols[t->order[k]].var, var) == 0; k++)
		if (t->cols[t->order[k]].part == part)
			return ((long)t->order[k]);
	return (-1);
}

void
ex_table_free(struct ex_table *t)
{
	size_t	 i, j;

	for (i = 0; i < t->ncols; i++) {
		free(t->cols[i].name);
		free(t->cols[i].legal);
		free(t->cols[i].label);
		free(t->cols[i].cond);
		ex_past_free(&t->cols[i]);
	}
	for (i = 0; i < t->nlabels; i++) {
		for (j = 0; j < t->labels[i].n; j++)
			free(t->labels[i].v[j].text);
		free(t->labels[i].v);
		free(t->labels[i].name);
	}
	free(t->cols);
	free(t->labels);
	free(t->order);
	free(t->title);
	memset(t, 0, sizeof(*t));
}
