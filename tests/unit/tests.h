#ifndef SVAR_TESTS_H
#define SVAR_TESTS_H

#include <check.h>

#include "survey.h"

Suite	*suite_form(void);
Suite	*suite_def(void);
Suite	*suite_route(void);
Suite	*suite_validate(void);
Suite	*suite_tmpl(void);
Suite	*suite_render(void);
Suite	*suite_keys(void);
Suite	*suite_auth(void);
Suite	*suite_html(void);
Suite	*suite_frame(void);
Suite	*suite_mail(void);
Suite	*suite_stats(void);
Suite	*suite_synth(void);
Suite	*suite_mail_tmpl(void);

/* A parsed survey from a string, or a failed test. */
struct survey	*parse_ok(const char *);
char		*parse_errors(const char *);

#endif
