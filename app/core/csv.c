#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "csv.h"
#include "form.h"

/* ';' when the header line has more of them than of ','. */
static char
csv_separator(const char *p, const char *end)
{
	size_t	 comma = 0, semi = 0;

	for (; p < end && *p != '\n'; p++) {
		if (*p == ',')
			comma++;
		else if (*p == ';')
			semi++;
	}
	return (semi > comma ? ';' : ',');
}

/*
 * Calls cb for each record. 1 when the whole text was read; 0 with a
 * message in err ("line 7: ...") when it is not CSV, or when cb said
 * stop (cb returns 0 and writes its own message).
 */
int
csv_parse(const char *src, size_t len, csv_cb cb, void *arg, char *err,
    size_t errlen)
{
	struct csv_record	 rec;
	struct buf		 fields[CSV_MAX_FIELDS];
	const char		*p = src, *end = src + len;
	size_t			 line = 1, i;
	int			 quoted, ok = 0, at_start;
	char			 sep;

	err[0] = '\0';
	if (!utf8_valid(src, len)) {
		snprintf(err, errlen, "the file is not UTF-8 text: save it as "
		    "CSV UTF-8 and try again");
		return (0);
	}
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	sep = csv_separator(p, end);
	for (i = 0; i < CSV_MAX_FIELDS; i++)
		buf_init(&fields[i]);
	while (p < end) {
		memset(&rec, 0, sizeof(rec));
		rec.line = line;
		for (i = 0; i < CSV_MAX_FIELDS; i++)
			buf_reset(&fields[i]);
		at_start = 1;
		quoted = 0;
		/* One record: fields until an unquoted end of line. */
		for (;;) {
			if (at_start && p < end && *p == '"') {
				quoted = 1;
				p++;
			}
			at_start = 0;
			if (p >= end) {
				if (quoted) {
					snprintf(err, errlen, "line %zu: a quoted "
					    "field is not closed", rec.line);
					goto out;
				}
				break;
			}
			if (quoted) {
				if (*p == '"' && p + 1 < end && p[1] == '"') {
					buf_putc(&fields[rec.n], '"');
					p += 2;
				} else if (*p == '"') {
					quoted = 0;
					p++;
					if (p < end && *p != sep && *p != '\n' &&
					    *p != '\r') {
						snprintf(err, errlen, "line %zu: text "
						    "after a closing quote", line);
						goto out;
					}
				} else {
					if (*p == '\n')
						line++;
					buf_putc(&fields[rec.n], *p++);
				}
			} else if (*p == sep) {
				p++;
				if (++rec.n == CSV_MAX_FIELDS) {
					snprintf(err, errlen, "line %zu: more than "
					    "%d fields", line, CSV_MAX_FIELDS);
					goto out;
				}
				at_start = 1;
				continue;
			} else if (*p == '\r' && p + 1 < end && p[1] == '\n') {
				p += 2;
				break;
			} else if (*p == '\n' || *p == '\r') {
				p++;
				break;
			} else if (*p == '"') {
				snprintf(err, errlen, "line %zu: a quote inside an "
				    "unquoted field: quote the whole field", line);
				goto out;
			} else
				buf_putc(&fields[rec.n], *p++);
			if (fields[rec.n].len > CSV_MAX_FIELD) {
				snprintf(err, errlen, "line %zu: a field longer than "
				    "%d characters", rec.line, CSV_MAX_FIELD);
				goto out;
			}
		}
		rec.n++;
		line++;
		for (i = 0; i < rec.n; i++)
			rec.f[i] = buf_cstr(&fields[i]);
		/* A blank line is no record. */
		if (rec.n == 1 && rec.f[0][0] == '\0')
			continue;
		if (!cb(&rec, arg))
			goto out;
	}
	ok = 1;
out:
	for (i = 0; i < CSV_MAX_FIELDS; i++)
		buf_free(&fields[i]);
	return (ok);
}

/* Would a spreadsheet run this as a formula? A negative number is no. */
static int
csv_formula(const char *v)
{
	if (v[0] == '\0' || strchr("=+-@\t\r", v[0]) == NULL)
		return (0);
	if (v[0] == '-' && v[1] != '\0' &&
	    strspn(v + 1, "0123456789.") == strlen(v + 1))
		return (0);
	return (1);
}

/*
 * Appends one field, quoted when it must be (RFC 4180), with an
 * apostrophe before a would-be formula: analysts open these in Excel.
 */
void
csv_field(struct buf *b, const char *v, int last)
{
	csv_field_sep(b, v, last, ',');
}

/* The same with sep between fields (';' for Excel in Norway). */
void
csv_field_sep(struct buf *b, const char *v, int last, char sep)
{
	const char	*p;
	int		 guard;

	if (v == NULL)
		v = "";
	guard = csv_formula(v);
	if (strpbrk(v, ",;\"\r\n") == NULL) {
		if (guard)
			buf_putc(b, '\'');
		buf_puts(b, v);
	} else {
		buf_putc(b, '"');
		if (guard)
			buf_putc(b, '\'');
		for (p = v; *p != '\0'; p++) {
			if (*p == '"')
				buf_putc(b, '"');
			buf_putc(b, *p);
		}
		buf_putc(b, '"');
	}
	if (last)
		buf_puts(b, "\r\n");
	else
		buf_putc(b, sep);
}
