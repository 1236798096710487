#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sample.h"

/* Size bands by population, as the reports group kommuner. */
const char *
sample_size_band(long pop)
{
	if (pop < 0)
		return ("ukjent");
	if (pop < 5000)
		return ("under 5000");
	if (pop < 20000)
		return ("5000-19999");
	if (pop < 50000)
		return ("20000-49999");
	return ("50000+");
}

static int
stratum_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct sample_stratum *)a)->key,
	    ((const struct sample_stratum *)b)->key));
}

static struct sample_stratum *
stratum_find(struct sample_plan *p, const char *key)
{
	size_t	 i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i].key, key) == 0)
			return (&p->v[i]);
	return (NULL);
}

/*
 * Plans a sample of `want` of n units whose strata are keys[i]. 0 when
 * want is 0 or more than there are units.
 */
int
sample_plan(const char *const *keys, size_t n, size_t want,
    struct sample_plan *p)
{
	struct sample_stratum	*st;
	double			*rem;
	size_t			 i, k, given = 0, best;

	memset(p, 0, sizeof(*p));
	if (want == 0 || want > n)
		return (0);
	for (i = 0; i < n; i++) {
		if ((st = stratum_find(p, keys[i])) == NULL) {
			p->v = xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
			st = &p->v[p->n++];
			st->key = xstrdup(keys[i]);
			st->size = 0;
			st->take = 0;
		}
		st->size++;
	}
	qsort(p->v, p->n, sizeof(*p->v), stratum_cmp);
	rem = xcalloc(p->n, sizeof(*rem));
	for (k = 0; k < p->n; k++) {
		double	 exact = (double)want * (double)p->v[k].size / (double)n;

		p->v[k].take = (size_t)exact;
		rem[k] = exact - (double)p->v[k].take;
		given += p->v[k].take;
	}
	while (given < want) {
		best = p->n;
		for (k = 0; k < p->n; k++)
			if (p->v[k].take < p->v[k].size &&
			    (best == p->n || rem[k] > rem[best]))
				best = k;
		p->v[best].take++;
		rem[best] = -1.0;
		given++;
	}
	free(rem);
	p->total = want;
	return (1);
}

/* splitmix64: small, fast, and the same on every machine. */
uint64_t
rng_next(uint64_t *s)
{
	uint64_t	 z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31));
}

/* A uniform integer below n, without modulo bias. */
size_t
rng_below(uint64_t *s, size_t n)
{
	uint64_t	 lim = UINT64_MAX - UINT64_MAX % n, r;

	do
		r = rng_next(s);
	while (r >= lim);
	return ((size_t)(r % n));
}

struct unit_ref {
	const char	*code;
	size_t		 i;
};

static int
ref_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct unit_ref *)a)->code,
	    ((const struct unit_ref *)b)->code));
}

/*
 * Draws the plan: chosen[i] is set to 1 for the units drawn. Within a
 * stratum the units are taken in code order and shuffled (Fisher-Yates)
 * from the seed, so the input's order does not matter.
 */
void
sample_draw(const struct sample_plan *p, const char *const *keys,
    const char *const *codes, size_t n, uint64_t seed, int *chosen)
{
	struct unit_ref	*refs, t;
	uint64_t	 s = seed;
	size_t		 k, i, m, j;

	memset(chosen, 0, n * sizeof(*chosen));
	refs = xcalloc(n ? n : 1, sizeof(*refs));
	for (k = 0; k < p->n; k++) {
		m = 0;
		for (i = 0; i < n; i++)
			if (strcmp(keys[i], p->v[k].key) == 0) {
				refs[m].code = codes[i];
				refs[m].i = i;
				m++;
			}
		qsort(refs, m, sizeof(*refs), ref_cmp);
		for (i = 0; i < p->v[k].take && i < m; i++) {
			j = i + rng_below(&s, m - i);
			t = refs[i];
			refs[i] = refs[j];
			refs[j] = t;
			chosen[refs[i].i] = 1;
		}
	}
	free(refs);
}

void
sample_plan_free(struct sample_plan *p)
{
	size_t	 i;

	for (i = 0; i < p->n; i++)
		free(p->v[i].key);
	free(p->v);
	memset(p, 0, sizeof(*p));
}
