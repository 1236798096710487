/*
 * A small template language, compiled once at worker start:
 *   {{name}}              the value, HTML-escaped
 *   {{{name}}}            the value as is: only for a key declared raw
 *                         ("!name"), HTML that the renderer built
 *   {{t.key}}             an interface string in the page's language,
 *                         escaped
 *   {{#name}}..{{/name}}  the inside only when the value is not empty
 *                         (for a list: when it has rows)
 *   {{^name}}..{{/name}}  the inside only when the value is empty
 *   {{*name}}..{{/name}}  the inside once per row of the list `name`;
 *                         there the row's keys hide outer ones of the
 *                         same name, and outer keys stay visible
 *   {{>name}}             the template <dir>/name.html, inlined when
 *                         compiling, seeing the keys where it stands
 *
 * Declared keys. Every template is compiled against the keys its
 * handler provides: names separated by blanks, "!name" for a key that
 * may be used raw, "list{row keys}" for a list, e.g.
 *   "title !content units{name stage count}"
 * A {{name}} nobody declared, a raw use of a key not declared raw, an
 * escaped use of one that is, and (once i18n_load ran) a {{t.key}}
 * the string catalogue lacks are compile errors: a mistake stops the
 * worker at start instead of showing an empty string on a page.
 * A declared key the handler does not set renders as empty.
 *
 * Values. struct tvars holds the values of one render; keys are kept
 * by pointer (use literals), values by pointer with tvars_set or as a
 * copy with tvars_copy and tvars_int. tvars_row adds a row to a list
 * and returns the row's own tvars (valid until tvars_free). Zeroed
 * memory is an empty tvars; tvars_free releases what it grew.
 */
#ifndef SVAR_TMPL_H
#define SVAR_TMPL_H

#include "buf.h"
#include "survey.h"

struct tvar;

struct tvars {
	struct tvar	*v;
	size_t		 n;
	size_t		 cap;
	enum lang	 lang;
};

struct tmpl;

struct tmpl	*tmpl_compile(const char *, const char *, size_t,
		    const char *, const char *, struct buf *);
struct tmpl	*tmpl_load(const char *, const char *, struct buf *);
void		 tmpl_free(struct tmpl *);
void		 tmpl_render(const struct tmpl *, const struct tvars *,
		    struct buf *);
void		 tmpl_render_text(const struct tmpl *, const struct tvars *,
		    struct buf *);

void		 tvars_init(struct tvars *, enum lang);
void		 tvars_free(struct tvars *);
void		 tvars_set(struct tvars *, const char *, const char *);
void		 tvars_copy(struct tvars *, const char *, const char *);
void		 tvars_int(struct tvars *, const char *, long);
struct tvars	*tvars_row(struct tvars *, const char *);
int		 tvars_has(const struct tvars *, const char *);

#endif
