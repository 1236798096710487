#include <stdio.h>
#include <stdlib.h>
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

#define LN_W		640
#define LN_H		300
#define LN_LEFT		56
#define LN_RIGHT	500
#define LN_TOP		16
#define LN_BOTTOM	250

/* Lines tell apart by their dash and their label, never by hue alone. */
static const char *const dashes[] = {
	"none", "8 4", "2 3", "12 3 2 3", "4 4"
};

static void
svg_open(struct html *h, const char *id, const char *title, const char *desc,
    int w, int hgt)
{
	char	 tid[64], did[64], labelled[140], vb[48];

	snprintf(tid, sizeof(tid), "%s-title", id);
	snprintf(did, sizeof(did), "%s-desc", id);
	snprintf(labelled, sizeof(labelled), "%s %s", tid, did);
	snprintf(vb, sizeof(vb), "0 0 %d %d", w, hgt);
	html_open(h, "svg", "xmlns", "http://www.w3.org/2000/svg",
	    "viewBox", vb, "class", "chart", "role", "img",
	    "aria-labelledby", labelled, NULL);
	html_elem(h, "title", title, "id", tid, NULL);
	html_elem(h, "desc", desc, "id", did, NULL);
}

static int
px(size_t i, size_t n)
{
	return (LN_LEFT + (n > 1 ? (int)((long)i * (LN_RIGHT - LN_LEFT) /
	    (long)(n - 1)) : 0));
}

static int
py(long v, long max)
{
	return (LN_BOTTOM - (int)(v * (LN_BOTTOM - LN_TOP) / max));
}

static int
end_cmp(const void *a, const void *b)
{
	return (*(const int *)a / 1000 - *(const int *)b / 1000);
}

/*
 * Lines over n points with the x labels under them (a label every few
 * points), the y axis at 0, half and the largest value, marks as dotted
 * vertical lines. Each line ends in its label and last value; labels
 * that would overlap are pushed apart.
 */
int
chart_lines(struct buf *out, const char *id, const char *title,
    const char *desc, const char *const *x, size_t n,
    const struct chart_series *ser, size_t ns, const struct chart_mark *mk,
    size_t nm)
{
	struct html	 h;
	struct buf	 pts;
	char		 a[24], b[24], c[24], d[24], t[160];
	long		 max = 1;
	size_t		 i, k, step;
	int		*ends, last = -100;

	for (k = 0; k < ns; k++)
		for (i = 0; i < n; i++)
			if (ser[k].v[i] > max)
				max = ser[k].v[i];
	html_init(&h, out);
	svg_open(&h, id, title, desc, LN_W, LN_H);
	snprintf(a, sizeof(a), "%d", LN_LEFT);
	snprintf(b, sizeof(b), "%d", LN_BOTTOM);
	snprintf(c, sizeof(c), "%d", LN_RIGHT);
	html_leaf(&h, "line", "x1", a, "y1", b, "x2", c, "y2", b, "stroke",
	    "#595959", NULL);
	for (i = 0; i <= 2; i++) {
		long	 v = max * (long)i / 2;

		snprintf(d, sizeof(d), "%d", py(v, max) + 4);
		snprintf(t, sizeof(t), "%ld", v);
		html_elem(&h, "text", t, "x", "0", "y", d, "class",
		    "chart-label", NULL);
	}
	step = n > 8 ? (n + 6) / 7 : 1;
	for (i = 0; i < n; i += step) {
		snprintf(a, sizeof(a), "%d", px(i, n) - 20);
		snprintf(b, sizeof(b), "%d", LN_BOTTOM + 20);
		html_elem(&h, "text", x[i], "x", a, "y", b, "class",
		    "chart-label", NULL);
	}
	for (i = 0; i < nm; i++) {
		snprintf(a, sizeof(a), "%d", px(mk[i].at, n));
		snprintf(b, sizeof(b), "%d", LN_TOP);
		snprintf(c, sizeof(c), "%d", LN_BOTTOM);
		html_open(&h, "line", "x1", a, "y1", b, "x2", a, "y2", c,
		    "stroke", "#595959", "stroke-dasharray", "1 3", NULL);
		html_elem(&h, "title", mk[i].label, NULL);
		html_close(&h, "line");
	}
	ends = calloc(ns ? ns : 1, sizeof(*ends));
	buf_init(&pts);
	for (k = 0; k < ns; k++) {
		buf_reset(&pts);
		for (i = 0; i < n; i++)
			buf_printf(&pts, "%s%d,%d", i ? " " : "", px(i, n),
			    py(ser[k].v[i], max));
		html_leaf(&h, "polyline", "points", buf_cstr(&pts), "fill",
		    "none", "stroke", "#1a4d80", "stroke-width", "2.5",
		    "stroke-dasharray", dashes[k % 5], NULL);
		if (ends != NULL)
			ends[k] = (n ? py(ser[k].v[n - 1], max) : LN_BOTTOM) *
			    1000 + (int)k;
	}
	buf_free(&pts);
	if (ends != NULL)
		qsort(ends, ns, sizeof(*ends), end_cmp);
	for (i = 0; ends != NULL && i < ns; i++) {
		int	 y = ends[i] / 1000;

		k = (size_t)(ends[i] % 1000);
		if (y < last + 14)
			y = last + 14;
		last = y;
		snprintf(a, sizeof(a), "%d", LN_RIGHT + 6);
		snprintf(b, sizeof(b), "%d", y + 4);
		snprintf(t, sizeof(t), "%s %ld", ser[k].label, n ?
		    ser[k].v[n - 1] : 0);
		html_elem(&h, "text", t, "x", a, "y", b, "class",
		    "chart-value", NULL);
	}
	free(ends);
	html_close_all(&h);
	return (html_end(&h));
}
