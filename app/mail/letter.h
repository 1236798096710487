/*
 * Printed invitation letters: one PDF page per invitee (libhpdf), with
 * an address block, the text, the personal URL, the typeable code and
 * a QR code of the URL drawn as filled squares. No Kore, no SQL.
 */
#ifndef SVAR_LETTER_H
#define SVAR_LETTER_H

#include <stddef.h>

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

int	 letters_pdf(const char *, const char *, const struct letter_text *,
	    const struct letter *, size_t, char *, size_t);

#endif
