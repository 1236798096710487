/*
 * svarctl export --format F [--wave ID|YEAR] [--status S] [--version K]
 *     [--unit ID] [--lang L] [--include-test] [--out FILE]
 * A raw-data export or codebook of one wave, as the owner role, to FILE
 * (written beside it under a temporary name and renamed when whole, so
 * a failed export leaves no half file; mode 0600: it holds answers) or
 * to standard output. Every export is an audit entry.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "db.h"
#include "ex_run.h"

static int
export_usage(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "svarctl export: %s\n", why);
	fprintf(stderr, "usage: svarctl export --format csv|csv-excel|xlsx|"
	    "sav|dta|codebook|codebook-json\n"
	    "           [--wave ID|YEAR] [--status completed|partial|all] "
	    "[--version KEY]\n"
	    "           [--unit ID] [--lang nb|nn|en] [--include-test] "
	    "[--out FILE]\n");
	return (2);
}

static int
parse_args(int argc, char **argv, struct ex_run *r, const char **out)
{
	const char	*v;
	int		 i;

	memset(r, 0, sizeof(*r));
	r->format = -1;
	r->lang = LANG_NB;
	r->texts = 1;
	r->filter.status = "completed";
	*out = NULL;
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--include-test") == 0) {
			r->filter.test = 1;
			continue;
		}
		if (i + 1 >= argc || strncmp(argv[i], "--", 2) != 0)
			return (export_usage(NULL));
		v = argv[++i];
		if (strcmp(argv[i - 1], "--format") == 0) {
			if ((r->format = ex_format_parse(v)) < 0)
				return (export_usage("unknown format (csv, "
				    "csv-excel, xlsx, sav, dta, codebook, "
				    "codebook-json)"));
		} else if (strcmp(argv[i - 1], "--wave") == 0)
			r->wave = v;
		else if (strcmp(argv[i - 1], "--status") == 0) {
			if (strcmp(v, "completed") != 0 &&
			    strcmp(v, "partial") != 0 && strcmp(v, "all") != 0)
				return (export_usage("--status is completed, "
				    "partial or all"));
			r->filter.status = v;
		} else if (strcmp(argv[i - 1], "--version") == 0)
			r->version = v;
		else if (strcmp(argv[i - 1], "--unit") == 0) {
			long	 u;

			/* As the web form and web_path_id bound it. */
			if (!def_parse_long(v, 1, 1000000000, &u))
				return (export_usage("--unit takes a unit's "
				    "number (as in /admin/units/<number>)"));
			r->filter.unit = (int)u;
		} else if (strcmp(argv[i - 1], "--lang") == 0) {
			if (strcmp(v, "nb") != 0 && strcmp(v, "nn") != 0 &&
			    strcmp(v, "en") != 0)
				return (export_usage("--lang is nb, nn or en"));
			r->lang = lang_parse(v);
		} else if (strcmp(argv[i - 1], "--out") == 0)
			*out = v;
		else
			return (export_usage("unknown option"));
	}
	if (r->format < 0)
		return (export_usage("--format is required"));
	if (r->format == EX_XLSX && *out == NULL)
		return (export_usage("xlsx needs --out FILE (the format is "
		    "a zip, written to a file)"));
	return (0);
}

static void
audit(struct db *db, const struct ex_run *r, const struct ex_result *res,
    const char *out)
{
	struct audit_entry	 e;
	struct passwd		*pw;
	struct buf		 b, actor;

	buf_init(&b);
	buf_init(&actor);
	ex_run_detail(r, res, &b);
	pw = getpwuid(getuid());
	buf_printf(&actor, "svarctl (%s)", pw != NULL ? pw->pw_name : "?");
	memset(&e, 0, sizeof(e));
	e.actor = buf_cstr(&actor);
	e.action = "export";
	e.object = out != NULL ? out : "stdout";
	e.detail = buf_cstr(&b);
	if (!db_audit(db, &e))
		fprintf(stderr, "svarctl export: audit: %s\n", db_error(db));
	buf_free(&b);
	buf_free(&actor);
}

int
cli_export(int argc, char **argv)
{
	struct ex_run	 r;
	struct ex_result res;
	struct db	*db;
	const char	*out;
	char		*tmp = NULL;
	int		 k, fd = STDOUT_FILENO;
	long		 rows;

	if ((k = parse_args(argc, argv, &r, &out)) != 0)
		return (k);
	memset(&res, 0, sizeof(res));
	if (out != NULL) {
		tmp = xmalloc(strlen(out) + 16);
		snprintf(tmp, strlen(out) + 16, "%s.tmp-XXXXXX", out);
		if ((fd = mkstemp(tmp)) == -1) {
			fprintf(stderr, "svarctl export: cannot write %s: %s\n",
			    out, strerror(errno));
			free(tmp);
			return (1);
		}
	}
	res.fd = fd;
	res.path = tmp;
	if ((db = cli_db()) == NULL) {
		k = 1;
		goto done;
	}
	rows = ex_run(db, &r, &res);
	if (rows < 0) {
		fprintf(stderr, "svarctl export: %s\n", res.err);
		/* EX_TEMPFAIL for busy, so a cron job knows to try again. */
		k = res.usage ? 2 : res.busy ? 75 : 1;
		goto done;
	}
	if (out != NULL && (fsync(fd) == -1 || rename(tmp, out) == -1)) {
		fprintf(stderr, "svarctl export: %s: %s\n", out,
		    strerror(errno));
		k = 1;
		goto done;
	}
	audit(db, &r, &res, out);
	fprintf(stderr, "%ld responses, %zu columns (%s)%s%s\n", res.rows,
	    res.cols, res.wave, out != NULL ? " in " : "",
	    out != NULL ? out : "");
	k = 0;
done:
	if (out != NULL) {
		close(fd);
		if (k != 0)
			unlink(tmp);
	}
	free(tmp);
	db_close(db);
	return (k);
}
