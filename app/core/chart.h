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

int	 chart_bars(struct buf *, const char *, const char *, const char *,
	    const struct chart_bar *, size_t);

#endif
