#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "form.h"

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/* Decodes one name or value in place of a fresh string; NULL on a bad escape. */
static char *
form_decode(const char *s, size_t n)
{
	char	*out;
	size_t	 i, o;
	int	 hi, lo;

	out = xmalloc(n + 1);
	for (i = 0, o = 0; i < n; i++) {
		if (s[i] == '+') {
			out[o++] = ' ';
			continue;
		}
		if (s[i] != '%') {
			out[o++] = s[i];
			continue;
		}
		if (i + 2 >= n) {
			free(out);
			return (NULL);
		}
		hi = hexval(s[i + 1]);
		lo = hexval(s[i + 2]);
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			free(out);
			return (NULL);
		}
		out[o++] = (char)(hi * 16 + lo);
		i += 2;
	}
	out[o] = '\0';
	return (out);
}

enum form_err
form_parse(struct form *f, const char *s, size_t len)
{
	const char	*p, *end, *amp, *eq;
	char		*name, *value;
	size_t		 cap;

	f->v = NULL;
	f->n = 0;
	cap = 0;
	p = s;
	end = s + len;
	while (p < end) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		if (amp == p) {
			p++;
			continue;
		}
		if (f->n == FORM_MAX_FIELDS) {
			form_free(f);
			return (FORM_TOO_MANY);
		}
		if ((eq = memchr(p, '=', (size_t)(amp - p))) == NULL)
			eq = amp;
		name = form_decode(p, (size_t)(eq - p));
		value = form_decode(eq < amp ? eq + 1 : amp,
		    eq < amp ? (size_t)(amp - eq - 1) : 0);
		if (name == NULL || value == NULL) {
			free(name);
			free(value);
			form_free(f);
			return (FORM_BAD_ENCODING);
		}
		if (!utf8_valid(name, strlen(name)) ||
		    !utf8_valid(value, strlen(value))) {
			free(name);
			free(value);
			form_free(f);
			return (FORM_BAD_UTF8);
		}
		if (f->n == cap) {
			cap = cap ? cap * 2 : 16;
			f->v = xrealloc(f->v, cap * sizeof(*f->v));
		}
		f->v[f->n].name = name;
		f->v[f->n].value = value;
		f->n++;
		p = amp + 1;
	}
	return (FORM_OK);
}

void
form_free(struct form *f)
{
	size_t	 i;

	for (i = 0; i < f->n; i++) {
		free(f->v[i].name);
		free(f->v[i].value);
	}
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

const char *
form_get(const struct form *f, const char *name)
{
	return (form_get_nth(f, name, 0));
}

const char *
form_get_nth(const struct form *f, const char *name, size_t nth)
{
	size_t	 i;

	for (i = 0; i < f->n; i++) {
		if (strcmp(f->v[i].name, name) != 0)
			continue;
		if (nth-- == 0)
			return (f->v[i].value);
	}
	return (NULL);
}

size_t
form_count(const struct form *f, const char *name)
{
	size_t	 i, n;

	for (i = 0, n = 0; i < f->n; i++)
		if (strcmp(f->v[i].name, name) == 0)
			n++;
	return (n);
}

/* Strict UTF-8: no overlongs, no surrogates, nothing above U+10FFFF. */
int
utf8_valid(const char *str, size_t n)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 i, k, need;
	unsigned int		 cp, min;

	for (i = 0; i < n; ) {
		if (s[i] < 0x80) {
			if (s[i] == 0)
				return (0);
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			need = 1, cp = s[i] & 0x1f, min = 0x80;
		} else if ((s[i] & 0xf0) == 0xe0) {
			need = 2, cp = s[i] & 0x0f, min = 0x800;
		} else if ((s[i] & 0xf8) == 0xf0) {
			need = 3, cp = s[i] & 0x07, min = 0x10000;
		} else
			return (0);
		if (n - i <= need)
			return (0);
		for (k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return (0);
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return (0);
		i += need + 1;
	}
	return (1);
}

size_t
utf8_chars(const char *s)
{
	size_t	 n;

	for (n = 0; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return (n);
}
