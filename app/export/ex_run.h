/*
 * One export from the database to a file descriptor (or, for XLSX, a
 * path): what svarctl export and the admin's download both call.
 */
#ifndef SVAR_EX_RUN_H
#define SVAR_EX_RUN_H

#include "db.h"
#include "export.h"

struct ex_run {
	int			 format;
	const char		*wave;		/* id or year; NULL: the only */
	const char		*version;	/* key, or NULL */
	enum lang		 lang;
	int			 texts;		/* free-text columns */
	struct db_export_filter	 filter;
};

struct ex_result {
	int		 fd;
	const char	*path;
	long		 rows;
	size_t		 cols;
	int		 usage;		/* the request was wrong */
	int		 busy;		/* too many exports at once */
	char		 wave[64];	/* "helsepersonell 2021" */
	char		 err[1024];
};

struct buf;
long	ex_run(struct db *, const struct ex_run *, struct ex_result *);
void	ex_run_detail(const struct ex_run *, const struct ex_result *,
	    struct buf *);

#endif
