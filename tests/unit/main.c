/* The core's unit tests: make test builds them with ASan and UBSan. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "i18n.h"
#include "tests.h"

struct survey *
parse_ok(const char *src)
{
	struct def_errors	 err;
	struct survey		*s;

	s = def_parse("test.svar", src, strlen(src), &err);
	if (s == NULL) {
		size_t	 i;

		for (i = 0; i < err.n; i++)
			fprintf(stderr, "%s\n", err.msg[i]);
		def_errors_free(&err);
	}
	ck_assert_ptr_nonnull(s);
	return (s);
}

/* All error messages joined by newlines; NULL when the text parsed. */
char *
parse_errors(const char *src)
{
	struct def_errors	 err;
	struct survey		*s;
	struct buf		 b;
	size_t			 i;

	s = def_parse("test.svar", src, strlen(src), &err);
	if (s != NULL) {
		survey_free(s);
		return (NULL);
	}
	buf_init(&b);
	for (i = 0; i < err.n; i++) {
		buf_puts(&b, err.msg[i]);
		buf_putc(&b, '\n');
	}
	def_errors_free(&err);
	return (buf_steal(&b));
}

int
main(void)
{
	SRunner	*sr;
	struct buf err;
	int	 failed;

	buf_init(&err);
	if (!i18n_load("templates/strings", &err)) {
		fprintf(stderr, "unit tests: %s\n", buf_cstr(&err));
		return (1);
	}
	buf_free(&err);
	sr = srunner_create(suite_form());
	srunner_add_suite(sr, suite_def());
	srunner_add_suite(sr, suite_route());
	srunner_add_suite(sr, suite_validate());
	srunner_add_suite(sr, suite_tmpl());
	srunner_add_suite(sr, suite_render());
	srunner_add_suite(sr, suite_keys());
	srunner_add_suite(sr, suite_auth());
	srunner_add_suite(sr, suite_html());
	srunner_add_suite(sr, suite_frame());
	srunner_add_suite(sr, suite_mail());
	srunner_add_suite(sr, suite_stats());
	srunner_add_suite(sr, suite_synth());
	srunner_add_suite(sr, suite_mail_tmpl());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	i18n_free();
	return (failed == 0 ? 0 : 1);
}
