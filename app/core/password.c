#include <string.h>
#include <strings.h>

#include <argon2.h>

#include "keys.h"
#include "password.h"

int
pw_hash(const char *pw, char *out, size_t outlen)
{
	unsigned char	 salt[PW_SALT_LEN];

	if (!keys_bytes(salt, sizeof(salt)))
		return (0);
	return (argon2id_hash_encoded(PW_T_COST, PW_M_COST, PW_LANES, pw,
	    strlen(pw), salt, sizeof(salt), PW_HASH_LEN, out, outlen) ==
	    ARGON2_OK);
}

/* 1 when the password matches the encoded hash. */
int
pw_verify(const char *encoded, const char *pw)
{
	if (encoded == NULL || pw == NULL)
		return (0);
	return (argon2id_verify(encoded, pw, strlen(pw)) == ARGON2_OK);
}

/*
 * Why a new password will not do, as a UI string key, or NULL. Length
 * is what counts (NIST SP 800-63B); no rules about character classes.
 */
const char *
pw_weak(const char *pw, const char *user)
{
	size_t	 n;

	if (pw == NULL || (n = strlen(pw)) < PW_MIN_LEN)
		return ("admin.pw.short");
	if (n > PW_MAX_LEN)
		return ("admin.pw.long");
	if (user != NULL && strcasecmp(pw, user) == 0)
		return ("admin.pw.user");
	return (NULL);
}
