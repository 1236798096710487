/*
 * The database layer: the only code that speaks SQL. One connection per
 * process (a Kore worker or svarctl), statements prepared once per
 * connection, every query parameterised. A lost connection is
 * re-opened on the next call, so a database restart heals by itself.
 */
#ifndef SVAR_DB_H
#define SVAR_DB_H

#include "answers.h"

struct db;

struct db	*db_open(const char *);
void		 db_close(struct db *);
int		 db_ready(struct db *);
const char	*db_error(struct db *);

/* What the respondent path needs of a response. */
struct resp {
	long long	 id;
	int		 version_id;
	char		 verifier[40];
	char		 csrf[40];
	char		 lang[4];
	char		 status[12];
	int		 page_no;
	int		 rev;
	int		 unit_link;	/* opened through a unit link */
};

struct link {
	int		 id;
	int		 version_id;
	char		 verifier[40];
	char		 hidden[256];
	int		 closed;
};

#define DB_ERR		(-3)
#define DB_COMPLETED	(-2)
#define DB_CONFLICT	(-1)

int		 db_resp_load(struct db *, const char *, struct resp *,
		    struct answers *);
int		 db_resp_load_locked(struct db *, const char *, struct resp *,
		    struct answers *);
int		 db_tx(struct db *, const char *);
int		 db_resp_opened(struct db *, long long);
int		 db_version_state(struct db *, int, int *);
int		 db_ping(struct db *);
int		 db_resp_lang(struct db *, long long, const char *);
long long	 db_resp_new(struct db *, int, int, const char *, const char *,
		    const char *, const char *, const struct answers *);
int		 db_page_save(struct db *, long long, int,
		    const struct answers *, int, int, int);
int		 db_link_get(struct db *, const char *, struct link *);
int		 db_code_key(struct db *, const char *, char *, size_t);
int		 db_rate(struct db *, const char *, int, int);
int		 db_rate_take(struct db *, const char *, int, int);
int		 db_rate_give(struct db *, const char *, int);

typedef int	(*db_version_cb)(int, int, const char *, const char *, void *);
int		 db_versions(struct db *, db_version_cb, void *);

/* db_admin.c: svarctl only, as the owner role. */
int		 db_def_load(struct db *, const char *, const char *);
int		 db_demo(struct db *, const char *);
int		 db_tokens(struct db *, const char *, int, const char *);

#endif
