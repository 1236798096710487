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
#include "letter.h"


int
cli_letters(int argc, char **argv)
{
	struct letters		 b;
	struct buf		 err;
	struct db		*db;
	const char		*font, *base;
	char			 e[128];
	int			 posted, ok = 0;

	posted = argc == 3 && strcmp(argv[2], "--posted") == 0;
	if (argc != 2 && !posted) {
		fprintf(stderr, "usage: svarctl letters <version> <file.pdf> "
		    "[--posted]\n");
		return (2);
	}
	if ((base = getenv("SVAR_BASE_URL")) == NULL || *base == '\0') {
		fprintf(stderr, "svarctl letters: SVAR_BASE_URL must be set "
		    "(the links are printed)\n");
		return (2);
	}
	if ((font = getenv("SVAR_LETTER_FONT")) == NULL)
		font = LETTER_FONT;
	buf_init(&err);
	if (!i18n_load("templates/strings", &err)) {
		fprintf(stderr, "svarctl letters: %s\n", buf_cstr(&err));
		buf_free(&err);
		return (1);
	}
	buf_free(&err);
	if ((db = cli_db()) == NULL)
		return (1);
	letters_init(&b, base);
	if (db_letters(db, argv[0], 0, letters_row, &b) == DB_ERR) {
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
	ok = letters_pdf(&b, font, argv[1], NULL, e, sizeof(e));
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
	letters_free(&b);
	db_close(db);
	i18n_free();
	return (ok ? 0 : 1);
}
