/*
 * GET  /admin/export    the form: wave, format, responses, language
 * POST /admin/export    the file, as a download (CSRF like every form)
 * Raw data and codebooks for admins and analysts (SPEC §2: analysts
 * get exports, no personal data): an analyst's export leaves the free
 * texts out, since they may hold names or health information (the
 * texts are admins' only, as on /admin/open). The export is written to
 * an unlinked temporary file in SVAR_EXPORT_DIR (default /tmp; inside
 * the chroot in production), then sent from it by Kore (sendfile), so
 * a worker's memory does not grow with the number of responses; the
 * worker is busy while it writes (seconds for 100,000 responses, see
 * README). Each export is an audit entry.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ex_run.h"
#include "i18n.h"
#include "web.h"

struct xctx {
	struct tvars	*tv;
	const char	*wave;
};

static void
wave_row(int n, const char *const *v, void *arg)
{
	struct xctx	*c = arg;
	struct tvars	*row;

	if (n < 2)
		return;
	row = tvars_row(c->tv, "waves");
	tvars_copy(row, "id", v[0]);
	tvars_copy(row, "name", v[1]);
	if (c->wave != NULL && strcmp(c->wave, v[0]) == 0)
		tvars_set(row, "selected", "1");
}

/* A choice of a select, marked when it is the one posted. */
static void
choice(struct tvars *tv, const char *list, const char *value,
    const char *label, const char *posted)
{
	struct tvars	*row = tvars_row(tv, list);

	tvars_set(row, "value", value);
	tvars_copy(row, "label", label);
	if (posted != NULL && strcmp(posted, value) == 0)
		tvars_set(row, "selected", "1");
}

static int
export_form(struct http_request *req, struct admin_req *ar, int status,
    const char *error)
{
	static const char *const statuses[] = { "completed", "partial",
	    "all" };
	static const char *const langs[] = { "nb", "nn", "en" };
	struct tvars	 tv;
	struct xctx	 c;
	const char	*f = form_get(&ar->f, "format");
	char		 key[48];
	size_t		 i;

	tvars_init(&tv, ar->lang);
	c.tv = &tv;
	c.wave = form_get(&ar->f, "wave");
	if (db_results_waves(app.adb, wave_row, &c) == DB_ERR) {
		tvars_free(&tv);
		web_unavailable(req, ar->lang, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	for (i = 0; i < EX__FORMATS; i++) {
		snprintf(key, sizeof(key), "admin.export.format.%s",
		    ex_format_name((int)i));
		choice(&tv, "formats", ex_format_name((int)i),
		    i18n_get(ar->lang, key), f != NULL ? f : "sav");
	}
	for (i = 0; i < 3; i++) {
		snprintf(key, sizeof(key), "admin.export.status.%s",
		    statuses[i]);
		choice(&tv, "statuses", statuses[i], i18n_get(ar->lang, key),
		    form_get(&ar->f, "status"));
		snprintf(key, sizeof(key), "admin.export.lang.%s", langs[i]);
		choice(&tv, "langs", langs[i], i18n_get(ar->lang, key),
		    form_get(&ar->f, "lang"));
	}
	tvars_set(&tv, "csrf", ar->s.csrf);
	tvars_copy(&tv, "version", form_get(&ar->f, "version"));
	tvars_copy(&tv, "unit", form_get(&ar->f, "unit"));
	if (form_get(&ar->f, "test") != NULL)
		tvars_set(&tv, "test", "1");
	if (strcmp(ar->s.role, "admin") != 0)
		tvars_set(&tv, "analyst", "1");
	tvars_copy(&tv, "error", error);
	admin_page(req, status, ar, T_ADMIN_EXPORT, &tv,
	    i18n_get(ar->lang, "admin.export.title"));
	tvars_free(&tv);
	return (KORE_RESULT_OK);
}

/* What the form asks for; 0 with the reason when it is wrong. */
static int
export_request(struct admin_req *ar, struct ex_run *r, const char **why)
{
	const char	*s, *v;
	long		 u;

	memset(r, 0, sizeof(*r));
	*why = "admin.export.bad";
	if ((s = form_get(&ar->f, "format")) == NULL ||
	    (r->format = ex_format_parse(s)) < 0)
		return (0);
	if ((r->wave = form_get(&ar->f, "wave")) == NULL ||
	    web_path_id(r->wave, "") <= 0)
		return (0);
	s = form_get(&ar->f, "status");
	if (s == NULL || (strcmp(s, "completed") != 0 &&
	    strcmp(s, "partial") != 0 && strcmp(s, "all") != 0))
		return (0);
	r->filter.status = s;
	s = form_get(&ar->f, "lang");
	r->lang = lang_parse(s != NULL ? s : "nb");
	v = form_get(&ar->f, "version");
	r->version = v != NULL && *v != '\0' ? v : NULL;
	if ((v = form_get(&ar->f, "unit")) != NULL && *v != '\0') {
		if (!def_parse_long(v, 1, 1000000000, &u)) {
			*why = "admin.export.badunit";
			return (0);
		}
		r->filter.unit = (int)u;
	}
	r->filter.test = form_get(&ar->f, "test") != NULL;
	/* Free texts are for admins only (issue 13 §3). */
	r->texts = strcmp(ar->s.role, "admin") == 0;
	return (1);
}

/*
 * Hands the written file to Kore, which sends it and closes it when
 * done (the file has no name left, so then it is gone). A reference
 * path no file has keeps Kore's cache from ever giving it out again.
 */
static int
export_send(struct http_request *req, int fd, const struct ex_run *r,
    const struct ex_result *res)
{
	static unsigned long	 n;
	struct kore_server	*srv = req->owner->owner->server;
	struct kore_fileref	*ref;
	struct stat		 st;
	char			 ref_path[64], disp[160], *p;

	if (fstat(fd, &st) == -1 || lseek(fd, 0, SEEK_SET) == -1)
		return (0);
	snprintf(ref_path, sizeof(ref_path), "\001export/%d/%lu",
	    (int)getpid(), ++n);
	if ((ref = kore_fileref_create(srv, ref_path, fd, st.st_size,
	    &st.st_mtim)) == NULL)
		return (0);
	snprintf(disp, sizeof(disp), "attachment; filename=\"svar-%.40s.%s\"",
	    res->wave, ex_format_ext(r->format));
	/* "helsepersonell 2021" has a space: not in a file name. */
	for (p = disp + 22; *p != '\0'; p++)
		if (*p == ' ')
			*p = '-';
	web_headers(req);
	http_response_header(req, "content-type", ex_format_mime(r->format));
	http_response_header(req, "content-disposition", disp);
	http_response_header(req, "x-content-type-options", "nosniff");
	http_response_fileref(req, HTTP_STATUS_OK, ref);
	return (1);
}

static int
export_post(struct http_request *req, struct admin_req *ar)
{
	struct ex_run	 r;
	struct ex_result res;
	struct buf	 detail;
	const char	*dir, *why;
	char		 path[256];
	int		 fd;

	if (!export_request(ar, &r, &why))
		return (export_form(req, ar, 422, i18n_get(ar->lang, why)));
	if ((dir = getenv("SVAR_EXPORT_DIR")) == NULL || *dir == '\0')
		dir = "/tmp";
	snprintf(path, sizeof(path), "%s/svar-export-XXXXXX", dir);
	if ((fd = mkstemp(path)) == -1) {
		kore_log(LOG_ERR, "export: %s: %s (set SVAR_EXPORT_DIR to a "
		    "directory the worker may write, inside the chroot)", dir,
		    strerror(errno));
		web_unavailable(req, ar->lang, "export directory");
		return (KORE_RESULT_OK);
	}
	memset(&res, 0, sizeof(res));
	res.fd = fd;
	res.path = path;
	if (ex_run(app.adb, &r, &res) < 0) {
		unlink(path);
		close(fd);
		if (res.usage)
			return (export_form(req, ar, 422, res.err));
		/*
		 * Not 503: the proxy in front (README) sends a 503 on to
		 * the next server, which would start the export again.
		 */
		if (res.busy) {
			http_response_header(req, "retry-after", "10");
			return (export_form(req, ar, 429, i18n_get(ar->lang,
			    "admin.export.busy")));
		}
		web_unavailable(req, ar->lang, res.err);
		return (KORE_RESULT_OK);
	}
	/* Nameless from here: it goes when Kore closes it. */
	unlink(path);
	buf_init(&detail);
	ex_run_detail(&r, &res, &detail);
	if (!admin_audit(ar, "export", "export", buf_cstr(&detail))) {
		buf_free(&detail);
		close(fd);
		web_unavailable(req, ar->lang, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	buf_free(&detail);
	if (!export_send(req, fd, &r, &res)) {
		close(fd);
		web_unavailable(req, ar->lang, strerror(errno));
	}
	return (KORE_RESULT_OK);
}

int
admin_export(struct http_request *req)
{
	struct admin_req	*ar = admin_req(req);

	if (req->method == HTTP_METHOD_GET)
		return (export_form(req, ar, 200, NULL));
	return (export_post(req, ar));
}
