/*
 * HTML for one questionnaire page: the page in render.c, each item type
 * in render_item.c. Every piece of text goes through buf_html(); markup
 * is only ever written there, as literals.
 */
#ifndef SVAR_RENDER_H
#define SVAR_RENDER_H

#include "answers.h"
#include "buf.h"
#include "form.h"
#include "route.h"
#include "survey.h"
#include "validate.h"

struct render_page {
	const struct survey	*s;
	size_t			 page;
	const struct route	*route;
	const struct answers	*answers;
	const struct form	*posted;	/* re-shown after an error */
	const struct verrs	*errs;
	enum lang		 lang;
	const char		*action;	/* form action URL */
	const char		*csrf;
	const char		*assets;	/* URL prefix of images */
};

void	render_page(const struct render_page *, struct buf *);
void	render_error_text(struct buf *, enum lang, const struct verr *);
void	render_item(struct buf *, const struct render_page *,
	    const struct item *, const struct verr *);
const struct verr *render_error_of(const struct render_page *,
	    const struct item *, const struct row *);

#endif
