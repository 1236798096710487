/*
 * The CPU side of a page load without the network or the database:
 * route, render and lay out page N of the 2021 survey, many times.
 * Run under `valgrind --tool=callgrind` for a repeatable instruction
 * count (make bench-render).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "i18n.h"
#include "render.h"
#include "tmpl.h"

int
main(int argc, char **argv)
{
	struct def_errors	 err;
	struct survey		*s;
	struct answers		 a;
	struct route		 r;
	struct render_page	 rp;
	struct tmpl		*layout;
	struct tvars		 tv;
	struct buf		 body, out, e;
	size_t			 page;
	int			 i, n;

	n = argc > 1 ? atoi(argv[1]) : 1000;
	page = argc > 2 ? (size_t)atoi(argv[2]) - 1 : 1;
	buf_init(&e);
	if (!i18n_load("templates/strings", &e) ||
	    (layout = tmpl_load("templates/layout.html",
	    "lang title !content nb_current nn_current en_current", &e)) == NULL) {
		fprintf(stderr, "%s\n", buf_cstr(&e));
		return (1);
	}
	if ((s = def_parse_file("surveys/helsepersonell-2021/survey.svar",
	    &err)) == NULL || page >= s->npages) {
		fprintf(stderr, "survey or page\n");
		return (1);
	}
	answers_init(&a);
	answers_set(&a, "B1", "1", ANS_ANSWERED);
	answers_set(&a, "Q3_1.telefon", "1", ANS_ANSWERED);
	answers_set(&a, "Q3_1.video", "9", ANS_ANSWERED);
	answers_set(&a, "Q3_2", "1", ANS_ANSWERED);
	buf_init(&body);
	buf_init(&out);
	for (i = 0; i < n; i++) {
		buf_reset(&body);
		buf_reset(&out);
		route_eval(s, &a, &r);
		memset(&rp, 0, sizeof(rp));
		rp.s = s;
		rp.page = page;
		rp.route = &r;
		rp.answers = &a;
		rp.lang = LANG_NB;
		rp.action = "/r/abcdefghabcdefghabcdefghabcdefghij/2";
		rp.csrf = "abcdefghabcdefghabcdefghab";
		rp.assets = "/assets/";
		render_page(&rp, &body);
		tvars_init(&tv, LANG_NB);
		tvars_set(&tv, "lang", "nb");
		tvars_set(&tv, "title", "T");
		tvars_set(&tv, "content", buf_cstr(&body));
		tmpl_render(layout, &tv, &out);
		tvars_free(&tv);
		route_free(&r);
	}
	printf("%d pages of %zu bytes\n", n, out.len);
	buf_free(&body);
	buf_free(&out);
	buf_free(&e);
	answers_free(&a);
	tmpl_free(layout);
	survey_free(s);
	i18n_free();
	return (0);
}
