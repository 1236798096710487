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

/*
 * Writes n letters to path with the TTF font at fontpath. 0 and a
 * reason in err on failure (the file may then be incomplete).
 */
int
letters_pdf(const char *path, const char *fontpath,
    const struct letter_text *t, const struct letter *l, size_t n, char *err,
    size_t errlen)
{
	struct pdf_err	 e;
	HPDF_Doc	 pdf;
	HPDF_Font	 font;
	const char	*fname;
	size_t		 i;

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
	for (i = 0; i < n; i++)
		page(pdf, font, t, &l[i]);
	HPDF_SaveToFile(pdf, path);
	HPDF_Free(pdf);
	return (1);
}
