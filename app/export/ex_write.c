/*
 * What every writer shares: the writer of a format, whole writes to a
 * descriptor, a cell as a number with its missing code, and a date and
 * time as a number.
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

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static long
days_from_civil(long y, int m, int d)
{
	long	 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468);
}

/*
 * A date-time cell, "YYYY-MM-DD HH:MM:SS" (the wall clock in Oslo, as
 * the database layer writes it), into its parts and the seconds from
 * 1970-01-01 00:00:00 on the same clock: SPSS and Stata date-times
 * have no time zone, so the file shows the time the text shows. 0 when
 * s is not one.
 */
int
ex_time(const char *s, struct ex_dt *dt, double *secs)
{
	int	 n = 0;

	if (s == NULL || sscanf(s, "%4d-%2d-%2d %2d:%2d:%2d%n", &dt->year,
	    &dt->month, &dt->day, &dt->hour, &dt->min, &dt->sec, &n) != 6 ||
	    s[n] != '\0' || dt->month < 1 || dt->month > 12 || dt->day < 1 ||
	    dt->day > 31 || dt->hour > 23 || dt->min > 59 || dt->sec > 60 ||
	    dt->hour < 0 || dt->min < 0 || dt->sec < 0)
		return (0);
	*secs = (double)days_from_civil(dt->year, dt->month, dt->day) *
	    86400.0 + dt->hour * 3600.0 + dt->min * 60.0 + dt->sec;
	return (1);
}
