/*
 * Inside the definition reader only: the parser's state and the pieces
 * that def_lex.c (tokens, errors), def_cond.c (conditions), def_check.c
 * (whole-survey checks) and def_parse.c (directives) share.
 */
#ifndef SVAR_DEF_INT_H
#define SVAR_DEF_INT_H

#include <stdarg.h>
#include <stddef.h>

#include "survey.h"

#define DEF_MAX_ERRORS	100
#define DEF_MAX_BYTES	(4 * 1024 * 1024)
#define TOK_MAX		64

enum tok_type {
	TOK_WORD,
	TOK_STRING,
	TOK_LPAREN,
	TOK_RPAREN,
	TOK_COMMA,
	TOK_EQ,
	TOK_NE
};

struct tok {
	enum tok_type	 type;
	char		*s;
};

enum ctx {
	CTX_TOP,
	CTX_HIDDEN,
	CTX_SCALE,
	CTX_PAGE,
	CTX_ITEM
};

struct parser {
	const char		*file;
	int			 line;
	struct survey		*s;
	struct def_errors	*err;
	enum ctx		 ctx;
	struct text		*last;		/* what an @nn / @en line translates */
	struct tok		 t[TOK_MAX];
	size_t			 nt;
};

void		 def_perr(struct parser *, const char *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
void		 def_perr_line(struct parser *, int, const char *, const char *,
		    ...) __attribute__((format(printf, 4, 5)));
int		 def_lex_line(struct parser *, const char *, size_t);
void		 def_toks_free(struct parser *);
int		 def_is_word(const struct parser *, size_t, const char *);
const char	*def_cur_id(struct parser *);
struct cond	*def_parse_cond(struct parser *, size_t);
void		 def_check_cond(struct parser *, struct cond *, size_t,
		    const char *);
void		 def_check(struct parser *);

#endif
