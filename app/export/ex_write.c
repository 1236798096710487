/*
 * What every writer shares: the writer of a format, whole writes to a
 * descriptor, and a cell as a number with its missing code.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export.h"

const struct ex_ops *
ex_ops(int format)
{
	switch (format) {
	case EX_CSV:
	case EX_CSV_EXCEL:
		return (&ex_csv_ops);
	case EX_XLSX:
		return (&ex_xlsx_ops);
	case EX_SAV:
	case EX_DTA:
		return (&ex_stat_ops);
	case EX_BOOK_HTML:
	case EX_BOOK_JSON:
		return (&ex_book_ops);
	default:
		return (NULL);
	}
}

int
ex_write_all(struct ex_out *o, const void *p, size_t len)
{
	const char	*c = p;
	ssize_t		 n;

	while (len > 0) {
		if ((n = write(o->fd, c, len)) == -1) {
			if (errno == EINTR)
				continue;
			snprintf(o->err, sizeof(o->err), "write: %s",
			    strerror(errno));
			return (0);
		}
		c += n;
		len -= (size_t)n;
	}
	return (1);
}

/*
 * A numeric cell: its value (*miss 0), the missing code of its state
 * (*miss 1), or no value at all (*miss 2: an uncoded text's code,
 * paradata without a value; system-missing). A stored value that is no
 * number (none should be) counts as skipped rather than as a wrong one.
 */
double
ex_num(const struct ex_cell *c, int *miss)
{
	char	*end;
	double	 d;

	*miss = 1;
	switch (c->st) {
	case EX_S_SKIPPED:
		return (EX_MISS_SKIPPED);
	case EX_S_NOTASKED:
		return (EX_MISS_NOTASKED);
	case EX_S_NOTREACHED:
		return (EX_MISS_NOTREACHED);
	case EX_S_NULL:
		*miss = 2;
		return (0);
	case EX_S_VALUE:
		break;
	}
	if (c->s == NULL || *c->s == '\0')
		return (EX_MISS_SKIPPED);
	d = strtod(c->s, &end);
	if (*end != '\0')
		return (EX_MISS_SKIPPED);
	*miss = 0;
	return (d);
}
