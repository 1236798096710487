#include <math.h>

#include "stats.h"

/*
 * sqrt((N - n) / (N - 1)) for a sample of n from a frame of N; 1 when
 * the frame size is unknown (0) or smaller than the sample (a frame
 * count that cannot be right must not shrink a margin).
 */
double
stats_fpc(long n, long frame)
{
	if (frame <= 1 || n <= 0 || frame < n)
		return (1.0);
	return (sqrt((double)(frame - n) / (double)(frame - 1)));
}

/* k of n, with Wald's 95 % margin. 0 when there is no base. */
int
stats_prop(long k, long n, long frame, struct stats_prop *out)
{
	double	 p;

	out->p = out->moe = out->lo = out->hi = 0;
	if (n <= 0 || k < 0 || k > n)
		return (0);
	p = (double)k / (double)n;
	out->p = p;
	out->moe = STATS_Z95 * sqrt(p * (1 - p) / (double)n) *
	    stats_fpc(n, frame);
	out->lo = p - out->moe < 0 ? 0 : p - out->moe;
	out->hi = p + out->moe > 1 ? 1 : p + out->moe;
	return (1);
}

/*
 * Mean of the values 0..nv-1 from their counts (a 0-10 item: nv = 11),
 * with the sample standard deviation and the 95 % margin z s / sqrt(n).
 */
int
stats_mean(const long *counts, int nv, long frame, struct stats_mean *out)
{
	double	 sum = 0, ss = 0, d;
	long	 n = 0;
	int	 v;

	out->n = 0;
	out->mean = out->sd = out->moe = 0;
	for (v = 0; v < nv; v++) {
		if (counts[v] < 0)
			return (0);
		n += counts[v];
		sum += (double)v * (double)counts[v];
	}
	if (n == 0)
		return (0);
	out->n = n;
	out->mean = sum / (double)n;
	for (v = 0; v < nv; v++) {
		d = (double)v - out->mean;
		ss += d * d * (double)counts[v];
	}
	if (n > 1) {
		out->sd = sqrt(ss / (double)(n - 1));
		out->moe = STATS_Z95 * out->sd / sqrt((double)n) *
		    stats_fpc(n, frame);
	}
	return (1);
}

/*
 * Net Promoter Score from the counts of 0..10: promoters 9-10 minus
 * detractors 0-6, in points. Both shares come from one sample, so
 * Var(P - D) = (P (1 - P) + D (1 - D) + 2 P D) / n
 *            = (P + D - (P - D)^2) / n,
 * the covariance of two multinomial shares being -P D / n.
 */
int
stats_nps(const long *counts, long frame, struct stats_nps *out)
{
	double	 p, d, var;
	int	 v;

	out->n = out->promoters = out->passives = out->detractors = 0;
	out->nps = out->moe = 0;
	for (v = 0; v <= 10; v++) {
		if (counts[v] < 0)
			return (0);
		if (v >= 9)
			out->promoters += counts[v];
		else if (v >= 7)
			out->passives += counts[v];
		else
			out->detractors += counts[v];
	}
	out->n = out->promoters + out->passives + out->detractors;
	if (out->n == 0)
		return (0);
	p = (double)out->promoters / (double)out->n;
	d = (double)out->detractors / (double)out->n;
	var = (p + d - (p - d) * (p - d)) / (double)out->n;
	out->nps = 100 * (p - d);
	out->moe = 100 * STATS_Z95 * sqrt(var) * stats_fpc(out->n, frame);
	return (1);
}

/*
 * Two-proportion z-test of k1/n1 against k2/n2 (two independent
 * samples: two waves), pooled under the null hypothesis:
 * z = (p1 - p2) / sqrt(p (1 - p) (1/n1 + 1/n2)), p = (k1 + k2) / (n1 + n2);
 * two-sided p-value erfc(|z| / sqrt 2). Significant when p < 0.05.
 */
int
stats_ztest(long k1, long n1, long k2, long n2, struct stats_z *out)
{
	double	 p1, p2, p, se;

	out->diff = out->z = 0;
	out->pvalue = 1;
	out->significant = 0;
	if (n1 <= 0 || n2 <= 0 || k1 < 0 || k2 < 0 || k1 > n1 || k2 > n2)
		return (0);
	p1 = (double)k1 / (double)n1;
	p2 = (double)k2 / (double)n2;
	p = (double)(k1 + k2) / (double)(n1 + n2);
	out->diff = p1 - p2;
	se = sqrt(p * (1 - p) * (1.0 / (double)n1 + 1.0 / (double)n2));
	if (se == 0)
		return (1);
	out->z = out->diff / se;
	out->pvalue = erfc(fabs(out->z) / sqrt(2.0));
	out->significant = out->pvalue < 0.05;
	return (1);
}

/* A count is shown when it is 0 or at least STATS_SMALL. */
int
stats_shown(long k)
{
	return (k == 0 || k >= STATS_SMALL);
}

/*
 * A running total of daily counts that gives away no hidden count (one
 * of 1 to STATS_SMALL - 1) by the difference of two days' totals, for
 * viewers who see such counts as "<5" (the funnel over time): it adds
 * up the counts that are shown and leaves the hidden ones out, so two
 * totals differ by a shown count or not at all. Letting hidden counts
 * in later, pooled until they are big enough, was tried on paper and
 * leaks: whether a pool has been let in yet tells something about its
 * sum, and with the sum when it is let in that can pin a day's count.
 * x[i] is day i's count, out[i] the total shown on day i.
 */
void
stats_running_shown(const long *x, size_t n, long *out)
{
	long	 total = 0;
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (stats_shown(x[i]))
			total += x[i];
		out[i] = total;
	}
}
