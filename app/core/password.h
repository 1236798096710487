/*
 * Admin passwords, hashed with argon2id (libargon2). The encoded string
 * carries its own parameters and salt, so stronger parameters later
 * apply to new hashes and old ones still verify.
 */
#ifndef SVAR_PASSWORD_H
#define SVAR_PASSWORD_H

#include <stddef.h>

/*
 * OWASP's first argon2id choice: 19 MiB, 2 passes, one lane. A login
 * costs a worker about 30 ms of one core here (README, admin area).
 */
#define PW_T_COST	2
#define PW_M_COST	19456	/* KiB */
#define PW_LANES	1
#define PW_SALT_LEN	16
#define PW_HASH_LEN	32
#define PW_ENCODED_MAX	128
#define PW_MIN_LEN	12
#define PW_MAX_LEN	256

int	 pw_hash(const char *, char *, size_t);
int	 pw_verify(const char *, const char *);
const char *pw_weak(const char *, const char *);

#endif
