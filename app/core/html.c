#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

const char	 HTML_BOOL[] = "";

/* HTML's void elements: a start tag only, never content or an end tag. */
static const char *const voids[] = {
	"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
	"meta", "source", "track", "wbr"
};

static int
is_void(const struct html *h, const char *elem)
{
	size_t	 i;

	if (h->svg > 0)
		return (0);
	for (i = 0; i < sizeof(voids) / sizeof(voids[0]); i++)
		if (strcmp(voids[i], elem) == 0)
			return (1);
	return (0);
}

static void
fail(struct html *h, const char *why)
{
	if (h->err == NULL)
		h->err = why;
}

/* Names cannot be escaped, so only plain ones are written at all. */
static int
name_ok(const char *s)
{
	if (s == NULL || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return (0);
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '-' || *s == ':'))
			return (0);
	return (1);
}

void
html_init(struct html *h, struct buf *out)
{
	memset(h, 0, sizeof(*h));
	h->out = out;
}

/* "<elem attrs"; 0 after an error. The caller ends the tag. */
static int
start_tag(struct html *h, const char *elem, va_list ap)
{
	const char	*k, *v;

	if (h->err != NULL)
		return (0);
	if (!name_ok(elem)) {
		fail(h, "bad element name");
		return (0);
	}
	buf_putc(h->out, '<');
	buf_puts(h->out, elem);
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		if (!name_ok(k)) {
			fail(h, "bad attribute name");
			return (0);
		}
		buf_putc(h->out, ' ');
		buf_puts(h->out, k);
		if (v == HTML_BOOL)
			continue;
		buf_puts(h->out, "=\"");
		buf_html(h->out, v);
		buf_putc(h->out, '"');
	}
	return (1);
}

static void
push(struct html *h, const char *elem)
{
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 16;
		h->stack = xrealloc(h->stack, h->cap * sizeof(*h->stack));
	}
	h->stack[h->n++] = elem;
	if (strcmp(elem, "svg") == 0)
		h->svg++;
}

static void
vopen(struct html *h, const char *elem, va_list ap)
{
	if (!start_tag(h, elem, ap))
		return;
	buf_putc(h->out, '>');
	if (!is_void(h, elem))
		push(h, elem);
}

void
html_open(struct html *h, const char *elem, ...)
{
	va_list	 ap;

	va_start(ap, elem);
	vopen(h, elem, ap);
	va_end(ap);
}

/* An element without content: <br>, <rect/> in SVG, <td></td>. */
void
html_leaf(struct html *h, const char *elem, ...)
{
	va_list	 ap;
	int	 ok;

	va_start(ap, elem);
	ok = start_tag(h, elem, ap);
	va_end(ap);
	if (!ok)
		return;
	if (h->svg > 0)
		buf_puts(h->out, "/>");
	else if (is_void(h, elem))
		buf_putc(h->out, '>');
	else {
		buf_puts(h->out, "></");
		buf_puts(h->out, elem);
		buf_putc(h->out, '>');
	}
}

/* An element holding one text: <td class="num">42</td>. */
void
html_elem(struct html *h, const char *elem, const char *text, ...)
{
	va_list	 ap;

	if (h->err == NULL && is_void(h, elem)) {
		fail(h, "text inside a void element");
		return;
	}
	va_start(ap, text);
	vopen(h, elem, ap);
	va_end(ap);
	html_text(h, text);
	html_close(h, elem);
}

void
html_text(struct html *h, const char *s)
{
	if (h->err == NULL)
		buf_html(h->out, s);
}

void
html_int(struct html *h, long v)
{
	if (h->err == NULL)
		buf_int(h->out, v);
}

/* Markup the caller built itself (the renderer's), never input. */
void
html_raw(struct html *h, const char *s)
{
	if (h->err == NULL && s != NULL)
		buf_puts(h->out, s);
}

int
html_close(struct html *h, const char *elem)
{
	if (h->err != NULL)
		return (0);
	if (h->n == 0 || strcmp(h->stack[h->n - 1], elem) != 0) {
		fail(h, h->n == 0 ? "close with nothing open" :
		    "close does not match the open element");
		return (0);
	}
	h->n--;
	if (strcmp(elem, "svg") == 0)
		h->svg--;
	buf_puts(h->out, "</");
	buf_puts(h->out, elem);
	buf_putc(h->out, '>');
	return (1);
}

void
html_close_all(struct html *h)
{
	while (h->err == NULL && h->n > 0)
		html_close(h, h->stack[h->n - 1]);
}

/* 1 when everything was closed and nothing went wrong; frees the stack. */
int
html_end(struct html *h)
{
	if (h->err == NULL && h->n > 0)
		fail(h, "elements left open");
	free(h->stack);
	h->stack = NULL;
	h->n = h->cap = 0;
	return (h->err == NULL);
}
