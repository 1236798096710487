/*
 * svarctl: the one command-line tool. It shares the app's core and
 * database code: check and load survey definitions, make demo data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void
usage(void)
{
	fprintf(stderr,
	    "usage: svarctl check <survey.svar>...\n"
	    "       svarctl load <survey.svar>        load a definition, make "
	    "its versions\n"
	    "       svarctl demo [base-url]           demo units, links and "
	    "tokens; prints the URLs\n"
	    "       svarctl tokens <version> <n> [office]\n"
	    "                                         n personal tokens, "
	    "one link per line;\n"
	    "                                         of a fastlegekontor "
	    "(its code) when given\n"
	    "       svarctl user add <name> --role admin|analyst\n"
	    "                                         an admin account; "
	    "prints its enrolment link\n"
	    "       svarctl user reset <name>         a new enrolment link; "
	    "ends the user's sessions\n"
	    "       svarctl user demo                 the development admin "
	    "'demo' (make run)\n"
	    "       svarctl mail [--once]             send the outbox over "
	    "SMTP (SVAR_SMTP_URL)\n"
	    "       svarctl letters <version> <file.pdf> [--posted]\n"
	    "                                         a PDF letter per "
	    "personal invitation\n"
	    "       svarctl synth --wave-year Y --responses N --units M "
	    "--seed S\n"
	    "                     [--survey FILE] [--manifest FILE]\n"
	    "       svarctl synth --like-2021 [--seed S]\n"
	    "                                         a synthetic wave "
	    "(flagged, closed)\n"
	    "       svarctl export --format csv|csv-excel|xlsx|sav|dta|"
	    "codebook|codebook-json\n"
	    "           [--wave ID|YEAR] [--status completed|partial|all] "
	    "[--version KEY]\n"
	    "           [--unit ID] [--lang nb|nn|en] [--include-test] "
	    "[--out FILE]\n"
	    "                                         raw data or codebook "
	    "of a wave\n"
	    "The database is taken from the usual PG* variables "
	    "(PGHOST, PGPORT, PGDATABASE, PGUSER).\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	if (strcmp(argv[1], "check") == 0 && argc >= 3)
		return (cli_check(argc - 2, argv + 2));
	if (strcmp(argv[1], "load") == 0 && argc == 3)
		return (cli_load(argv[2]));
	if (strcmp(argv[1], "demo") == 0 && argc <= 3)
		return (cli_demo(argc == 3 ? argv[2] :
		    "http://127.0.0.1:8888"));
	if (strcmp(argv[1], "tokens") == 0 && (argc == 4 || argc == 5))
		return (cli_tokens(argv[2], argv[3], argc == 5 ? argv[4] :
		    NULL));
	if (strcmp(argv[1], "user") == 0 && argc >= 3)
		return (cli_user(argc - 2, argv + 2));
	if (strcmp(argv[1], "letters") == 0)
		return (cli_letters(argc - 2, argv + 2));
	if (strcmp(argv[1], "synth") == 0)
		return (cli_synth(argc - 2, argv + 2));
	if (strcmp(argv[1], "export") == 0)
		return (cli_export(argc - 2, argv + 2));
	if (strcmp(argv[1], "mail") == 0)
		return (cli_mail(argc - 2, argv + 2));
	usage();
	return (2);
}
