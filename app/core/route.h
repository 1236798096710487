/*
 * Routing: which items and pages a response is asked, given its answers.
 * Conditions only look back (def_parse.c makes sure), so one pass in
 * questionnaire order settles everything.
 */
#ifndef SVAR_ROUTE_H
#define SVAR_ROUTE_H

#include "answers.h"
#include "survey.h"

struct route {
	unsigned char	*item_vis;	/* survey.nitems flags */
	unsigned char	*page_vis;	/* survey.npages flags */
};

void	 route_eval(const struct survey *, const struct answers *,
	    struct route *);
void	 route_free(struct route *);
int	 route_cond(const struct survey *, const struct answers *,
	    const struct route *, const struct cond *);
size_t	 route_next(const struct survey *, const struct route *, size_t);
size_t	 route_prev(const struct survey *, const struct route *, size_t);
size_t	 route_first(const struct survey *, const struct route *);
size_t	 route_position(const struct survey *, const struct route *,
	    size_t, size_t *);
const struct item *var_item(const struct survey *, const char *);
size_t	 route_unvisited(const struct survey *, const struct route *,
	    const struct answers *);
int	 route_any_answered(const struct survey *,
	    const struct answers *);
int	 route_mark_notasked(const struct survey *, const struct route *,
	    const struct answers *, struct answers *);

#endif
