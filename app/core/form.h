/*
 * application/x-www-form-urlencoded bodies and query strings. The parser
 * is strict about limits so that a hostile body costs little.
 */
#ifndef SVAR_FORM_H
#define SVAR_FORM_H

#include <stddef.h>

#define FORM_MAX_FIELDS		512

struct form_field {
	char	*name;
	char	*value;
};

struct form {
	struct form_field	*v;
	size_t			 n;
};

enum form_err {
	FORM_OK = 0,
	FORM_TOO_MANY,		/* more than FORM_MAX_FIELDS fields */
	FORM_BAD_ENCODING,	/* a broken %xx escape */
	FORM_BAD_UTF8		/* a name or value that is not UTF-8 */
};

enum form_err	 form_parse(struct form *, const char *, size_t);
void		 form_free(struct form *);
const char	*form_get(const struct form *, const char *);
size_t		 form_count(const struct form *, const char *);
const char	*form_get_nth(const struct form *, const char *, size_t);

int		 utf8_valid(const char *, size_t);
size_t		 utf8_chars(const char *);

#endif
