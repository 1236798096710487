/* The definition reader's tokens and error messages. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "def_int.h"

static void
perr_at(struct def_errors *err, const char *file, int line, const char *id,
    const char *fmt, va_list ap)
{
	struct buf	 b;

	if (err->n >= DEF_MAX_ERRORS)
		return;
	buf_init(&b);
	buf_printf(&b, "%s:%d: ", file, line);
	if (id != NULL)
		buf_printf(&b, "%s: ", id);
	buf_cstr(&b);
	{
		char	 tmp[512];

		vsnprintf(tmp, sizeof(tmp), fmt, ap);
		buf_puts(&b, tmp);
	}
	err->msg = xrealloc(err->msg, (err->n + 1) * sizeof(char *));
	err->msg[err->n++] = buf_steal(&b);
}

void
def_perr(struct parser *p, const char *id, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	perr_at(p->err, p->file, p->line, id, fmt, ap);
	va_end(ap);
}

void
def_perr_line(struct parser *p, int line, const char *id, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	perr_at(p->err, p->file, line, id, fmt, ap);
	va_end(ap);
}

void
def_errors_free(struct def_errors *e)
{
	size_t	 i;

	for (i = 0; i < e->n; i++)
		free(e->msg[i]);
	free(e->msg);
	e->msg = NULL;
	e->n = 0;
}

void
def_toks_free(struct parser *p)
{
	size_t	 i;

	for (i = 0; i < p->nt; i++)
		free(p->t[i].s);
	p->nt = 0;
}

static int
tok_push(struct parser *p, enum tok_type type, char *s)
{
	if (p->nt == TOK_MAX) {
		free(s);
		def_perr(p, NULL, "too many words on one line (at most %d)",
		    TOK_MAX);
		return (0);
	}
	p->t[p->nt].type = type;
	p->t[p->nt].s = s;
	p->nt++;
	return (1);
}

/* Splits one line into tokens; returns 0 after reporting an error. */
int
def_lex_line(struct parser *p, const char *l, size_t n)
{
	size_t		 i, j;
	struct buf	 b;

	for (i = 0; i < n; ) {
		if (l[i] == ' ' || l[i] == '\t' || l[i] == '\r') {
			i++;
			continue;
		}
		if (l[i] == '#' && p->nt == 0)
			return (1);
		if (l[i] == '(' || l[i] == ')' || l[i] == ',' || l[i] == '=') {
			if (!tok_push(p, l[i] == '(' ? TOK_LPAREN :
			    l[i] == ')' ? TOK_RPAREN : l[i] == ',' ?
			    TOK_COMMA : TOK_EQ, NULL))
				return (0);
			i++;
			continue;
		}
		if (l[i] == '!' && i + 1 < n && l[i + 1] == '=') {
			if (!tok_push(p, TOK_NE, NULL))
				return (0);
			i += 2;
			continue;
		}
		if (l[i] == '"') {
			buf_init(&b);
			for (j = i + 1; j < n && l[j] != '"'; j++) {
				if (l[j] == '\\' && j + 1 < n) {
					j++;
					buf_putc(&b, l[j] == 'n' ? '\n' : l[j]);
					continue;
				}
				buf_putc(&b, l[j]);
			}
			if (j == n) {
				buf_free(&b);
				def_perr(p, NULL, "string not closed: a '\"' is "
				    "missing at the end of the line");
				return (0);
			}
			if (!tok_push(p, TOK_STRING, buf_steal(&b)))
				return (0);
			i = j + 1;
			continue;
		}
		for (j = i; j < n && !strchr(" \t\r\"(),=!", l[j]); j++)
			;
		if (j == i) {
			def_perr(p, NULL, "unexpected character '%c'", l[i]);
			return (0);
		}
		if (!tok_push(p, TOK_WORD, xstrndup(l + i, j - i)))
			return (0);
		i = j;
	}
	return (1);
}

int
def_is_word(const struct parser *p, size_t i, const char *w)
{
	return (i < p->nt && p->t[i].type == TOK_WORD &&
	    (w == NULL || strcmp(p->t[i].s, w) == 0));
}

int
def_parse_long(const char *s, long min, long max, long *out)
{
	char	*end;
	long	 v;

	if (s == NULL || *s == '\0')
		return (0);
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return (0);
	*out = v;
	return (1);
}

