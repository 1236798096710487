/*
 * svarctl user: admin accounts.
 *   user add <name> --role admin|analyst   prints a one-time enrolment link
 *   user reset <name>                      a new link; sessions end
 *   user demo                              make run's admin "demo": a new
 *                                          password each run, printed
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "db.h"
#include "digest.h"
#include "keys.h"
#include "password.h"
#include "totp.h"

static int
name_ok(const char *name)
{
	size_t	 n = strlen(name);

	if (n < 2 || n > 64 || strspn(name,
	    "abcdefghijklmnopqrstuvwxyz0123456789._-") != n ||
	    strchr("._-", name[0]) != NULL) {
		fprintf(stderr, "svarctl: user name '%s': use 2 to 64 of a-z, "
		    "0-9, '.', '_' and '-', starting with a letter or digit\n",
		    name);
		return (0);
	}
	return (1);
}

static const char *
base_url(void)
{
	const char	*b = getenv("SVAR_BASE_URL");

	return (b != NULL && *b != '\0' ? b : "http://127.0.0.1:8888");
}

static int
user_link(struct db *db, const char *name, const char *role)
{
	char	 key[KEY_VERIFIER_LEN + 1], hash[DIGEST_HEX_LEN + 1];
	int	 ok;

	if (!keys_random(key, KEY_VERIFIER_LEN)) {
		fprintf(stderr, "svarctl: no random bytes\n");
		return (1);
	}
	digest_hex(key, hash);
	ok = role != NULL ? db_user_add(db, name, role, hash) :
	    db_user_reset(db, name, hash);
	if (!ok) {
		if (role == NULL && db_error(db)[0] != '\0' &&
		    strstr(db_error(db), "no row") != NULL)
			fprintf(stderr, "svarctl: no user '%s'\n", name);
		else
			fprintf(stderr, "svarctl: user: %s\n", db_error(db));
		return (1);
	}
	printf("%s: send this link to the person, by a channel only they "
	    "read; it works once, for 7 days:\n%s/admin/enrol/%s\n", name,
	    base_url(), key);
	return (0);
}

static int
user_demo(struct db *db)
{
	unsigned char	 raw[TOTP_SECRET_LEN];
	char		 pw[KEY_VERIFIER_LEN + 1], hash[PW_ENCODED_MAX];
	char		 fresh[TOTP_B32_LEN + 1], secret[40];

	if (!keys_random(pw, KEY_VERIFIER_LEN) ||
	    !keys_bytes(raw, sizeof(raw)) ||
	    base32_encode(raw, sizeof(raw), fresh, sizeof(fresh)) == 0 ||
	    !pw_hash(pw, hash, sizeof(hash))) {
		fprintf(stderr, "svarctl: no random bytes\n");
		return (1);
	}
	if (!db_user_demo(db, "demo", hash, fresh, secret, sizeof(secret))) {
		fprintf(stderr, "svarctl: user demo: %s\n", db_error(db));
		return (1);
	}
	printf("  %-34s %s/admin/login\n", "Admin login (development only):",
	    base_url());
	printf("  %-34s demo / %s\n", "  user name / password:", pw);
	printf("  %-34s %s  (oathtool --totp -b %s)\n", "  TOTP secret:",
	    secret, secret);
	return (0);
}

int
cli_user(int argc, char **argv)
{
	struct db	*db;
	const char	*role = NULL;
	int		 rc;

	if (argc == 1 && strcmp(argv[0], "demo") == 0) {
		if ((db = cli_db()) == NULL)
			return (1);
		rc = user_demo(db);
		db_close(db);
		return (rc);
	}
	if (argc == 4 && strcmp(argv[0], "add") == 0 &&
	    strcmp(argv[2], "--role") == 0)
		role = argv[3];
	else if (!(argc == 2 && strcmp(argv[0], "reset") == 0)) {
		fprintf(stderr, "usage: svarctl user add <name> --role "
		    "admin|analyst\n       svarctl user reset <name>\n");
		return (2);
	}
	if (role != NULL && strcmp(role, "admin") != 0 &&
	    strcmp(role, "analyst") != 0) {
		fprintf(stderr, "svarctl: role '%s': use admin or analyst\n",
		    role);
		return (2);
	}
	if (!name_ok(argv[1]))
		return (2);
	if ((db = cli_db()) == NULL)
		return (1);
	rc = user_link(db, argv[1], role);
	db_close(db);
	return (rc);
}
