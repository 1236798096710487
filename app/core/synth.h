/*
 * A synthetic wave (issue 11 "Speed", issue 13 §5): units from the
 * reference lists with recruitment stages, contact persons, forwarded
 * counts and personal invitations, and responses that walk the
 * questionnaire the way the app does (routing from route.c, rows from
 * validate.c), break off on the way, and carry timestamps spread over
 * a field period. Everything follows from the seed: every response has
 * its own splitmix64 stream, so response i is the same on any machine,
 * and can be made again (the database layer makes each twice: once for
 * the plan, once for its answers). No SQL here; app/db/db_synth.c
 * writes it with COPY.
 */
#ifndef SVAR_SYNTH_H
#define SVAR_SYNTH_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "answers.h"
#include "frame.h"
#include "survey.h"

#define SYNTH_NVERSIONS	3	/* hf, kommune, fastlege */

enum synth_stage {
	SYN_FRAME,
	SYN_INVITED,
	SYN_ACCEPTED,
	SYN_DECLINED,
	SYN_DISTRIBUTED,
	SYN_RESPONDING,
	SYN__STAGES
};

struct synth_opts {
	uint64_t	 seed;
	int		 year;
	long		 responses;	/* people who opened a questionnaire */
	int		 units;
	int		 like2021;	/* completed per version as the report */
	int		 earlier;	/* the comparison wave: earlier shares */
};

struct synth_unit {
	const char	*kind;		/* hf, kommune, fastlegekontor */
	char		*code;
	char		*name;
	char		*parent;	/* an HF's RHF, by name, or NULL */
	char		*fylke;
	int		 version;	/* 0 hf, 1 kommune, 2 fastlege */
	int		 stage;		/* enum synth_stage, final */
	int		 planned;	/* the stage it was drawn for */
	double		 weight;	/* its share of the version's people */
	time_t		 t_invited, t_answered, t_distributed, t_responding;
	time_t		 t_reminded;	/* 0: no reminder */
	long		 forwarded;	/* reported headcount, -1: none */
	long		 nresp, ncompleted;
};

struct synth_invite {
	int		 office;	/* unit index, or -1 */
	time_t		 t_created, t_letter, t_email, t_opted_out;
	int		 bounced;
	long		 resp;		/* response index, or -1 */
};

struct synth_resp {
	int		 version;
	int		 unit;		/* unit index, or -1 */
	int		 invite;	/* invitation index, or -1 */
	char		 status;	/* i(nvited) o(pened) s(tarted) c(ompleted) */
	const char	*lang;
	time_t		 t_created, t_opened, t_started, t_completed, t_updated;
	size_t		 page;		/* current page; npages: none */
	size_t		 furthest;
};

/* What was made, as the generator counts it (the test's manifest). */
struct synth {
	struct synth_opts	 o;
	const struct survey	*s;
	time_t			 opens, closes, reminder;
	struct synth_unit	*u;
	size_t			 nu;
	struct synth_invite	*inv;
	size_t			 ninv;
	struct synth_resp	*r;
	size_t			 nr;
};

/* A response's answers: the rows the app would hold, each with when. */
struct synth_rows {
	struct answers	 a;
	time_t		*at;
};

int	 synth_plan(struct synth *, const struct survey *,
	    const struct synth_opts *, const struct frame *,
	    const struct frame *, char *, size_t);
void	 synth_answers(const struct synth *, size_t, struct synth_rows *);
void	 synth_rows_free(struct synth_rows *);
void	 synth_free(struct synth *);
void	 synth_key(const struct synth *, const char *, size_t, char *,
	    size_t);
const char *synth_stage_name(int);
const char *synth_version_key(int);

/* synth_2021.c: answer shares near the 2021 report. */
struct synth_share {
	const char	*var;		/* "Q3_2", "Q3_1.video" */
	int		 earlier;	/* 1: the comparison wave's shares */
	const int	*pairs;		/* code, weight (any sum), ... */
	size_t		 n;		/* pairs */
};

const struct synth_share *synth_share_find(const char *, int);

#endif
