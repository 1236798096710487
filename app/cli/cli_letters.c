/*
 * svarctl letters <version> <file.pdf> [--posted]: one page per
 * personal invitation of the version still to be posted, with its link,
 * code and QR code. --posted records letter_sent_at for exactly the
 * invitations in this file, once it is written: run it for the batch
 * that goes to the printer, so a later batch holds only new ones.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "db.h"
#include "i18n.h"
#include "keys.h"
#include "letter.h"

#define FONT	"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

struct batch {
	struct letter	*v;
	char		**ids;
	size_t		 n;
	const char	*base;
};

static void
letter_row(int n, const char *const *v, void *arg)
{
	struct batch	*b = arg;
	struct letter	*l;
	struct buf	 s;

	if (n < 5)
		return;
	b->v = xrealloc(b->v, (b->n + 1) * sizeof(*b->v));
	b->ids = xrealloc(b->ids, (b->n + 1) * sizeof(*b->ids));
	b->ids[b->n] = xstrdup(v[0]);
	l = &b->v[b->n++];
	/* The code as the code page takes it best: two groups of five. */
	buf_init(&s);
	buf_printf(&s, "%.5s-%s", v[1], strlen(v[1]) > 5 ? v[1] + 5 : "");
	l->code = buf_steal(&s);
	buf_init(&s);
	buf_printf(&s, "%s/r/%s", b->base, v[2]);
	l->url = buf_steal(&s);
	l->name = xstrdup(v[3]);
	l->address = xstrdup(v[4]);
}

static void
batch_free(struct batch *b)
{
	size_t	 i;

	for (i = 0; i < b->n; i++) {
		free((char *)b->v[i].code);
		free((char *)b->v[i].url);
		free((char *)b->v[i].name);
		free((char *)b->v[i].address);
		free(b->ids[i]);
	}
	free(b->v);
	free(b->ids);
}

int
cli_letters(int argc, char **argv)
{
	struct letter_text	 t;
	struct batch		 b;
	struct buf		 err, s[5];
	struct db		*db;
	const char		*font;
	char			 e[128];
	size_t			 i;
	int			 posted, ok = 0, n;

	posted = argc == 3 && strcmp(argv[2], "--posted") == 0;
	if (argc != 2 && !posted) {
		fprintf(stderr, "usage: svarctl letters <version> <file.pdf> "
		    "[--posted]\n");
		return (2);
	}
	memset(&b, 0, sizeof(b));
	if ((b.base = getenv("SVAR_BASE_URL")) == NULL || *b.base == '\0') {
		fprintf(stderr, "svarctl letters: SVAR_BASE_URL must be set "
		    "(the links are printed)\n");
		return (2);
	}
	if ((font = getenv("SVAR_LETTER_FONT")) == NULL)
		font = FONT;
	buf_init(&err);
	if (!i18n_load("templates/strings", &err)) {
		fprintf(stderr, "svarctl letters: %s\n", buf_cstr(&err));
		buf_free(&err);
		return (1);
	}
	buf_free(&err);
	if ((db = cli_db()) == NULL)
		return (1);
	if ((n = db_letters(db, argv[0], letter_row, &b)) == DB_ERR) {
		fprintf(stderr, "svarctl letters: %s\n", db_error(db));
		goto done;
	}
	if (b.n == 0) {
		/* A PDF without pages is no PDF: no file at all. */
		printf("0 letters: every invitation of %s is posted, "
		    "completed or opted out\n", argv[0]);
		ok = 1;
		goto done;
	}
	for (i = 0; i < 5; i++)
		buf_init(&s[i]);
	i18n_plain(&s[0], LANG_NB, "letter.title", NULL, NULL);
	i18n_plain(&s[1], LANG_NB, "letter.body", NULL, NULL);
	i18n_plain(&s[2], LANG_NB, "letter.url_intro", NULL, NULL);
	buf_printf(&s[4], "%s/kode", b.base);
	i18n_plain(&s[3], LANG_NB, "letter.code_intro", buf_cstr(&s[4]), NULL);
	buf_reset(&s[4]);
	i18n_plain(&s[4], LANG_NB, "letter.sender", NULL, NULL);
	t.title = buf_cstr(&s[0]);
	t.body = buf_cstr(&s[1]);
	t.url_intro = buf_cstr(&s[2]);
	t.code_intro = buf_cstr(&s[3]);
	t.sender = buf_cstr(&s[4]);
	ok = letters_pdf(argv[1], font, &t, b.v, b.n, e, sizeof(e));
	for (i = 0; i < 5; i++)
		buf_free(&s[i]);
	if (!ok) {
		fprintf(stderr, "svarctl letters: %s: %s\n", argv[1], e);
		goto done;
	}
	if (posted && b.n > 0 && db_letters_posted(db, (const char *const *)
	    b.ids, b.n) == DB_ERR) {
		fprintf(stderr, "svarctl letters: %s\n", db_error(db));
		ok = 0;
		goto done;
	}
	printf("%zu letters in %s%s\n", b.n, argv[1], posted ?
	    ", marked posted" : "");
done:
	batch_free(&b);
	db_close(db);
	i18n_free();
	return (ok ? 0 : 1);
}
