#include <qrencode.h>

#include "qr.h"

#define QR_QUIET	4	/* modules of white border the standard asks */

/*
 * Appends an SVG of `text` as a QR code, with `label` (escaped) as its
 * accessible name. One path of unit squares, so it scales sharply and
 * needs no image file. 0 when the text does not fit a QR code.
 */
int
qr_svg(const char *text, const char *label, struct buf *b)
{
	QRcode		*q;
	int		 x, y, size;

	if ((q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8,
	    1)) == NULL)
		return (0);
	size = q->width + 2 * QR_QUIET;
	buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 %d %d\" class=\"qr\" role=\"img\" aria-label=\"",
	    size, size);
	buf_html(b, label);
	buf_printf(b, "\"><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
	    "<path fill=\"#000\" d=\"", size, size);
	for (y = 0; y < q->width; y++)
		for (x = 0; x < q->width; x++)
			if (q->data[y * q->width + x] & 1)
				buf_printf(b, "M%d %dh1v1h-1z", x + QR_QUIET,
				    y + QR_QUIET);
	buf_puts(b, "\"/></svg>");
	QRcode_free(q);
	return (1);
}
