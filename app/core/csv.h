/*
 * CSV as RFC 4180 has it (quoted fields, "" inside quotes, CRLF or LF),
 * also with ';' as the separator (what Excel writes in a Norwegian
 * locale) and a UTF-8 byte-order mark, both detected. Each record goes
 * to a callback with its line number, so messages can name the line.
 */
#ifndef SVAR_CSV_H
#define SVAR_CSV_H

#include <stddef.h>

#define CSV_MAX_FIELDS	64
#define CSV_MAX_FIELD	4096

struct csv_record {
	size_t		 line;		/* where the record starts, from 1 */
	size_t		 n;
	const char	*f[CSV_MAX_FIELDS];
};

typedef int	(*csv_cb)(const struct csv_record *, void *);

int	csv_parse(const char *, size_t, csv_cb, void *, char *, size_t);

struct buf;
void	csv_field(struct buf *, const char *, int);
void	csv_field_sep(struct buf *, const char *, int, char);

#endif
