#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "db.h"
#include "survey.h"

struct db *
cli_db(void)
{
	struct db	*db;

	db = db_open(getenv("SVARCTL_DB"));
	if (!db_ready(db)) {
		fprintf(stderr, "svarctl: database: %s", db_error(db));
		db_close(db);
		return (NULL);
	}
	return (db);
}

static char *
slurp(const char *path)
{
	char	*s;

	if ((s = buf_file(path)) == NULL)
		fprintf(stderr, "svarctl: %s: %s\n", path, errno == EINVAL ?
		    "contains a NUL byte" : strerror(errno));
	return (s);
}

/* A definition is checked whole first; nothing is stored if it fails. */
int
cli_load(const char *path)
{
	struct def_errors	 err;
	struct def_loaded	 dl;
	struct survey		*s;
	struct db		*db;
	char			*src;
	size_t			 i;
	int			 ok;

	if ((src = slurp(path)) == NULL)
		return (1);
	if ((s = def_parse(path, src, strlen(src), &err)) == NULL) {
		for (i = 0; i < err.n; i++)
			fprintf(stderr, "%s\n", err.msg[i]);
		fprintf(stderr, "%s: refused, nothing loaded\n", path);
		def_errors_free(&err);
		free(src);
		return (1);
	}
	if ((db = cli_db()) == NULL) {
		survey_free(s);
		free(src);
		return (1);
	}
	ok = db_begin(db) && db_def_store(db, s, src, &dl) && db_commit(db);
	if (!ok) {
		db_rollback(db);
		if (dl.refused)
			fprintf(stderr, "svarctl: load: %s: wave %d is open and "
			    "this text does not name: %s. Add them (see "
			    "surveys/FORMAT.md, Privacy notice); nothing "
			    "loaded\n", path, s->wave, dl.missing);
		else
			fprintf(stderr, "svarctl: load: %s\n", db_error(db));
	} else if (!dl.is_new)
		printf("definition unchanged (id %d)\n", dl.definition_id);
	else
		printf("loaded definition %d: survey %s wave %d, %zu pages, "
		    "%zu items, %d variables\n", dl.definition_id, s->key,
		    s->wave, s->npages, s->nitems, dl.nvars);
	if (ok && dl.missing[0] != '\0')
		printf("the wave stays closed until the definition names: %s "
		    "(see surveys/FORMAT.md, Privacy notice)\n", dl.missing);
	survey_free(s);
	db_close(db);
	free(src);
	return (ok ? 0 : 1);
}

int
cli_demo(const char *base)
{
	struct db	*db;
	int		 ok;

	if ((db = cli_db()) == NULL)
		return (1);
	if (!(ok = db_demo(db, base)))
		fprintf(stderr, "svarctl: demo: %s\n", db_error(db));
	db_close(db);
	return (ok ? 0 : 1);
}

int
cli_tokens(const char *version, const char *count, const char *office)
{
	struct db	*db;
	char		*end;
	long		 n;
	int		 ok;

	n = strtol(count, &end, 10);
	if (*count == '\0' || *end != '\0' || n < 1 || n > 1000000) {
		fprintf(stderr, "svarctl: tokens: count must be 1-1000000\n");
		return (2);
	}
	if ((db = cli_db()) == NULL)
		return (1);
	ok = db_tokens(db, version, (int)n, office, getenv("SVAR_BASE_URL") ?
	    getenv("SVAR_BASE_URL") : "");
	if (!ok)
		fprintf(stderr, "svarctl: tokens: %s\n", db_error(db));
	db_close(db);
	return (ok ? 0 : 1);
}
