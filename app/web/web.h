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

struct app {
	struct db		*db;
	struct tmpl		*tmpl[T_MAX];
	int			 secure_cookies;
	int			 trusted_proxy;	/* believe X-Forwarded-For */
	char			*base_url;	/* for links shown or mailed */
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
void		 web_go_response(struct http_request *, const char *,
		    const char *);
void		 web_unavailable(struct http_request *, enum lang,
		    const char *);
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
void		 web_base_url(struct buf *);

/* web_catalog.c */
#define CAT_OK		1
#define CAT_BAD		0
int		 catalog_def(int, const struct survey **, const char **);
int		 catalog_state(int, int *);
void		 catalog_free(void);

/* web_route.c: every route's methods and checks, in one place. */
#define M_GET		0x01	/* and HEAD */
#define M_POST		0x02

struct web_route {
	const char	*name;
	int		 methods;
	int		 (*fn)(struct http_request *);
};

int		 web_run(struct http_request *, const struct web_route *);

/* The handlers, by area. */
int		 page_home(struct http_request *);
int		 page_code(struct http_request *);
int		 page_privacy(struct http_request *);
int		 page_health(struct http_request *);
int		 page_link(struct http_request *);
int		 page_respond(struct http_request *);
int		 page_asset_refused(struct http_request *);

#endif
