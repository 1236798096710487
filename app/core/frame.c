#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "csv.h"
#include "frame.h"

/* The columns of each kind of file; required ones first. */
enum col {
	C_CODE, C_NAME, C_FYLKE, C_RHF, C_TYPE, C_POP, C_POST, C_ADDR,
	C_ZIP, C_TOWN, C_MAX
};

static const struct {
	const char	*name[FRAME_MAX];	/* header per kind, NULL: unused */
	int		 required[FRAME_MAX];
} cols[C_MAX] = {
	[C_CODE] = { { "kommunenummer", "code", "code" }, { 1, 1, 1 } },
	[C_NAME] = { { "navn", "navn", "navn" }, { 1, 1, 1 } },
	[C_FYLKE] = { { "fylke", "fylke", "fylke" }, { 1, 1, 0 } },
	[C_RHF] = { { NULL, "rhf", NULL }, { 0, 1, 0 } },
	[C_TYPE] = { { NULL, "type", NULL }, { 0, 1, 0 } },
	[C_POP] = { { "innbyggere", NULL, NULL }, { 0, 0, 0 } },
	[C_POST] = { { "postmottak", "postmottak", "epost" }, { 0, 0, 1 } },
	[C_ADDR] = { { NULL, NULL, "adresse" }, { 0, 0, 1 } },
	[C_ZIP] = { { NULL, NULL, "postnummer" }, { 0, 0, 0 } },
	[C_TOWN] = { { NULL, NULL, "poststed" }, { 0, 0, 0 } },
};

struct reader {
	enum frame_kind	 kind;
	struct frame	*fr;
	int		 at[C_MAX];	/* field index, -1: absent */
	int		 header;
};

int
frame_kind_parse(const char *s, enum frame_kind *k)
{
	if (s == NULL)
		return (0);
	if (strcmp(s, "kommune") == 0)
		*k = FRAME_KOMMUNE;
	else if (strcmp(s, "hf") == 0)
		*k = FRAME_HF;
	else if (strcmp(s, "fastlegekontor") == 0)
		*k = FRAME_OFFICE;
	else
		return (0);
	return (1);
}

static void
frame_error(struct frame *fr, size_t line, const char *fmt, const char *a)
{
	struct buf	 b;

	if (fr->nerr == FRAME_MAX_ERRORS)
		return;
	buf_init(&b);
	if (line > 0)
		buf_printf(&b, "line %zu: ", line);
	buf_printf(&b, fmt, a);
	fr->err = xrealloc(fr->err, (fr->nerr + 1) * sizeof(char *));
	fr->err[fr->nerr++] = buf_steal(&b);
}

/* Plain enough for a mail header: one @, no spaces or controls. */
int
frame_email_ok(const char *s)
{
	const char	*at;
	size_t		 i, n = strlen(s);

	if (n < 3 || n > 254 || (at = strchr(s, '@')) == NULL || at == s ||
	    strchr(at + 1, '@') != NULL || strchr(at + 1, '.') == NULL ||
	    at[1] == '.' || s[n - 1] == '.')
		return (0);
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || strchr("<>\",;:()[]\\",
		    s[i]) != NULL)
			return (0);
	return (1);
}

static char *
field(const struct reader *r, const struct csv_record *rec, enum col c)
{
	int	 i = r->at[c];

	if (i < 0 || (size_t)i >= rec->n || rec->f[i][0] == '\0')
		return (NULL);
	return (xstrdup(rec->f[i]));
}

static void
read_header(struct reader *r, const struct csv_record *rec)
{
	size_t	 i;
	int	 c;

	for (c = 0; c < C_MAX; c++) {
		r->at[c] = -1;
		if (cols[c].name[r->kind] == NULL)
			continue;
		for (i = 0; i < rec->n; i++)
			if (strcasecmp(rec->f[i], cols[c].name[r->kind]) == 0)
				r->at[c] = (int)i;
		if (r->at[c] < 0 && cols[c].required[r->kind])
			frame_error(r->fr, rec->line, "the header has no column "
			    "'%s'", cols[c].name[r->kind]);
	}
}

static int
code_ok(enum frame_kind k, const char *s)
{
	size_t	 n = strlen(s);

	if (k == FRAME_KOMMUNE)
		return (n == 4 && strspn(s, "0123456789") == 4);
	return (n >= 1 && n <= 64 &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-_.") == n);
}

static int
read_row(const struct csv_record *rec, void *arg)
{
	struct reader		*r = arg;
	struct frame		*fr = r->fr;
	struct frame_unit	 u;
	char			*pop, *type, *end, *zip, *town;
	size_t			 i;

	if (!r->header) {
		r->header = 1;
		read_header(r, rec);
		/* Without its columns no row can be read. */
		return (fr->nerr == 0);
	}
	memset(&u, 0, sizeof(u));
	u.line = rec->line;
	u.population = -1;
	u.code = field(r, rec, C_CODE);
	u.name = field(r, rec, C_NAME);
	u.fylke = field(r, rec, C_FYLKE);
	u.postmottak = field(r, rec, C_POST);
	if (u.code == NULL || !code_ok(r->kind, u.code))
		frame_error(fr, rec->line, r->kind == FRAME_KOMMUNE ?
		    "kommunenummer '%s' must be 4 digits" : "code '%s' must "
		    "be lowercase letters, digits and -_.", u.code ? u.code :
		    "");
	if (u.name == NULL)
		frame_error(fr, rec->line, "%s", "the name (navn) is empty");
	if (cols[C_FYLKE].required[r->kind] && u.fylke == NULL)
		frame_error(fr, rec->line, "%s", "fylke is empty");
	if (u.postmottak != NULL && !frame_email_ok(u.postmottak))
		frame_error(fr, rec->line, "'%s' is not an e-mail address",
		    u.postmottak);
	for (i = 0; u.code != NULL && i < fr->n; i++)
		if (strcmp(fr->v[i].code, u.code) == 0) {
			frame_error(fr, rec->line, "code '%s' is on an earlier "
			    "line too", u.code);
			break;
		}
	switch (r->kind) {
	case FRAME_KOMMUNE:
		u.kind = xstrdup("kommune");
		if ((pop = field(r, rec, C_POP)) != NULL) {
			u.population = strtol(pop, &end, 10);
			if (*end != '\0' || u.population < 0 ||
			    u.population > 10000000)
				frame_error(fr, rec->line, "innbyggere '%s' must "
				    "be a whole number", pop);
			free(pop);
		}
		break;
	case FRAME_HF:
		type = field(r, rec, C_TYPE);
		u.kind = xstrdup(type != NULL && strcmp(type, "rhf") == 0 ?
		    "rhf" : "hf");
		if (type == NULL)
			frame_error(fr, rec->line, "%s", "type is empty (rhf or "
			    "clinical)");
		free(type);
		u.parent = field(r, rec, C_RHF);
		if (u.parent == NULL)
			frame_error(fr, rec->line, "%s", "rhf is empty");
		break;
	default:
		u.kind = xstrdup("fastlegekontor");
		u.address = field(r, rec, C_ADDR);
		zip = field(r, rec, C_ZIP);
		town = field(r, rec, C_TOWN);
		if (u.address == NULL)
			frame_error(fr, rec->line, "%s", "adresse is empty "
			    "(offices without an address are left out of the "
			    "frame: leave them out of the file)");
		else if (zip != NULL || town != NULL) {
			struct buf	 b;

			buf_init(&b);
			buf_printf(&b, "%s, %s %s", u.address, zip ? zip : "",
			    town ? town : "");
			free(u.address);
			u.address = buf_steal(&b);
		}
		free(zip);
		free(town);
		if (u.postmottak == NULL)
			frame_error(fr, rec->line, "%s", "epost is empty");
		break;
	}
	fr->v = xrealloc(fr->v, (fr->n + 1) * sizeof(*fr->v));
	fr->v[fr->n++] = u;
	return (fr->nerr < FRAME_MAX_ERRORS);
}

/*
 * Reads a whole file. 1 when it has no error; 0 with every problem in
 * fr->err (at most FRAME_MAX_ERRORS), and nothing is to be stored.
 */
int
frame_read(enum frame_kind kind, const char *src, size_t len,
    struct frame *fr)
{
	struct reader	 r;
	char		 err[256];

	memset(fr, 0, sizeof(*fr));
	memset(&r, 0, sizeof(r));
	r.kind = kind;
	r.fr = fr;
	if (!csv_parse(src, len, read_row, &r, err, sizeof(err)) &&
	    err[0] != '\0')
		frame_error(fr, 0, "%s", err);
	if (!r.header)
		frame_error(fr, 0, "%s", "the file is empty");
	else if (fr->n == 0 && fr->nerr == 0)
		frame_error(fr, 0, "%s", "the file has a header but no units");
	return (fr->nerr == 0);
}

void
frame_free(struct frame *fr)
{
	size_t	 i;

	for (i = 0; i < fr->n; i++) {
		free(fr->v[i].kind);
		free(fr->v[i].code);
		free(fr->v[i].name);
		free(fr->v[i].parent);
		free(fr->v[i].fylke);
		free(fr->v[i].postmottak);
		free(fr->v[i].address);
	}
	for (i = 0; i < fr->nerr; i++)
		free(fr->err[i]);
	free(fr->v);
	free(fr->err);
	memset(fr, 0, sizeof(*fr));
}
