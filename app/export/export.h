/*
 * Raw-data exports (issue 13 §1): one row per response, one column per
 * stored variable in questionnaire order, written as CSV, XLSX, SPSS
 * .sav or Stata .dta, and the codebook that documents them. No Kore and
 * no SQL here: the table is built from a parsed definition, rows come
 * from a caller (ex_run.c feeds them from the database layer's streams)
 * one at a time, and every writer streams, so memory does not grow with
 * the number of responses.
 */
#ifndef SVAR_EXPORT_H
#define SVAR_EXPORT_H

#include <stddef.h>

#include "survey.h"

enum ex_format {
	EX_CSV,
	EX_CSV_EXCEL,		/* BOM and ';': Excel in a Norwegian locale */
	EX_XLSX,
	EX_SAV,
	EX_DTA,
	EX_BOOK_HTML,
	EX_BOOK_JSON,
	EX__FORMATS
};

/*
 * The missing codes of numeric columns in CSV, XLSX and .sav (there
 * user-missing, with "Vet ikke" where the column has one); .dta has
 * the extended missing values .a, .b and .c instead.
 */
#define EX_MISS_SKIPPED		(-1)	/* asked, not answered: .a */
#define EX_MISS_NOTASKED	(-2)	/* routed past: .b */
#define EX_MISS_NOTREACHED	(-3)	/* no row: page not reached: .c */

enum ex_state {
	EX_S_VALUE,
	EX_S_SKIPPED,
	EX_S_NOTASKED,
	EX_S_NOTREACHED,
	EX_S_NULL		/* paradata without a value */
};

enum ex_kind {
	EX_NUM,
	EX_STR,
	EX_TIME			/* "YYYY-MM-DD HH:MM:SS", Oslo's clock */
};

/* A date and time as a wall clock, no time zone (ex_time). */
struct ex_dt {
	int	 year, month, day, hour, min, sec;
};

/* Seconds from SPSS's and from Stata's day 0 to 1970-01-01. */
#define EX_SPSS_1970	12219379200.0	/* from 1582-10-14 */
#define EX_STATA_1970	315619200.0	/* from 1960-01-01 */

/* What a column holds. */
enum ex_part {
	EX_PARA,		/* paradata of the response */
	EX_VALUE,		/* the coded value (what the results count) */
	EX_RAW,			/* the respondent's own value, before coding */
	EX_CODE,		/* the option an open text was back-coded to */
	EX_FRAME		/* the coding-frame code an open text got */
};

/* The paradata columns, first in every export, in this order. */
enum ex_para {
	EX_P_ID,
	EX_P_VERSION,
	EX_P_UNIT,
	EX_P_UNIT_NAME,
	EX_P_RHF,
	EX_P_FYLKE,
	EX_P_STATUS,
	EX_P_LAST_PAGE,
	EX_P_LANG,
	EX_P_STARTED,
	EX_P_COMPLETED,
	EX_P_DURATION,
	EX_P_CHANNEL,
	EX_P_TEST,
	EX__PARA
};

struct ex_label {
	double	 code;
	char	*text;
};

struct ex_labels {
	char		*name;		/* a legal Stata/SPSS name */
	struct ex_label	*v;
	size_t		 n;
};

/* An earlier wave's wording of a column's item, where it differs. */
struct ex_past {
	int		 year;
	char		*question[LANG_MAX];
	char		*label;		/* the column's then; NULL: none */
	struct ex_label	*values;	/* its value labels then */
	size_t		 nvalues;
};

struct ex_col {
	char		*name;		/* as in the answer table: Q3_1.video */
	char		*legal;		/* for .sav and .dta: Q3_1_video */
	const char	*var;		/* the answer variable it reads */
	char		*label;		/* variable label, chosen language */
	char		*cond;		/* who is asked, as the definition says */
	const struct item *item;	/* NULL for paradata and hidden */
	enum ex_kind	 kind;
	enum ex_part	 part;
	int		 para;		/* enum ex_para, for EX_PARA */
	int		 width;		/* strings: longest value written,
					   in bytes (ex_run.c) */
	long		 labels;	/* index into table labels, or -1 */
	int		 has_dk;	/* a "Vet ikke" code, declared missing */
	double		 dk;
	long		 n[4];		/* codebook: answered, skipped, not
					   asked, not reached */
	struct ex_past	*past;		/* codebook: earlier wording */
	size_t		 npast;
};

/* A frame code of an item's coding frame (sql/065 code_frame). */
struct ex_frame_code {
	const char	*item;
	int		 code;
	const char	*label;
};

struct ex_table {
	enum lang	 lang;
	char		*title;		/* survey title and year */
	struct ex_col	*cols;
	size_t		 ncols;
	struct ex_labels *labels;
	size_t		 nlabels;
	size_t		*order;		/* columns by var, for ex_find */
	size_t		 norder;
	int		 texts;		/* free-text columns included */
};

struct ex_cell {
	enum ex_state	 st;
	const char	*s;
};

/* ex_past.c */
void		 ex_table_past(struct ex_table *, const struct survey *, int,
		    const struct ex_frame_code *, size_t);
void		 ex_past_free(struct ex_col *);

/* ex_table.c */
void		 ex_table_build(struct ex_table *, const struct survey *,
		    enum lang, const struct ex_frame_code *, size_t, int);
void		 ex_table_free(struct ex_table *);
long		 ex_find(const struct ex_table *, const char *, enum ex_part);
long		 ex_find_var(const struct ex_table *, const char *);
void		 ex_legal_name(const char *, char *, size_t);
const char	*ex_str(enum lang, const char *);
int		 ex_format_parse(const char *);
const char	*ex_format_name(int);
const char	*ex_format_ext(int);
const char	*ex_format_mime(int);
const char	*ex_miss_label(enum lang, int);

/*
 * A writer: begin with the number of rows (the .sav and .dta headers
 * carry it), a row per response, end. Each returns 0 on failure with
 * the reason in err.
 */
struct ex_out {
	const struct ex_table	*t;
	int			 format;
	const char		*path;		/* xlsx: the file to write */
	int			 fd;		/* the others: written here */
	long			 rows;
	void			*priv;
	char			 err[256];
};

struct ex_ops {
	int	(*begin)(struct ex_out *, long);
	int	(*row)(struct ex_out *, const struct ex_cell *);
	int	(*end)(struct ex_out *);
};

const struct ex_ops	*ex_ops(int);
int			 ex_write_all(struct ex_out *, const void *, size_t);
double			 ex_num(const struct ex_cell *, int *);
int			 ex_time(const char *, struct ex_dt *, double *);

extern const struct ex_ops	ex_csv_ops;
extern const struct ex_ops	ex_stat_ops;
extern const struct ex_ops	ex_xlsx_ops;
extern const struct ex_ops	ex_book_ops;

#endif
