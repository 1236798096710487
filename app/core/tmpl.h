/*
 * A small template language, compiled once at start:
 *   {{name}}          the value, HTML-escaped
 *   {{{name}}}        the value as is (only for HTML the renderer built)
 *   {{t.key}}         an interface string in the page's language, escaped
 *   {{#name}}..{{/name}}  the inside only when the value is not empty
 *   {{^name}}..{{/name}}  the inside only when the value is empty
 */
#ifndef SVAR_TMPL_H
#define SVAR_TMPL_H

#include "buf.h"
#include "survey.h"

#define TVARS_MAX	32

struct tvars {
	const char	*k[TVARS_MAX];
	const char	*v[TVARS_MAX];
	size_t		 n;
	enum lang	 lang;
};

struct tmpl;

struct tmpl	*tmpl_compile(const char *, const char *, size_t, struct buf *);
struct tmpl	*tmpl_load(const char *, struct buf *);
void		 tmpl_free(struct tmpl *);
void		 tmpl_render(const struct tmpl *, const struct tvars *,
		    struct buf *);
void		 tvars_set(struct tvars *, const char *, const char *);

#endif
