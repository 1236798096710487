/*
 * Drawing a sample of units (kommuner), seeded so the same seed, units
 * and parameters give the same sample again, optionally stratified.
 * Allocation is proportional to the stratum's size, rounded by largest
 * remainder (ties to the stratum that sorts first), so the sizes add
 * up to what was asked; it is shown before anything is drawn.
 */
#ifndef SVAR_SAMPLE_H
#define SVAR_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

struct sample_stratum {
	char	*key;		/* "Rogaland", "Rogaland / 5000-19999", "" */
	size_t	 size;		/* units in it */
	size_t	 take;		/* units to draw */
};

struct sample_plan {
	struct sample_stratum	*v;
	size_t			 n;
	size_t			 total;
};

int	 sample_plan(const char *const *, size_t, size_t, struct sample_plan *);
void	 sample_draw(const struct sample_plan *, const char *const *,
	    const char *const *, size_t, uint64_t, int *);
void	 sample_plan_free(struct sample_plan *);
const char *sample_size_band(long);

/* splitmix64, for everything seeded (the sample, svarctl synth). */
uint64_t rng_next(uint64_t *);
size_t	 rng_below(uint64_t *, size_t);

#endif
