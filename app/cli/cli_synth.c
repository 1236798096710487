/*
 * svarctl synth: a synthetic wave for tests, benchmarks and showing the
 * admin area with something in it (issue 11 "Speed", issue 13 §5).
 *
 *   svarctl synth --wave-year Y --responses N --units M --seed S
 *                 [--survey FILE] [--manifest FILE]
 *   svarctl synth --like-2021 [--seed S] [--survey FILE] [--manifest FILE]
 *
 * The wave belongs to the survey "<key>-synt" (title "SYNTETISK: ..."),
 * is flagged synthetic and closed, so it can never be taken for real
 * answers or receive any. A wave of that year that holds real units or
 * responses is refused; a synthetic one is made again. --like-2021
 * makes 2021 with the report's sample and 2020 to compare with.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "cli.h"
#include "db.h"
#include "synth.h"

#define DEFAULT_SURVEY	"surveys/helsepersonell-2021/survey.svar"

struct synth_args {
	struct synth_opts	 o;
	const char		*survey;
	const char		*manifest;
};

static int
num_arg(const char *name, const char *v, long min, long max, long *out)
{
	char	*end;

	errno = 0;
	*out = v != NULL ? strtol(v, &end, 10) : 0;
	if (v == NULL || *v == '\0' || *end != '\0' || errno != 0 ||
	    *out < min || *out > max) {
		fprintf(stderr, "svarctl synth: %s must be a whole number "
		    "from %ld to %ld\n", name, min, max);
		return (0);
	}
	return (1);
}

static int
args_parse(int argc, char **argv, struct synth_args *a)
{
	long	 v;
	int	 i, have = 0;

	memset(a, 0, sizeof(*a));
	a->survey = DEFAULT_SURVEY;
	a->o.seed = 2021;
	for (i = 0; i < argc; i++) {
		const char	*val = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(argv[i], "--like-2021") == 0) {
			a->o.like2021 = 1;
			continue;
		}
		if (strcmp(argv[i], "--survey") == 0 && val != NULL)
			a->survey = val;
		else if (strcmp(argv[i], "--manifest") == 0 && val != NULL)
			a->manifest = val;
		else if (strcmp(argv[i], "--seed") == 0) {
			if (!num_arg("--seed", val, 0, INT64_MAX, &v))
				return (0);
			a->o.seed = (uint64_t)v;
		} else if (strcmp(argv[i], "--wave-year") == 0) {
			if (!num_arg("--wave-year", val, 1970, 2999, &v))
				return (0);
			a->o.year = (int)v;
			have |= 1;
		} else if (strcmp(argv[i], "--responses") == 0) {
			if (!num_arg("--responses", val, 1, 2000000, &v))
				return (0);
			a->o.responses = v;
			have |= 2;
		} else if (strcmp(argv[i], "--units") == 0) {
			if (!num_arg("--units", val, 3, 5000, &v))
				return (0);
			a->o.units = (int)v;
			have |= 4;
		} else {
			fprintf(stderr, "svarctl synth: %s: unknown or without "
			    "its value\n", argv[i]);
			return (0);
		}
		i++;
	}
	if (a->o.like2021) {
		if (have != 0) {
			fprintf(stderr, "svarctl synth: --like-2021 sets the "
			    "year, responses and units itself\n");
			return (0);
		}
		a->o.year = 2021;
		a->o.units = 200;
		return (1);
	}
	if (have != 7) {
		fprintf(stderr, "svarctl synth: give --wave-year, --responses "
		    "and --units (or --like-2021)\n");
		return (0);
	}
	return (1);
}

/* The synthetic survey: its own key and a title that says what it is. */
static void
mark_synthetic(struct survey *s, int year)
{
	char	 b[512];
	size_t	 l;

	snprintf(b, sizeof(b), "%s-synt", s->key);
	free(s->key);
	s->key = xstrdup(b);
	s->wave = year;
	for (l = 0; l < LANG_MAX; l++) {
		if (s->title.s[l] == NULL)
			continue;
		snprintf(b, sizeof(b), "SYNTETISK: %s", s->title.s[l]);
		free(s->title.s[l]);
		s->title.s[l] = xstrdup(b);
	}
}

static int
frame_load(const char *path, enum frame_kind k, struct frame *fr)
{
	char	*src;
	int	 ok;

	if ((src = buf_file(path)) == NULL) {
		fprintf(stderr, "svarctl synth: %s: %s\n", path,
		    strerror(errno));
		return (0);
	}
	ok = frame_read(k, src, strlen(src), fr);
	free(src);
	if (!ok || fr->nerr > 0) {
		fprintf(stderr, "svarctl synth: %s: %s\n", path, fr->nerr ?
		    fr->err[0] : "cannot be read");
		return (0);
	}
	return (1);
}

static void
iso(FILE *f, time_t t, const char *after)
{
	struct tm	 tm;
	char		 b[32];

	if (t == 0) {
		fprintf(f, "null%s", after);
		return;
	}
	gmtime_r(&t, &tm);
	strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(f, "\"%s\"%s", b, after);
}

static const char *
page_or_null(const struct synth *sy, size_t p, char *b, size_t len)
{
	if (p >= sy->s->npages)
		return ("null");
	snprintf(b, len, "\"%s\"", sy->s->pages[p].id);
	return (b);
}

/*
 * What the generator made, as it counts it: the tests compare Svar's
 * figures with this, not with Svar's own queries. Codes and page ids
 * are plain ASCII (frame.c and def_parse.c check them).
 */
static int
manifest_write(const char *path, const struct synth *sy, int wave)
{
	FILE			*f;
	const struct synth_resp	*r;
	const struct synth_invite *iv;
	char			 b1[64], b2[64];
	size_t			 i;

	if ((f = fopen(path, "w")) == NULL) {
		fprintf(stderr, "svarctl synth: %s: %s\n", path,
		    strerror(errno));
		return (0);
	}
	fprintf(f, "{\"wave\": %d, \"year\": %d, \"survey\": \"%s\",\n"
	    " \"reminder\": ", wave, sy->o.year, sy->s->key);
	iso(f, sy->reminder, ",\n \"pages\": [");
	for (i = 0; i < sy->s->npages; i++)
		fprintf(f, "%s\"%s\"", i ? ", " : "", sy->s->pages[i].id);
	fprintf(f, "],\n \"units\": [\n");
	for (i = 0; i < sy->nu; i++)
		fprintf(f, "  [\"%s\", \"%s\", \"%s\", \"%s\", %ld, %ld, %ld]%s\n",
		    sy->u[i].kind, sy->u[i].code, synth_version_key(
		    sy->u[i].version), synth_stage_name(sy->u[i].stage),
		    sy->u[i].forwarded, sy->u[i].nresp, sy->u[i].ncompleted,
		    i + 1 < sy->nu ? "," : "");
	fprintf(f, " ],\n \"invitations\": [\n");
	for (i = 0; i < sy->ninv; i++) {
		iv = &sy->inv[i];
		fprintf(f, "  [%d, %d, %d, %d]%s\n", iv->t_letter != 0,
		    iv->t_email != 0, iv->t_opted_out != 0, iv->bounced,
		    i + 1 < sy->ninv ? "," : "");
	}
	fprintf(f, " ],\n \"responses\": [\n");
	for (i = 0; i < sy->nr; i++) {
		r = &sy->r[i];
		fprintf(f, "  [\"%s\", \"%c\", %s, %s, %d, %d, ",
		    synth_version_key(r->version), r->status,
		    page_or_null(sy, r->page, b1, sizeof(b1)),
		    page_or_null(sy, r->furthest, b2, sizeof(b2)),
		    r->invite, r->unit);
		iso(f, r->status == 'i' ? 0 : r->t_opened, ", ");
		iso(f, r->t_completed, i + 1 < sy->nr ? "],\n" : "]\n");
	}
	fprintf(f, " ]}\n");
	return (fclose(f) == 0);
}

static long
count_status(const struct synth *sy, char st)
{
	long	 n = 0;
	size_t	 i;

	for (i = 0; i < sy->nr; i++)
		n += sy->r[i].status == st;
	return (n);
}

/* One wave: plan it, write it in one transaction, say what was made. */
static int
synth_one(struct db *db, const struct synth_args *a, const char *src,
    const struct frame *hf, const struct frame *kom, const char *manifest)
{
	struct def_errors	 err;
	struct survey		*s;
	struct synth		 sy;
	struct timespec		 t0, t1;
	char			 why[256];
	long long		 nrows = 0;
	int			 wave = 0, rc, ok;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((s = def_parse(a->survey, src, strlen(src), &err)) == NULL) {
		fprintf(stderr, "svarctl synth: %s: %s\n", a->survey,
		    err.n ? err.msg[0] : "refused");
		def_errors_free(&err);
		return (0);
	}
	mark_synthetic(s, a->o.year);
	if (!synth_plan(&sy, s, &a->o, hf, kom, why, sizeof(why))) {
		fprintf(stderr, "svarctl synth: %s\n", why);
		survey_free(s);
		return (0);
	}
	why[0] = '\0';
	ok = db_begin(db) && (rc = db_synth_wave(db, s, src, sy.opens,
	    sy.closes, &wave, why, sizeof(why))) == 1 &&
	    db_synth_write(db, &sy, wave, &nrows) && db_commit(db);
	if (!ok) {
		db_rollback(db);
		fprintf(stderr, "svarctl synth: %s; nothing stored\n",
		    why[0] ? why : db_error(db));
	} else {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		printf("synthetic wave %d (survey %s, year %d, seed %llu): "
		    "%zu units, %zu invitations, %zu responses (%ld completed,"
		    " %ld started, %ld opened, %ld invited), %lld answer rows"
		    " in %.1f s\n", wave, s->key, a->o.year,
		    (unsigned long long)a->o.seed, sy.nu, sy.ninv, sy.nr,
		    count_status(&sy, 'c'), count_status(&sy, 's'),
		    count_status(&sy, 'o'), count_status(&sy, 'i'), nrows,
		    (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
		if (manifest != NULL)
			ok = manifest_write(manifest, &sy, wave);
	}
	synth_free(&sy);
	survey_free(s);
	return (ok);
}

int
cli_synth(int argc, char **argv)
{
	struct synth_args	 a;
	struct frame		 hf, kom;
	struct db		*db;
	char			*src, *m2 = NULL;
	const char		*dir;
	char			 path[512];
	int			 ok;

	if (!args_parse(argc, argv, &a))
		return (2);
	if ((src = buf_file(a.survey)) == NULL) {
		fprintf(stderr, "svarctl synth: %s: %s\n", a.survey,
		    strerror(errno));
		return (1);
	}
	dir = getenv("SVAR_DATA_DIR") ? getenv("SVAR_DATA_DIR") : "data";
	memset(&hf, 0, sizeof(hf));
	memset(&kom, 0, sizeof(kom));
	snprintf(path, sizeof(path), "%s/helseforetak.csv", dir);
	ok = frame_load(path, FRAME_HF, &hf);
	snprintf(path, sizeof(path), "%s/kommuner-2020.csv", dir);
	ok = ok && frame_load(path, FRAME_KOMMUNE, &kom);
	if (ok && (db = cli_db()) != NULL) {
		ok = synth_one(db, &a, src, &hf, &kom, a.manifest);
		if (ok && a.o.like2021) {
			/* The wave to compare with: 2020, its own seed. */
			a.o.year = 2020;
			a.o.earlier = 1;
			a.o.seed++;
			if (a.manifest != NULL) {
				m2 = xmalloc(strlen(a.manifest) + 8);
				sprintf(m2, "%s.2020", a.manifest);
			}
			ok = synth_one(db, &a, src, &hf, &kom, m2);
			free(m2);
		}
		db_close(db);
	} else
		ok = 0;
	frame_free(&hf);
	frame_free(&kom);
	free(src);
	return (ok ? 0 : 1);
}
