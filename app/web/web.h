/*
 * The Kore side: thin handlers over the core and the database layer.
 * One struct app per worker process, set up in kore_worker_configure.
 */
#ifndef SVAR_WEB_H
#define SVAR_WEB_H

#include <kore/kore.h>
#include <kore/http.h>

#include "answers.h"
#include "buf.h"
#include "db.h"
#include "form.h"
#include "survey.h"
#include "tmpl.h"

#define BODY_MAX	(256 * 1024)

enum tmpl_id {
	T_LAYOUT,
	T_MESSAGE,
	T_HOME,
	T_CODE,
	T_THANKS,
	T_SAVED,
	T_PRIVACY,
	T_START,
	T_MAX
};

struct version_def {
	int		 version_id;
	int		 definition_id;
	struct survey	*survey;
	char		*hidden;
	int		 closed;	/* as last read from the database */
	u_int64_t	 checked;	/* when, in ms; 0: never */
};

struct app {
	struct db		*db;
	struct tmpl		*tmpl[T_MAX];
	struct version_def	*versions;
	size_t			 nversions;
	int			 secure_cookies;
	int			 trusted_proxy;	/* believe X-Forwarded-For */
	char			*base_url;	/* for links shown as text */
};

extern struct app	 app;

/* web_util.c */
void		 web_html(struct http_request *, int, enum lang, const char *,
		    const char *);
void		 web_page(struct http_request *, int, enum lang,
		    enum tmpl_id, struct tvars *, const char *);
void		 web_message(struct http_request *, int, enum lang,
		    const char *, const char *, const char *);
void		 web_redirect(struct http_request *, const char *);
int		 web_methods(struct http_request *, int);
void		 web_go_response(struct http_request *, const char *,
		    const char *);
void		 web_unavailable(struct http_request *, enum lang);
int		 web_body_form(struct http_request *, struct form *);
int		 web_query(struct http_request *, struct form *);
void		 web_cookie(struct http_request *, const char *, const char *,
		    const char *, int);
char		*web_cookie_get(struct http_request *, const char *);
void		 web_client_ip(struct http_request *, char *, size_t);
void		 web_form_token(struct http_request *, char *, size_t);
int		 web_form_token_ok(struct http_request *, const struct form *);
enum lang	 web_lang(struct http_request *, const struct form *);
enum lang	 web_page_lang(struct http_request *);
void		 web_base_url(struct http_request *, struct buf *);

/* web_catalog.c */
const struct version_def *catalog_version(int);
int		 catalog_load(void);
int		 catalog_state(int, const struct version_def **);
void		 catalog_free(void);

#endif
