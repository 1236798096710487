/*
 * The synthetic wave's plan: units and their stages, invitations, and
 * who opened, how far they got and when. See synth.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sample.h"
#include "synth.h"
#include "synth_int.h"

#define DAY	86400L
#define HOUR	3600L

static const char *const stage_names[SYN__STAGES] = {
	"frame", "invited", "accepted", "declined", "distributed",
	"responding"
};

static const char *const version_keys[SYNTH_NVERSIONS] = {
	"hf", "kommune", "fastlege"
};

const char *
synth_stage_name(int st)
{
	return (st >= 0 && st < SYN__STAGES ? stage_names[st] : "frame");
}

const char *
synth_version_key(int v)
{
	return (v >= 0 && v < SYNTH_NVERSIONS ? version_keys[v] : "");
}

/* A stream of its own for every purpose and index. */
uint64_t
synth_stream(uint64_t seed, uint64_t what, uint64_t i)
{
	uint64_t	 s = seed ^ (what * 0xd1342543de82ef95ULL) ^
			    ((i + 1) * 0x9e3779b97f4a7c15ULL);

	(void)rng_next(&s);
	return (s);
}

/* Uniform in [0, 1). */
double
synth_unif(uint64_t *s)
{
	return ((double)(rng_next(s) >> 11) / 9007199254740992.0);
}

static double
expo(uint64_t *s, double mean)
{
	return (-mean * log(1.0 - synth_unif(s)));
}

/* exp(sigma * N(0,1)), Box-Muller: a skewed factor around 1. */
double
synth_lognorm(uint64_t *s, double sigma)
{
	double	 u = 1.0 - synth_unif(s), v = synth_unif(s);

	return (exp(sigma * sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v)));
}

/*
 * A time of day people answer at: mostly working hours, some evenings;
 * a weekend day moves to the Monday most of the time.
 */
static time_t
workday(uint64_t *s, time_t t)
{
	struct tm	 tm;
	time_t		 day;

	gmtime_r(&t, &tm);
	day = t - (tm.tm_hour * HOUR + tm.tm_min * 60 + tm.tm_sec);
	if ((tm.tm_wday == 6 || tm.tm_wday == 0) && synth_unif(s) < 0.7)
		day += (tm.tm_wday == 6 ? 2 : 1) * DAY;
	if (synth_unif(s) < 0.8)
		return (day + 6 * HOUR + (time_t)(synth_unif(s) * 9 * HOUR));
	return (day + 15 * HOUR + (time_t)(synth_unif(s) * 6 * HOUR));
}

static time_t
clamp_field(const struct synth *sy, uint64_t *s, time_t t)
{
	if (t < sy->opens)
		t = sy->opens + (time_t)(synth_unif(s) * HOUR);
	if (t >= sy->closes - 2 * HOUR)
		t = sy->closes - 2 * HOUR - (time_t)(synth_unif(s) * 3 * DAY);
	return (t);
}

static void
unit_add(struct synth *sy, const char *kind, const char *code,
    const char *name, const char *parent, const char *fylke, int version)
{
	struct synth_unit	*u;

	sy->u = xrealloc(sy->u, (sy->nu + 1) * sizeof(*sy->u));
	u = &sy->u[sy->nu++];
	memset(u, 0, sizeof(*u));
	u->kind = kind;
	u->code = xstrdup(code);
	u->name = xstrdup(name);
	u->parent = parent ? xstrdup(parent) : NULL;
	u->fylke = fylke ? xstrdup(fylke) : NULL;
	u->version = version;
	u->forwarded = -1;
}

/* Shuffles the first `take` of n indices into a random pick. */
static size_t *
pick(uint64_t *s, size_t n, size_t take)
{
	size_t	*ix = xcalloc(n ? n : 1, sizeof(*ix)), i, j, t;

	for (i = 0; i < n; i++)
		ix[i] = i;
	for (i = 0; i < take && i < n; i++) {
		j = i + rng_below(s, n - i);
		t = ix[i];
		ix[i] = ix[j];
		ix[j] = t;
	}
	return (ix);
}

/*
 * Which units: HF drawn from the list (a fifth of the units at most),
 * a tenth fastlegekontor (synthetic offices), the rest kommuner drawn
 * from the list; offices fill up what the lists cannot.
 */
static void
units_pick(struct synth *sy, const struct frame *hf, const struct frame *kom)
{
	uint64_t		 s = synth_stream(sy->o.seed, 1, 0);
	const struct frame_unit	*fu;
	size_t			 i, want = (size_t)sy->o.units, nhf = 0, nall;
	size_t			 noff, nkom, *ix;
	char			 code[32], name[64];

	nall = hf != NULL ? hf->n : 0;
	ix = pick(&s, nall, nall);
	for (i = 0; i < nall && nhf < want / 5 + 1; i++) {
		fu = &hf->v[ix[i]];
		if (strcmp(fu->kind, "hf") != 0)
			continue;
		unit_add(sy, "hf", fu->code, fu->name, fu->parent, fu->fylke, 0);
		nhf++;
	}
	free(ix);
	noff = want / 10;
	nkom = want > nhf + noff ? want - nhf - noff : 0;
	nall = kom != NULL ? kom->n : 0;
	nkom = nkom > nall ? nall : nkom;
	ix = pick(&s, nall, nkom);
	for (i = 0; i < nkom; i++) {
		fu = &kom->v[ix[i]];
		unit_add(sy, "kommune", fu->code, fu->name, NULL, fu->fylke, 1);
	}
	free(ix);
	for (i = 0; sy->nu < want; i++) {
		snprintf(code, sizeof(code), "synt-%04zu", i + 1);
		snprintf(name, sizeof(name), "Syntetisk legekontor %zu", i + 1);
		unit_add(sy, "fastlegekontor", code, name, NULL, NULL, 2);
	}
}

/*
 * Stages as drawn: most HF take part, fewer kommuner and offices; the
 * first unit of each version always responds, so every version has
 * somewhere for its people to come from.
 */
static void
units_stage(struct synth *sy)
{
	static const int	 cut[3][SYN__STAGES] = {
		/* frame invited accepted declined distributed responding */
		{ 0, 60, 120, 170, 230, 1000 },		/* hf */
		{ 40, 190, 290, 370, 470, 1000 },	/* kommune */
		{ 60, 300, 420, 520, 700, 1000 },	/* fastlegekontor */
	};
	int			 first[SYNTH_NVERSIONS] = { 1, 1, 1 };
	struct synth_unit	*u;
	uint64_t		 s;
	size_t			 i;
	int			 k, x;

	for (i = 0; i < sy->nu; i++) {
		u = &sy->u[i];
		s = synth_stream(sy->o.seed, 2, i);
		x = (int)rng_below(&s, 1000);
		for (k = 0; k < SYN__STAGES - 1 && x >= cut[u->version][k]; k++)
			;
		if (first[u->version]) {
			k = SYN_RESPONDING;
			first[u->version] = 0;
		}
		u->planned = k;
		u->stage = k == SYN_RESPONDING ? SYN_DISTRIBUTED : k;
		u->weight = u->version == 0 ? 0.5 + 4.0 * synth_unif(&s) * synth_unif(&s) :
		    0.3 + synth_unif(&s);
		if (k == SYN_FRAME)
			continue;
		u->t_invited = sy->opens - 24 * DAY + (time_t)(synth_unif(&s) * 3 *
		    DAY);
		if (k == SYN_INVITED)
			continue;
		u->t_answered = u->t_invited + DAY + (time_t)(synth_unif(&s) * 12 *
		    DAY);
		if (k == SYN_ACCEPTED || k == SYN_DECLINED)
			continue;
		u->t_distributed = sy->opens + (time_t)(synth_unif(&s) * 4 * DAY);
		/* A third of the taking part are slow and get reminded. */
		if (synth_unif(&s) < 0.35)
			u->t_reminded = sy->reminder;
	}
}

static int
pick_unit(const struct synth *sy, int version, uint64_t *s)
{
	double	 tot = 0, x;
	size_t	 i;
	int	 last = -1;

	for (i = 0; i < sy->nu; i++)
		if (sy->u[i].version == version &&
		    sy->u[i].planned == SYN_RESPONDING)
			tot += sy->u[i].weight;
	x = synth_unif(s) * tot;
	for (i = 0; i < sy->nu; i++) {
		if (sy->u[i].version != version ||
		    sy->u[i].planned != SYN_RESPONDING)
			continue;
		last = (int)i;
		if ((x -= sy->u[i].weight) < 0)
			break;
	}
	return (last);
}

/* When someone came through their unit's link. */
static time_t
link_arrival(const struct synth *sy, const struct synth_unit *u,
    uint64_t *s)
{
	time_t	 t;

	if (u->t_reminded && synth_unif(s) < 0.45)
		t = u->t_reminded + (time_t)expo(s, 3.0 * DAY);
	else
		t = u->t_distributed + (time_t)expo(s, 5.0 * DAY);
	return (clamp_field(sy, s, workday(s, t)));
}

static time_t
personal_arrival(const struct synth *sy, const struct synth_invite *iv,
    uint64_t *s)
{
	time_t	 t;

	if (iv->t_email && synth_unif(s) < 0.5)
		t = iv->t_email + (time_t)expo(s, 2.0 * DAY);
	else
		t = iv->t_letter + DAY + (time_t)expo(s, 6.0 * DAY);
	return (clamp_field(sy, s, workday(s, t)));
}

static void
invites_make(struct synth *sy, size_t n)
{
	struct synth_invite	*iv = NULL;
	uint64_t		 s;
	size_t			 i;

	sy->inv = xcalloc(n ? n : 1, sizeof(*sy->inv));
	sy->ninv = n;
	for (i = 0; i < n; i++) {
		iv = &sy->inv[i];
		s = synth_stream(sy->o.seed, 3, i);
		iv->office = -1;
		iv->resp = -1;
		iv->t_created = sy->opens - 5 * DAY + (time_t)(synth_unif(&s) * HOUR);
		/* The letters go out two days in (20 October in 2021). */
		iv->t_letter = sy->opens + 2 * DAY;
		/* An e-mail to some a month in (18 November in 2021). */
		if (synth_unif(&s) < 0.15) {
			iv->t_email = sy->opens + 31 * DAY + 7 * HOUR;
			iv->bounced = synth_unif(&s) < 0.08;
		}
	}
}

static void
resp_push(struct synth *sy, const struct synth_resp *r)
{
	sy->r = xrealloc(sy->r, (sy->nr + 1) * sizeof(*sy->r));
	sy->r[sy->nr++] = *r;
}

/*
 * One more person of version v, walked through the questionnaire now so
 * the plan knows their status and times. Personal when an invitation is
 * left and the draw says so, else through a unit's link.
 */
static int
person(struct synth *sy, int v, double personal)
{
	struct synth_resp	 r;
	struct synth_invite	*iv = NULL;
	uint64_t		 s = synth_stream(sy->o.seed, 4, sy->nr);
	size_t			 k;
	static const char	*langs[] = { "nb", "nn", "en" };
	double			 x;

	memset(&r, 0, sizeof(r));
	r.version = v;
	r.unit = -1;
	r.invite = -1;
	x = synth_unif(&s);
	r.lang = langs[x < 0.93 ? 0 : x < 0.98 ? 1 : 2];
	if (v == 2 && synth_unif(&s) < personal) {
		for (k = 0; k < sy->ninv; k++) {
			iv = &sy->inv[(rng_below(&s, sy->ninv) + k) % sy->ninv];
			if (iv->resp < 0 && !iv->bounced)
				break;
		}
		if (k < sy->ninv) {
			r.invite = (int)(iv - sy->inv);
			iv->resp = (long)sy->nr;
			r.t_created = iv->t_created;
			r.t_opened = personal_arrival(sy, iv, &s);
		}
	}
	if (r.invite < 0) {
		if ((r.unit = pick_unit(sy, v, &s)) < 0)
			return (0);
		r.t_opened = link_arrival(sy, &sy->u[r.unit], &s);
		r.t_created = r.t_opened;
	}
	resp_push(sy, &r);
	synth_walk(sy, sy->nr - 1, &sy->r[sy->nr - 1], NULL);
	return (1);
}

/* The invitations nobody opened: a response row each, as svarctl tokens. */
static void
invited_rows(struct synth *sy)
{
	struct synth_resp	 r;
	uint64_t		 s;
	size_t			 i;

	for (i = 0; i < sy->ninv; i++) {
		if (sy->inv[i].resp >= 0)
			continue;
		s = synth_stream(sy->o.seed, 5, i);
		if (synth_unif(&s) < 0.03)
			sy->inv[i].t_opted_out = workday(&s, sy->inv[i].t_letter +
			    (time_t)expo(&s, 5.0 * DAY));
		memset(&r, 0, sizeof(r));
		r.version = 2;
		r.unit = -1;
		r.invite = (int)i;
		r.status = 'i';
		r.lang = "nb";
		r.t_created = r.t_updated = sy->inv[i].t_created;
		r.page = r.furthest = sy->s->npages;
		sy->inv[i].resp = (long)sy->nr;
		resp_push(sy, &r);
	}
}

/*
 * Final stages from what the people did: a unit with a completed
 * response is responding (from its first completion), one that was to
 * respond and got none stays distributed; headcounts for most.
 */
static void
units_settle(struct synth *sy)
{
	struct synth_unit	*u;
	struct synth_resp	*r;
	uint64_t		 s;
	size_t			 i;

	for (i = 0; i < sy->nr; i++) {
		r = &sy->r[i];
		if (r->unit < 0)
			continue;
		u = &sy->u[r->unit];
		u->nresp++;
		if (r->status != 'c')
			continue;
		u->ncompleted++;
		if (u->t_responding == 0 || r->t_completed < u->t_responding)
			u->t_responding = r->t_completed;
	}
	for (i = 0; i < sy->nu; i++) {
		u = &sy->u[i];
		s = synth_stream(sy->o.seed, 6, i);
		if (u->ncompleted > 0)
			u->stage = SYN_RESPONDING;
		if (u->stage < SYN_DISTRIBUTED || synth_unif(&s) < 0.15)
			continue;
		/* The contact person's count: more than came, rarely exact. */
		u->forwarded = u->nresp + (long)(u->nresp * (1.0 +
		    4.0 * synth_unif(&s))) + (long)rng_below(&s, 20);
	}
}

/*
 * The field period: 18 October to 30 November (the 2021 wave's), the
 * reminder on 1 November, as times of day in UTC.
 */
static void
field_period(struct synth *sy)
{
	struct tm	 tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = sy->o.year - 1900;
	tm.tm_mon = 9;
	tm.tm_mday = 18;
	tm.tm_hour = 6;
	sy->opens = timegm(&tm);
	tm.tm_mon = 10;
	tm.tm_mday = 30;
	tm.tm_hour = 22;
	sy->closes = timegm(&tm);
	tm.tm_mday = 1;
	tm.tm_hour = 7;
	sy->reminder = timegm(&tm);
}

/*
 * The report's sample (questionnaire-2021.md §1.6, Tabell 2.1): 2,547
 * HF, 1,197 kommune and 83 fastleger in 2021, 75 of those through the
 * 2,000 letters and 8 through offices (§1.2, "Av totalt 83 ... er 8
 * samlet inn ... via e-postinvitasjon eller ... SKIL"); the comparison
 * wave has 2020's 1,779, 627 and 97 (personal as in 2021).
 */
static const long like_completed[2][SYNTH_NVERSIONS] = {
	{ 2547, 1197, 83 },
	{ 1779, 627, 97 },
};

static void
people_like2021(struct synth *sy)
{
	const long	*want = like_completed[sy->o.earlier ? 1 : 0];
	long		 done[SYNTH_NVERSIONS] = { 0, 0, 0 };
	long		 personal = want[2] * 75 / 83;
	int		 v;

	for (v = 0; v < SYNTH_NVERSIONS; v++)
		while (done[v] < want[v]) {
			if (!person(sy, v, done[v] < personal ? 1.0 : 0.0))
				break;
			if (sy->r[sy->nr - 1].status == 'c')
				done[v]++;
		}
}

/* N people over the versions as the 2021 sample splits (66/31/3 %). */
static void
people_n(struct synth *sy)
{
	long	 n[SYNTH_NVERSIONS], i;
	int	 v;

	n[2] = sy->o.responses * 3 / 100;
	n[1] = sy->o.responses * 31 / 100;
	n[0] = sy->o.responses - n[1] - n[2];
	for (v = 0; v < SYNTH_NVERSIONS; v++)
		for (i = 0; i < n[v]; i++)
			if (!person(sy, v, 0.9))
				break;
}

int
synth_plan(struct synth *sy, const struct survey *s,
    const struct synth_opts *o, const struct frame *hf,
    const struct frame *kom, char *err, size_t errlen)
{
	memset(sy, 0, sizeof(*sy));
	sy->o = *o;
	sy->s = s;
	if (s->nhidden == 0 || s->hidden[0].values.n < SYNTH_NVERSIONS) {
		snprintf(err, errlen, "the definition needs a first hidden "
		    "variable with three values (hf, kommune, fastlege), as "
		    "surveys/helsepersonell-2021/survey.svar has");
		return (0);
	}
	if (o->units < 3) {
		snprintf(err, errlen, "--units must be at least 3");
		return (0);
	}
	field_period(sy);
	units_pick(sy, hf, kom);
	units_stage(sy);
	/* 2,000 letters in 2021; else about 8 per personal respondent. */
	invites_make(sy, o->like2021 ? 2000 : (size_t)(o->responses * 3 /
	    100 * 9 / 10 * 8 + 1));
	if (o->like2021)
		people_like2021(sy);
	else
		people_n(sy);
	invited_rows(sy);
	units_settle(sy);
	return (1);
}

void
synth_free(struct synth *sy)
{
	size_t	 i;

	for (i = 0; i < sy->nu; i++) {
		free(sy->u[i].code);
		free(sy->u[i].name);
		free(sy->u[i].parent);
		free(sy->u[i].fylke);
	}
	free(sy->u);
	free(sy->inv);
	free(sy->r);
	memset(sy, 0, sizeof(*sy));
}

/*
 * A link key (selector or verifier) from the seed: the same wave again
 * gets the same keys, so two runs compare equal. A synthetic wave is
 * closed, so its keys open nothing.
 */
void
synth_key(const struct synth *sy, const char *what, size_t i, char *dst,
    size_t len)
{
	static const char	 alpha[] = "abcdefghjkmnpqrstuvwxyz23456789";
	uint64_t		 s = synth_stream(sy->o.seed ^ (uint64_t)sy->o.year *
				    0x100000001b3ULL, (uint64_t)(unsigned char)
				    what[0] * 131 + (unsigned char)what[1], i);
	size_t			 k;

	for (k = 0; k + 1 < len; k++)
		dst[k] = alpha[rng_below(&s, sizeof(alpha) - 1)];
	if (len > 0)
		dst[len - 1] = '\0';
}

