/*
 * Mail templates per kind and language (mail_tmpl.h): read and checked
 * once, rendered per recipient.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail_tmpl.h"

#define MAIL_TMPL_MAX	(64 * 1024)

/*
 * The outbox kind each template is for, and the keys its sender gives
 * it. Respondent mail must show its opt-out link in the body too, not
 * only in the List-Unsubscribe header many clients hide.
 */
static const struct {
	const char	*name;
	const char	*keys;
	int		 respondent;
} kinds[MK_MAX] = {
	[MK_RECRUIT] = { "recruit", "unit wave link deadline", 0 },
	[MK_RECRUIT_REMIND] = { "recruit_remind",
	    "unit wave link deadline requested days", 0 },
	[MK_CONTACT_INVITE] = { "contact_invite",
	    "unit wave contact link deadline", 0 },
	[MK_CONTACT_REMIND] = { "contact_remind",
	    "unit wave contact link deadline next_reminder not_distributed"
	    " low_rate forwarded opened started completed threshold", 0 },
	[MK_PERSONAL_INVITE] = { "personal_invite",
	    "wave link code code_url deadline next_reminder optout_url", 1 },
	[MK_PERSONAL_REMIND] = { "personal_remind",
	    "wave link code code_url deadline next_reminder optout_url", 1 },
	[MK_RESUME] = { "resume_link", "survey link", 0 },
};

struct mail_tmpl {
	struct tmpl	*subject;
	struct tmpl	*body;
};

static struct mail_tmpl	 tmpls[MK_MAX][LANG_MAX];

static int
read_file(const char *path, struct buf *b, struct buf *err)
{
	FILE	*f;
	char	 chunk[4096];
	size_t	 n;

	if ((f = fopen(path, "r")) == NULL) {
		buf_printf(err, "%s: %s", path, strerror(errno));
		return (0);
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 &&
	    b->len <= MAIL_TMPL_MAX)
		buf_append(b, chunk, n);
	fclose(f);
	if (b->len > MAIL_TMPL_MAX) {
		buf_printf(err, "%s: larger than %d bytes", path,
		    MAIL_TMPL_MAX);
		return (0);
	}
	return (1);
}

/* "Subject: ...\n\nbody": both compiled against the kind's keys. */
static int
load_one(const char *dir, enum mail_kind k, enum lang l, struct buf *err)
{
	struct buf	 b;
	char		 path[512];
	const char	*s, *nl;
	struct mail_tmpl *t = &tmpls[k][l];
	int		 ok = 0;

	snprintf(path, sizeof(path), "%s/%s.%s.txt", dir, kinds[k].name,
	    lang_code(l));
	buf_init(&b);
	if (!read_file(path, &b, err))
		goto out;
	s = buf_cstr(&b);
	if (strncmp(s, "Subject: ", 9) != 0 || (nl = strchr(s, '\n')) ==
	    NULL || nl[1] != '\n' || nl == s + 9) {
		buf_printf(err, "%s: must start with a line \"Subject: ...\" "
		    "and an empty line before the text", path);
		goto out;
	}
	if (kinds[k].respondent && strstr(nl, "{{optout_url}}") == NULL) {
		buf_printf(err, "%s: mail to a respondent must show "
		    "{{optout_url}} in its text", path);
		goto out;
	}
	if ((t->subject = tmpl_compile(path, s + 9, (size_t)(nl - s - 9),
	    kinds[k].keys, dir, err)) == NULL)
		goto out;
	if ((t->body = tmpl_compile(path, nl + 2, strlen(nl + 2),
	    kinds[k].keys, dir, err)) == NULL)
		goto out;
	ok = 1;
out:
	buf_free(&b);
	return (ok);
}

/* Every kind in every language from dir; 0 with the first problem. */
int
mail_tmpl_load(const char *dir, struct buf *err)
{
	int	 k, l;

	mail_tmpl_free();
	for (k = 0; k < MK_MAX; k++)
		for (l = 0; l < LANG_MAX; l++)
			if (!load_one(dir, k, l, err)) {
				mail_tmpl_free();
				return (0);
			}
	return (1);
}

void
mail_tmpl_free(void)
{
	int	 k, l;

	for (k = 0; k < MK_MAX; k++)
		for (l = 0; l < LANG_MAX; l++) {
			tmpl_free(tmpls[k][l].subject);
			tmpl_free(tmpls[k][l].body);
			tmpls[k][l].subject = tmpls[k][l].body = NULL;
		}
}

/*
 * Subject (one line: any line break a value brought becomes a blank)
 * and body; 0 when the templates were not loaded.
 */
int
mail_tmpl_render(enum mail_kind k, enum lang l, const struct tvars *tv,
    struct buf *subject, struct buf *body)
{
	const struct mail_tmpl	*t;
	size_t			 i, from = subject->len;

	if ((int)k < 0 || k >= MK_MAX || (int)l < 0 || l >= LANG_MAX)
		return (0);
	t = &tmpls[k][l];
	if (t->subject == NULL || t->body == NULL)
		return (0);
	tmpl_render_text(t->subject, tv, subject);
	for (i = from; i < subject->len; i++)
		if (subject->data[i] == '\r' || subject->data[i] == '\n')
			subject->data[i] = ' ';
	tmpl_render_text(t->body, tv, body);
	return (1);
}

const char *
mail_kind_name(enum mail_kind k)
{
	return ((int)k >= 0 && k < MK_MAX ? kinds[k].name : "");
}

const char *
mail_kind_keys(enum mail_kind k)
{
	return ((int)k >= 0 && k < MK_MAX ? kinds[k].keys : "");
}

int
mail_kind_respondent(enum mail_kind k)
{
	return ((int)k >= 0 && k < MK_MAX && kinds[k].respondent);
}

/* The kind of an outbox kind name, or -1. */
int
mail_kind_parse(const char *s)
{
	int	 k;

	for (k = 0; s != NULL && k < MK_MAX; k++)
		if (strcmp(s, kinds[k].name) == 0)
			return (k);
	return (-1);
}

/* "YYYY-MM-DD" as a reader writes it: 30. november 2026. */
void
mail_day(struct buf *b, enum lang l, const char *iso)
{
	static const char *const no[12] = { "januar", "februar", "mars",
	    "april", "mai", "juni", "juli", "august", "september", "oktober",
	    "november", "desember" };
	static const char *const en[12] = { "January", "February", "March",
	    "April", "May", "June", "July", "August", "September", "October",
	    "November", "December" };
	int	 y, m, d;

	if (iso == NULL || sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) != 3 ||
	    m < 1 || m > 12) {
		buf_puts(b, iso != NULL ? iso : "");
		return;
	}
	if (l == LANG_EN)
		buf_printf(b, "%d %s %d", d, en[m - 1], y);
	else
		buf_printf(b, "%d. %s %d", d, no[m - 1], y);
}
