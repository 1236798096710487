/*
 * The unit frame as files: the reference lists in data/ and CSV files
 * an admin uploads, read into units and checked whole. A file with any
 * error is refused whole, every problem listed by line.
 *
 * Columns, by header name (order free, names as in data/):
 *   kommune         kommunenummer, navn, fylke; optional innbyggere,
 *                   postmottak
 *   hf              code, navn, rhf, type (rhf|clinical|...), fylke;
 *                   optional postmottak
 *   fastlegekontor  code, navn, adresse, epost; optional postnummer,
 *                   poststed, fylke, leger
 */
#ifndef SVAR_FRAME_H
#define SVAR_FRAME_H

#include <stddef.h>

enum frame_kind {
	FRAME_KOMMUNE,
	FRAME_HF,
	FRAME_OFFICE,
	FRAME_MAX
};

struct frame_unit {
	char	*kind;		/* "kommune", "hf", "rhf", "fastlegekontor" */
	char	*code;
	char	*name;
	char	*parent;	/* an HF's RHF, by name; NULL otherwise */
	char	*fylke;
	long	 population;	/* -1: not known */
	char	*postmottak;	/* the unit's official e-mail, or NULL */
	char	*address;	/* an office's postal address, or NULL */
	size_t	 line;
};

struct frame {
	struct frame_unit	*v;
	size_t			 n;
	char			**err;	/* "line 3: kommunenummer ..." */
	size_t			 nerr;
};

#define FRAME_MAX_ERRORS	50

int		 frame_kind_parse(const char *, enum frame_kind *);
int		 frame_read(enum frame_kind, const char *, size_t,
		    struct frame *);
void		 frame_free(struct frame *);
int		 frame_email_ok(const char *);

#endif
