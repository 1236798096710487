#ifndef SVAR_CLI_H
#define SVAR_CLI_H

int	cli_check(int, char **);
int	cli_load(const char *);
int	cli_demo(const char *);
int	cli_tokens(const char *, const char *, const char *);
int	cli_user(int, char **);
int	cli_mail(int, char **);
int	cli_letters(int, char **);
int	cli_synth(int, char **);
int	cli_export(int, char **);

struct db;
struct db	*cli_db(void);

#endif
