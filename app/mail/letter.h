/*
 * Printed invitation letters: one PDF page per invitee (libhpdf), with
 * an address block, the text, the personal URL, the typeable code and
 * a QR code of the URL drawn as filled squares. No Kore, no SQL.
 */
#ifndef SVAR_LETTER_H
#define SVAR_LETTER_H

#include <stddef.h>

#include "buf.h"

/* Debian fonts-dejavu-core; SVAR_LETTER_FONT names another. */
#define LETTER_FONT	"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

struct letter {
	const char	*name;		/* the office */
	const char	*address;	/* lines separated by ", " or "\n" */
	const char	*url;		/* the personal link */
	const char	*code;		/* ABCDE-FGHJK */
};

/* The texts every page shares; lines separated by "\n". */
struct letter_text {
	const char	*title;
	const char	*body;
	const char	*url_intro;
	const char	*code_intro;	/* "… type the code:" */
	const char	*sender;
};

/* A batch read from the database: rows of id, code, key, name, address. */
struct letters {
	struct letter	*v;
	char		**ids;
	size_t		 n;
	const char	*base;		/* SVAR_BASE_URL */
	struct buf	 text[5];
};

void	 letters_init(struct letters *, const char *);
void	 letters_row(int, const char *const *, void *);
void	 letters_free(struct letters *);
int	 letters_pdf(const struct letters *, const char *, const char *,
	    struct buf *, char *, size_t);

#endif
