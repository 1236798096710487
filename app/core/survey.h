/*
 * The questionnaire model: what a definition file says, after it has
 * been read and checked (def_parse.c). Nothing here knows about HTTP or
 * SQL; the same structures serve the web app, svarctl and the tests.
 */
#ifndef SVAR_SURVEY_H
#define SVAR_SURVEY_H

#include <stddef.h>

enum lang {
	LANG_NB = 0,
	LANG_NN,
	LANG_EN,
	LANG_MAX
};

/* One string in every language; s[LANG_NB] is the fallback. */
struct text {
	char	*s[LANG_MAX];
};

#define OPT_DONTKNOW	0x01
#define OPT_OTHER	0x02
#define OPT_EXCLUSIVE	0x04

struct option {
	int		 code;
	char		*key;		/* hidden values only */
	struct text	 label;
	int		 flags;
};

struct optset {
	struct option	*v;
	size_t		 n;
};

struct scale {
	char		*id;
	int		 line;
	struct optset	 opts;
};

struct row {
	char		*key;
	struct text	 label;
};

struct image {
	char		*file;
	struct text	 alt;
};

enum item_type {
	ITEM_INFO,
	ITEM_SINGLE,
	ITEM_MULTI,
	ITEM_GRID,
	ITEM_NPS,
	ITEM_SUM,
	ITEM_NUMBER,
	ITEM_TEXT
};

enum cond_op {
	COND_EQ,
	COND_NE,
	COND_IN,
	COND_ANY,
	COND_NONE,
	COND_ANSWERED,
	COND_AND,
	COND_OR
};

struct item;
struct hidden;

struct cond {
	enum cond_op		 op;
	int			 line;
	char			*var;	/* "Q3_2", "Q3_1.video" or "B1" */
	const struct item	*item;	/* resolved; NULL for a hidden */
	int			*codes;
	size_t			 ncodes;
	struct cond		*l;
	struct cond		*r;
};

#define NPS_DONTKNOW	99
#define TEXT_MAXLEN	2000

/*
 * Ids and row keys are at most ID_MAX bytes (def_parse.c refuses longer
 * ones), so a variable name "<id>.<row key>" or "<id>.other" always
 * fits a VAR_MAX buffer: the snprintf()s that build them cannot cut.
 */
#define ID_MAX		48
#define VAR_MAX		128
_Static_assert(2 * ID_MAX + 2 <= VAR_MAX, "variable names must fit VAR_MAX");

/*
 * A text item that asks for contact details for a later interview
 * (recontact consent): what it holds never goes into answer, only into
 * the recontact table, which the admin role alone reads (sql/091).
 */
enum contact {
	CONTACT_NONE = 0,
	CONTACT_NAME,
	CONTACT_EMAIL,
	CONTACT_PHONE
};

struct item {
	char			*id;
	enum item_type		 type;
	int			 line;
	size_t			 page;		/* index into survey.pages */
	size_t			 index;		/* index into survey.items */
	struct text		*texts;		/* paragraphs of the question */
	size_t			 ntexts;
	struct text		 help;
	char			*scale_id;	/* as written */
	const struct scale	*scale;		/* single, grid */
	struct optset		 opts;		/* single, multi (own options) */
	struct row		*rows;		/* grid, sum */
	size_t			 nrows;
	struct image		*images;	/* info */
	size_t			 nimages;
	struct text		 low, high;	/* nps */
	struct text		 unit;		/* number */
	long			 min, max;	/* number */
	long			 total;		/* sum */
	size_t			 maxlen;	/* text */
	enum contact		 contact;	/* text */
	int			 required;
	struct cond		*cond;
};

struct page {
	char		*id;
	int		 line;
	struct text	 title;
	struct cond	*cond;
	size_t		 first;		/* first item index */
	size_t		 nitems;
};

struct hidden {
	char		*id;
	struct text	 label;
	struct optset	 values;
};

/*
 * What the privacy notice must say (GDPR art. 13): a wave cannot open
 * while its definition leaves one out.
 */
enum privacy {
	PRIV_CONTROLLER,	/* behandlingsansvarlig */
	PRIV_CONTACT,		/* whom to ask */
	PRIV_BASIS,		/* rettslig grunnlag */
	PRIV_RETENTION,		/* how long answers are kept */
	PRIV_DPO,		/* personvernombud */
	PRIV_MAX
};

struct survey {
	char		*key;
	int		 wave;
	struct text	 title;
	struct text	 owner;		/* shown in every page's header */
	struct text	 privacy[PRIV_MAX];
	struct hidden	*hidden;
	size_t		 nhidden;
	struct scale	*scales;
	size_t		 nscales;
	struct page	*pages;
	size_t		 npages;
	struct item	*items;
	size_t		 nitems;
};

const char	*text_get(const struct text *, enum lang);
enum lang	 lang_parse(const char *);
const char	*lang_code(enum lang);

const struct optset	*item_options(const struct item *);
const struct option	*optset_find(const struct optset *, int);
const struct option	*optset_other(const struct optset *);
const struct item	*survey_item(const struct survey *, const char *);
size_t			 survey_page(const struct survey *, const char *);
const struct hidden	*survey_hidden(const struct survey *, const char *);
const struct scale	*survey_scale(const struct survey *, const char *);
const struct row	*item_row(const struct item *, const char *);
const char		*privacy_name(enum privacy);
size_t			 survey_privacy_missing(const struct survey *, char *,
			    size_t);
void			 cond_free(struct cond *);
void			 survey_free(struct survey *);

/* def_parse.c */
struct def_errors {
	char	**msg;
	size_t	  n;
};

struct survey	*def_parse(const char *, const char *, size_t,
		    struct def_errors *);
struct survey	*def_parse_file(const char *, struct def_errors *);
void		 def_errors_free(struct def_errors *);

/*
 * def_lex.c: a whole decimal number from min to max with nothing after
 * it: the definition's numbers, and those svarctl and forms are given.
 */
int		 def_parse_long(const char *, long, long, long *);

#endif
