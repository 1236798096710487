/*
 * Bar charts as SVG, drawn with the element writer, for the funnel and
 * break-off pages. Each chart has a title and a description (SVG's own
 * accessible name and description), and the page puts the table it
 * draws beside it (WCAG 1.1.1). One colour with a dark outline, and the
 * value written at each bar, so nothing rests on hue.
 */
#ifndef SVAR_CHART_H
#define SVAR_CHART_H

#include <stddef.h>

#include "buf.h"

struct chart_bar {
	const char	*label;
	long		 value;
	const char	*shown;		/* the value as text ("<5"), or NULL */
};

/* A line over the days: one value per point (cumulative counts). */
struct chart_series {
	const char	*label;		/* written at the line's end */
	const long	*v;
};

/* A day something was sent: a dotted vertical line with its label. */
struct chart_mark {
	size_t		 at;		/* point index */
	const char	*label;
};

int	 chart_lines(struct buf *, const char *, const char *, const char *,
	    const char *const *, size_t, const struct chart_series *, size_t,
	    const struct chart_mark *, size_t);
int	 chart_bars(struct buf *, const char *, const char *, const char *,
	    const struct chart_bar *, size_t);

#endif
