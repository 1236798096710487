/*
 * A growing byte buffer and the escaping writers the HTML renderer is
 * built on. Text from a survey, a translation or a respondent only ever
 * reaches a page through buf_html() or buf_attr().
 */
#ifndef SVAR_BUF_H
#define SVAR_BUF_H

#include <stddef.h>

struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

void	 buf_init(struct buf *);
void	 buf_free(struct buf *);
void	 buf_reset(struct buf *);
void	 buf_append(struct buf *, const void *, size_t);
void	 buf_puts(struct buf *, const char *);
void	 buf_putc(struct buf *, char);
void	 buf_int(struct buf *, long);
void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_html(struct buf *, const char *);
void	 buf_html_len(struct buf *, const char *, size_t);
const char	*buf_cstr(struct buf *);
char	*buf_steal(struct buf *);

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);

#endif
