#include <stdio.h>

#include "cli.h"
#include "survey.h"

/* Prints every problem of every file; exit 1 when any file has one. */
int
cli_check(int argc, char **argv)
{
	struct def_errors	 err;
	struct survey		*s;
	char			 missing[96];
	size_t			 i;
	int			 f, bad = 0;

	for (f = 0; f < argc; f++) {
		if ((s = def_parse_file(argv[f], &err)) == NULL) {
			for (i = 0; i < err.n; i++)
				fprintf(stderr, "%s\n", err.msg[i]);
			fprintf(stderr, "%s: refused (%zu error%s)\n", argv[f],
			    err.n, err.n == 1 ? "" : "s");
			def_errors_free(&err);
			bad = 1;
			continue;
		}
		printf("%s: ok: survey %s wave %d, %zu pages, %zu items\n",
		    argv[f], s->key, s->wave, s->npages, s->nitems);
		if (survey_privacy_missing(s, missing, sizeof(missing)) > 0)
			printf("%s: note: the wave cannot open until the text "
			    "names: %s\n", argv[f], missing);
		survey_free(s);
	}
	return (bad);
}
