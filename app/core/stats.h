/*
 * The statistics of the results pages (SPEC §7, issue 13 §2): shares
 * with 95 % margins of error, means, NPS with its interval, and the
 * two-proportion z-test between waves. Pure arithmetic on counts, no
 * SQL and no Kore, so it is unit-tested against hand-computed values.
 *
 * Margins of error are Wald's: moe = z * sqrt(p (1 - p) / n), times
 * the finite-population correction sqrt((N - n) / (N - 1)) when the
 * frame size N is known. It is the symmetric "± x points" the report
 * prints, so figures can be read next to it; Wilson's interval is
 * better for small n and shares near 0 or 1, which is where cells
 * under 5 are suppressed anyway (README, Results).
 */
#ifndef SVAR_STATS_H
#define SVAR_STATS_H

#include <stddef.h>

#define STATS_Z95	1.959963984540054	/* two-sided 95 % */
#define STATS_SMALL	5			/* cells under 5 are hidden */

struct stats_prop {
	double	 p;		/* share, 0..1 */
	double	 moe;		/* 95 % margin of error, same scale */
	double	 lo, hi;	/* p -+ moe, clipped to 0..1 */
};

struct stats_mean {
	long	 n;
	double	 mean;
	double	 sd;		/* sample standard deviation (n - 1) */
	double	 moe;		/* 95 % margin of error of the mean */
};

struct stats_nps {
	long	 n;		/* answers 0..10 ("Vet ikke" left out) */
	long	 promoters;	/* 9-10 */
	long	 passives;	/* 7-8 */
	long	 detractors;	/* 0-6 */
	double	 nps;		/* 100 (P - D), -100..100 */
	double	 moe;		/* 95 % margin, points */
};

struct stats_z {
	double	 diff;		/* p1 - p2 */
	double	 z;
	double	 pvalue;	/* two-sided */
	int	 significant;	/* at the 95 % level */
};

double	 stats_fpc(long, long);
int	 stats_prop(long, long, long, struct stats_prop *);
int	 stats_mean(const long *, int, long, struct stats_mean *);
int	 stats_nps(const long *, long, struct stats_nps *);
int	 stats_ztest(long, long, long, long, struct stats_z *);
int	 stats_shown(long);
void	 stats_running_shown(const long *, size_t, long *);

#endif
