/*
 * The letters' PDF. The font is embedded from a TTF file (DejaVu Sans
 * from Debian covers æ, ø, å and the rest of Latin), and text goes in
 * as UTF-8. The QR code is drawn from libqrencode's modules as filled
 * rectangles, so it stays sharp at any print resolution.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf.h>
#include <qrencode.h>

#include "buf.h"
#include "i18n.h"
#include "letter.h"

#define PAGE_W	595.0f		/* A4 in points */
#define PAGE_H	842.0f
#define MARGIN	70.0f
#define QR_SIZE	150.0f

struct pdf_err {
	jmp_buf		 jb;
	unsigned long	 no;
};

static void
on_error(HPDF_STATUS no, HPDF_STATUS detail, void *arg)
{
	struct pdf_err	*e = arg;

	e->no = (unsigned long)no;
	longjmp(e->jb, 1);
}

/* Lines of s (split at "\n", or at ", " for an address) from y down. */
static float
lines(HPDF_Page p, const char *s, const char *sep, float x, float y,
    float lead)
{
	char	*copy, *line, *next;
	size_t	 n = strlen(sep);

	copy = xstrdup(s);
	for (line = copy; line != NULL; line = next) {
		if ((next = strstr(line, sep)) != NULL) {
			*next = '\0';
			next += n;
		}
		HPDF_Page_TextOut(p, x, y, line);
		y -= lead;
	}
	free(copy);
	return (y);
}

static void
qr_draw(HPDF_Page p, const char *url, float x, float y, float size)
{
	QRcode		*q;
	float		 m;
	int		 r, c;

	if ((q = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1)) ==
	    NULL)
		return;
	/* Four modules of quiet zone on each side, as scanners expect. */
	m = size / (float)(q->width + 8);
	HPDF_Page_SetRGBFill(p, 0, 0, 0);
	for (r = 0; r < q->width; r++)
		for (c = 0; c < q->width; c++)
			if (q->data[r * q->width + c] & 1)
				HPDF_Page_Rectangle(p, x + (c + 4) * m,
				    y + size - (r + 5) * m, m, m);
	HPDF_Page_Fill(p);
	QRcode_free(q);
}

static void
page(HPDF_Doc pdf, HPDF_Font font, const struct letter_text *t,
    const struct letter *l)
{
	HPDF_Page	 p;
	float		 y;

	p = HPDF_AddPage(pdf);
	HPDF_Page_SetSize(p, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
	HPDF_Page_BeginText(p);
	HPDF_Page_SetFontAndSize(p, font, 11);
	y = lines(p, l->name, "\n", MARGIN, PAGE_H - 120, 14);
	lines(p, l->address, strchr(l->address, '\n') ? "\n" : ", ", MARGIN, y,
	    14);
	HPDF_Page_SetFontAndSize(p, font, 15);
	y = lines(p, t->title, "\n", MARGIN, PAGE_H - 290, 20) - 10;
	HPDF_Page_SetFontAndSize(p, font, 11);
	y = lines(p, t->body, "\n", MARGIN, y, 15) - 10;
	y = lines(p, t->url_intro, "\n", MARGIN, y, 15);
	HPDF_Page_SetFontAndSize(p, font, 10);
	y = lines(p, l->url, "\n", MARGIN, y, 15) - 10;
	HPDF_Page_SetFontAndSize(p, font, 11);
	y = lines(p, t->code_intro, "\n", MARGIN, y, 15);
	HPDF_Page_SetFontAndSize(p, font, 18);
	y = lines(p, l->code, "\n", MARGIN, y - 6, 24) - 10;
	HPDF_Page_SetFontAndSize(p, font, 11);
	lines(p, t->sender, "\n", MARGIN, y, 15);
	HPDF_Page_EndText(p);
	qr_draw(p, l->url, PAGE_W - MARGIN - QR_SIZE, PAGE_H - 120 - QR_SIZE +
	    12, QR_SIZE);
}

void
letters_init(struct letters *b, const char *base)
{
	size_t	 i;

	memset(b, 0, sizeof(*b));
	b->base = base;
	for (i = 0; i < 5; i++)
		buf_init(&b->text[i]);
}

/* One invitation: id, code, response key, office name, address. */
void
letters_row(int n, const char *const *v, void *arg)
{
	struct letters	*b = arg;
	struct letter	*l;
	struct buf	 s;

	if (n < 5)
		return;
	b->v = xrealloc(b->v, (b->n + 1) * sizeof(*b->v));
	b->ids = xrealloc(b->ids, (b->n + 1) * sizeof(*b->ids));
	b->ids[b->n] = xstrdup(v[0]);
	l = &b->v[b->n++];
	/* The code as people type it best: two groups of five. */
	buf_init(&s);
	buf_printf(&s, "%.5s-%s", v[1], strlen(v[1]) > 5 ? v[1] + 5 : "");
	l->code = buf_steal(&s);
	buf_init(&s);
	buf_printf(&s, "%s/r/%s", b->base, v[2]);
	l->url = buf_steal(&s);
	l->name = xstrdup(v[3]);
	l->address = xstrdup(v[4]);
}

void
letters_free(struct letters *b)
{
	size_t	 i;

	for (i = 0; i < b->n; i++) {
		free((char *)b->v[i].code);
		free((char *)b->v[i].url);
		free((char *)b->v[i].name);
		free((char *)b->v[i].address);
		free(b->ids[i]);
	}
	free(b->v);
	free(b->ids);
	for (i = 0; i < 5; i++)
		buf_free(&b->text[i]);
}

/* The shared texts, from the UI strings (bokmål: letters go by post to
 * Norwegian offices). */
static void
texts(struct letters *b, struct letter_text *t)
{
	struct buf	*s = b->text;
	size_t		 i;

	for (i = 0; i < 5; i++)
		buf_reset(&s[i]);
	i18n_plain(&s[0], LANG_NB, "letter.title", NULL, NULL);
	i18n_plain(&s[1], LANG_NB, "letter.body", NULL, NULL);
	i18n_plain(&s[2], LANG_NB, "letter.url_intro", NULL, NULL);
	buf_printf(&s[4], "%s/kode", b->base);
	i18n_plain(&s[3], LANG_NB, "letter.code_intro", buf_cstr(&s[4]), NULL);
	buf_reset(&s[4]);
	i18n_plain(&s[4], LANG_NB, "letter.sender", NULL, NULL);
	t->title = buf_cstr(&s[0]);
	t->body = buf_cstr(&s[1]);
	t->url_intro = buf_cstr(&s[2]);
	t->code_intro = buf_cstr(&s[3]);
	t->sender = buf_cstr(&s[4]);
}

/*
 * The batch as one PDF, with the TTF font at fontpath: to the file at
 * path, or into out when path is NULL. 0 and a reason in err on failure.
 */
int
letters_pdf(const struct letters *cb, const char *fontpath, const char *path,
    struct buf *out, char *err, size_t errlen)
{
	struct letters		*b = (struct letters *)cb;
	struct letter_text	 t;
	struct pdf_err		 e;
	HPDF_Doc		 pdf;
	HPDF_Font		 font;
	HPDF_UINT32		 len;
	HPDF_BYTE		*bytes;
	const char		*fname;
	size_t			 i;

	texts(b, &t);
	memset(&e, 0, sizeof(e));
	if ((pdf = HPDF_New(on_error, &e)) == NULL) {
		snprintf(err, errlen, "libhpdf did not start");
		return (0);
	}
	if (setjmp(e.jb) != 0) {
		snprintf(err, errlen, "libhpdf error 0x%04lx", e.no);
		HPDF_Free(pdf);
		return (0);
	}
	HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
	HPDF_UseUTFEncodings(pdf);
	HPDF_SetCurrentEncoder(pdf, "UTF-8");
	fname = HPDF_LoadTTFontFromFile(pdf, fontpath, HPDF_TRUE);
	font = HPDF_GetFont(pdf, fname, "UTF-8");
	for (i = 0; i < b->n; i++)
		page(pdf, font, &t, &b->v[i]);
	if (path != NULL)
		HPDF_SaveToFile(pdf, path);
	else {
		HPDF_SaveToStream(pdf);
		len = HPDF_GetStreamSize(pdf);
		bytes = xmalloc(len > 0 ? len : 1);
		HPDF_ReadFromStream(pdf, bytes, &len);
		buf_append(out, bytes, len);
		free(bytes);
	}
	HPDF_Free(pdf);
	return (1);
}
