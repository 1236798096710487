/*
 * libFuzzer harness for the definition reader (def_lex, def_parse,
 * def_cond, def_check). A definition that parses is also routed, listed
 * as variables and every page rendered, since those walk the structures
 * the checks promised to be consistent.
 */
#include <stddef.h>
#include <stdint.h>

#include "answers.h"
#include "buf.h"
#include "codebook.h"
#include "render.h"
#include "route.h"
#include "survey.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
count_var(const struct item *it, const char *var, void *arg)
{
	(*(size_t *)arg)++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct def_errors	 err;
	struct survey		*s;
	struct answers		 a;
	struct route		 r;
	struct render_page	 rp;
	struct buf		 out;
	size_t			 nvars = 0, page;

	if ((s = def_parse("fuzz.svar", (const char *)data, len,
	    &err)) == NULL) {
		def_errors_free(&err);
		return (0);
	}
	survey_vars(s, count_var, &nvars);
	answers_init(&a);
	route_eval(s, &a, &r);
	(void)route_first(s, &r);
	buf_init(&out);
	for (page = 0; page < s->npages; page++) {
		rp = (struct render_page){ .s = s, .page = page, .route = &r,
		    .answers = &a, .lang = (enum lang)(page % LANG_MAX),
		    .action = "/r/k/1", .csrf = "c", .assets = "/assets/" };
		buf_reset(&out);
		render_page(&rp, &out);
	}
	buf_free(&out);
	route_free(&r);
	answers_free(&a);
	survey_free(s);
	return (0);
}
