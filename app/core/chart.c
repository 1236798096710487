#include <stdio.h>
#include <string.h>

#include "chart.h"
#include "html.h"

#define BAR_H		28
#define BAR_GAP		8
#define LABEL_W		180
#define PLOT_W		360
#define VALUE_W		70

/*
 * Horizontal bars, longest = the largest value. `id` names the title and
 * description for aria-labelledby. 1 when the SVG was written whole.
 */
int
chart_bars(struct buf *out, const char *id, const char *title,
    const char *desc, const struct chart_bar *bars, size_t n)
{
	struct html	 h;
	char		 tid[64], did[64], labelled[140], vb[48];
	char		 y[24], w[24], ty[24], tx[24], vbuf[24], bx[16], bh[16];
	long		 max = 1;
	size_t		 i;
	int		 height = (int)n * (BAR_H + BAR_GAP) + BAR_GAP;

	for (i = 0; i < n; i++)
		if (bars[i].value > max)
			max = bars[i].value;
	snprintf(tid, sizeof(tid), "%s-title", id);
	snprintf(did, sizeof(did), "%s-desc", id);
	snprintf(labelled, sizeof(labelled), "%s %s", tid, did);
	snprintf(vb, sizeof(vb), "0 0 %d %d", LABEL_W + PLOT_W + VALUE_W,
	    height);
	snprintf(bx, sizeof(bx), "%d", LABEL_W);
	snprintf(bh, sizeof(bh), "%d", BAR_H);
	html_init(&h, out);
	html_open(&h, "svg", "xmlns", "http://www.w3.org/2000/svg",
	    "viewBox", vb, "class", "chart", "role", "img",
	    "aria-labelledby", labelled, NULL);
	html_elem(&h, "title", title, "id", tid, NULL);
	html_elem(&h, "desc", desc, "id", did, NULL);
	for (i = 0; i < n; i++) {
		snprintf(y, sizeof(y), "%d", BAR_GAP + (int)i *
		    (BAR_H + BAR_GAP));
		snprintf(ty, sizeof(ty), "%d", BAR_GAP + (int)i *
		    (BAR_H + BAR_GAP) + BAR_H / 2 + 5);
		snprintf(w, sizeof(w), "%ld", bars[i].value <= 0 ? 0 :
		    bars[i].value * PLOT_W / max > 0 ? bars[i].value * PLOT_W /
		    max : 1);
		snprintf(tx, sizeof(tx), "%d", LABEL_W + 6 + (bars[i].value <= 0 ?
		    0 : (int)(bars[i].value * PLOT_W / max)));
		if (bars[i].shown != NULL)
			snprintf(vbuf, sizeof(vbuf), "%s", bars[i].shown);
		else
			snprintf(vbuf, sizeof(vbuf), "%ld", bars[i].value);
		html_elem(&h, "text", bars[i].label, "x", "0", "y", ty,
		    "class", "chart-label", NULL);
		html_leaf(&h, "rect", "x", bx, "y", y, "width", w, "height",
		    bh, "class", "chart-bar", NULL);
		html_elem(&h, "text", vbuf, "x", tx, "y", ty,
		    "class", "chart-value", NULL);
	}
	html_close_all(&h);
	return (html_end(&h));
}
