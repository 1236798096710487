/*
 * An element writer for the tables and charts of the admin pages (the
 * idea of kcgi's khtml): elements open and close on a stack, attribute
 * values and text are always escaped, void elements never get a closing
 * tag, and a close that does not match the open element is an error
 * instead of broken markup.
 *
 *	html_init(&h, &out);
 *	html_open(&h, "table", "class", "funnel", NULL);
 *	html_open(&h, "tr", NULL);
 *	html_elem(&h, "td", "42", "class", "num", NULL);
 *	html_close_all(&h);
 *	if (!html_end(&h))
 *		... h.err says what went wrong; out is not to be sent
 *
 * Attributes are name/value pairs ending in NULL; HTML_BOOL as a value
 * writes the name alone (checked, disabled). Element names are kept by
 * pointer until closed: pass literals. Inside <svg>, an element without
 * content is written self-closed (<rect .../>). The first error sticks
 * and stops all further output.
 */
#ifndef SVAR_HTML_H
#define SVAR_HTML_H

#include "buf.h"

extern const char	 HTML_BOOL[];

struct html {
	struct buf	 *out;
	const char	**stack;
	size_t		  n;
	size_t		  cap;
	size_t		  svg;		/* open <svg> elements */
	const char	 *err;		/* the first error, or NULL */
};

void	html_init(struct html *, struct buf *);
void	html_open(struct html *, const char *, ...)
	    __attribute__((sentinel));
void	html_leaf(struct html *, const char *, ...)
	    __attribute__((sentinel));
void	html_elem(struct html *, const char *, const char *, ...)
	    __attribute__((sentinel));
void	html_text(struct html *, const char *);
void	html_int(struct html *, long);
void	html_raw(struct html *, const char *);
int	html_close(struct html *, const char *);
void	html_close_all(struct html *);
int	html_end(struct html *);

#endif
