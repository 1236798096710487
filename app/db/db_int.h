/* Inside the database layer only. */
#ifndef SVAR_DB_INT_H
#define SVAR_DB_INT_H

#include <libpq-fe.h>

#include "buf.h"

struct db {
	PGconn	*conn;
	char	*conninfo;
	int	 prepare;	/* prepare the web statements on connect */
	char	 err[512];
};

PGresult	*db_exec(struct db *, const char *, int, const char *const *,
		    ExecStatusType);
void		 db_array(struct buf *, const char *const *, size_t);

#endif
