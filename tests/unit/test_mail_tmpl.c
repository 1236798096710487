#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "mail_tmpl.h"
#include "tests.h"

#define SHIPPED	"templates/mail"

/* Every key a kind declares, set to a value the output can be searched
 * for: "<key>-value <&>" (nothing is escaped in mail). */
static void
set_all(struct tvars *tv, enum mail_kind k, char **own, size_t *n)
{
	const char	*p = mail_kind_keys(k), *start;
	char		 name[64], *v;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		for (start = p; *p != '\0' && *p != ' '; p++)
			;
		if (p == start)
			break;
		snprintf(name, sizeof(name), "%.*s", (int)(p - start), start);
		own[*n] = xstrdup(name);
		if (asprintf(&v, "%s-value <&>", name) < 0)
			ck_abort();
		tvars_copy(tv, own[*n], v);
		free(v);
		(*n)++;
	}
}

START_TEST(mail_tmpl_shipped_render_every_kind_and_language)
{
	struct buf	 err, subject, body;
	struct tvars	 tv;
	char		*own[32];
	size_t		 n, i;
	int		 k, l;

	buf_init(&err);
	ck_assert_msg(mail_tmpl_load(SHIPPED, &err), "%s", buf_cstr(&err));
	buf_free(&err);
	for (k = 0; k < MK_MAX; k++)
		for (l = 0; l < LANG_MAX; l++) {
			n = 0;
			tvars_init(&tv, l);
			set_all(&tv, k, own, &n);
			buf_init(&subject);
			buf_init(&body);
			ck_assert(mail_tmpl_render(k, l, &tv, &subject, &body));
			ck_assert_msg(subject.len > 0 && body.len > 20,
			    "%s.%s is empty", mail_kind_name(k), lang_code(l));
			ck_assert(strchr(buf_cstr(&subject), '\n') == NULL);
			ck_assert(strstr(buf_cstr(&body), "{{") == NULL);
			/* Every mail names its link, as the value was given. */
			ck_assert_msg(strstr(buf_cstr(&body),
			    "link-value <&>") != NULL, "%s.%s has no link",
			    mail_kind_name(k), lang_code(l));
			if (mail_kind_respondent(k))
				ck_assert(strstr(buf_cstr(&body),
				    "optout_url-value <&>") != NULL);
			buf_free(&subject);
			buf_free(&body);
			tvars_free(&tv);
			for (i = 0; i < n; i++)
				free(own[i]);
		}
	mail_tmpl_free();
}
END_TEST

/* A copy of the shipped templates with one file replaced by text. */
static char *
broken_copy(const char *file, const char *text)
{
	char		 tmpl[] = "/tmp/svar-mail-XXXXXX", path[512];
	char		*dir, *src;
	int		 k, l;
	FILE		*f;

	ck_assert((dir = mkdtemp(tmpl)) != NULL);
	dir = xstrdup(dir);
	for (k = 0; k < MK_MAX; k++)
		for (l = 0; l < LANG_MAX; l++) {
			snprintf(path, sizeof(path), SHIPPED "/%s.%s.txt",
			    mail_kind_name(k), lang_code(l));
			ck_assert((src = buf_file(path)) != NULL);
			snprintf(path, sizeof(path), "%s/%s.%s.txt", dir,
			    mail_kind_name(k), lang_code(l));
			ck_assert((f = fopen(path, "w")) != NULL);
			fputs(strcmp(strrchr(path, '/') + 1, file) == 0 ? text :
			    src, f);
			fclose(f);
			free(src);
		}
	return (dir);
}

static void
expect_refused(const char *file, const char *text, const char *want)
{
	struct buf	 err;
	char		*dir, path[512];
	int		 k, l;

	dir = broken_copy(file, text);
	buf_init(&err);
	ck_assert_msg(!mail_tmpl_load(dir, &err), "%s loaded", file);
	ck_assert_msg(strstr(buf_cstr(&err), want) != NULL, "'%s' lacks '%s'",
	    buf_cstr(&err), want);
	buf_free(&err);
	for (k = 0; k < MK_MAX; k++)
		for (l = 0; l < LANG_MAX; l++) {
			snprintf(path, sizeof(path), "%s/%s.%s.txt", dir,
			    mail_kind_name(k), lang_code(l));
			unlink(path);
		}
	rmdir(dir);
	free(dir);
}

START_TEST(mail_tmpl_refuses_mistakes)
{
	expect_refused("recruit.nn.txt", "Subject: {{unit}}\n\n{{answer}}\n",
	    "answer");
	expect_refused("contact_invite.en.txt", "Hello {{unit}}\n",
	    "Subject: ...");
	expect_refused("personal_remind.en.txt",
	    "Subject: {{wave}}\n\n{{link}}\n", "{{optout_url}}");
	expect_refused("resume_link.nb.txt", "Subject: x\n\n{{#link}}\n",
	    "not closed");
}
END_TEST

START_TEST(mail_tmpl_day_in_each_language)
{
	struct buf	 b;

	buf_init(&b);
	mail_day(&b, LANG_NB, "2026-11-30");
	ck_assert_str_eq(buf_cstr(&b), "30. november 2026");
	buf_reset(&b);
	mail_day(&b, LANG_EN, "2026-01-05");
	ck_assert_str_eq(buf_cstr(&b), "5 January 2026");
	buf_reset(&b);
	mail_day(&b, LANG_NN, "not a day");
	ck_assert_str_eq(buf_cstr(&b), "not a day");
	buf_free(&b);
}
END_TEST

Suite *
suite_mail_tmpl(void)
{
	Suite	*s = suite_create("mail_tmpl");
	TCase	*tc = tcase_create("mail_tmpl");

	tcase_add_test(tc, mail_tmpl_shipped_render_every_kind_and_language);
	tcase_add_test(tc, mail_tmpl_refuses_mistakes);
	tcase_add_test(tc, mail_tmpl_day_in_each_language);
	suite_add_tcase(s, tc);
	return (s);
}
