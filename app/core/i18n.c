#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "i18n.h"

struct entry {
	char	*key;
	char	*value;
};

static struct entry	*table[LANG_MAX];
static size_t		 ntable[LANG_MAX];

static int
entry_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct entry *)a)->key,
	    ((const struct entry *)b)->key));
}

static int
load_one(const char *dir, enum lang l, struct buf *err)
{
	char		 path[1024], line[4096];
	FILE		*f;
	char		*eq, *k, *v, *e;
	int		 lineno = 0;
	size_t		 cap = 0;

	snprintf(path, sizeof(path), "%s/%s.txt", dir, lang_code(l));
	if ((f = fopen(path, "r")) == NULL) {
		buf_printf(err, "%s: %s", path, strerror(errno));
		return (0);
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		for (k = line; *k == ' ' || *k == '\t'; k++)
			;
		if (*k == '\0' || *k == '#')
			continue;
		if ((eq = strchr(k, '=')) == NULL ||
		    !utf8_valid(line, strlen(line))) {
			buf_printf(err, "%s:%d: expected 'key = text'", path,
			    lineno);
			fclose(f);
			return (0);
		}
		for (e = eq; e > k && (e[-1] == ' ' || e[-1] == '\t'); e--)
			;
		*e = '\0';
		for (v = eq + 1; *v == ' ' || *v == '\t'; v++)
			;
		if (ntable[l] == cap) {
			cap = cap ? cap * 2 : 128;
			table[l] = xrealloc(table[l], cap * sizeof(struct entry));
		}
		table[l][ntable[l]].key = xstrdup(k);
		table[l][ntable[l]].value = xstrdup(v);
		ntable[l]++;
	}
	fclose(f);
	qsort(table[l], ntable[l], sizeof(struct entry), entry_cmp);
	return (1);
}

int
i18n_load(const char *dir, struct buf *err)
{
	int	 l;

	i18n_free();
	for (l = 0; l < LANG_MAX; l++)
		if (!load_one(dir, (enum lang)l, err))
			return (0);
	return (1);
}

void
i18n_free(void)
{
	int	 l;
	size_t	 i;

	for (l = 0; l < LANG_MAX; l++) {
		for (i = 0; i < ntable[l]; i++) {
			free(table[l][i].key);
			free(table[l][i].value);
		}
		free(table[l]);
		table[l] = NULL;
		ntable[l] = 0;
	}
}

static const char *
lookup(enum lang l, const char *key)
{
	struct entry	 k, *e;

	if (l >= LANG_MAX || table[l] == NULL)
		return (NULL);
	k.key = (char *)key;
	k.value = NULL;
	e = bsearch(&k, table[l], ntable[l], sizeof(struct entry), entry_cmp);
	return (e ? e->value : NULL);
}

const char *
i18n_get(enum lang l, const char *key)
{
	const char	*v;

	if ((v = lookup(l, key)) != NULL)
		return (v);
	if ((v = lookup(LANG_NB, key)) != NULL)
		return (v);
	return (key);
}

/*
 * Writes the string `key` HTML-escaped, with {1} and {2} replaced by the
 * (escaped) arguments. Arguments are placed, never interpreted.
 */
void
i18n_format(struct buf *b, enum lang l, const char *key, const char *a1,
    const char *a2)
{
	const char	*s = i18n_get(l, key), *p;

	for (p = s; *p != '\0'; p++) {
		if (p[0] == '{' && (p[1] == '1' || p[1] == '2') &&
		    p[2] == '}') {
			buf_html(b, p[1] == '1' ? a1 : a2);
			p += 2;
			continue;
		}
		buf_html_len(b, p, 1);
	}
}

int
i18n_loaded(void)
{
	return (table[LANG_NB] != NULL);
}

/* Whether bokmål, which every other language falls back to, has key. */
int
i18n_has(const char *key)
{
	return (lookup(LANG_NB, key) != NULL);
}
