/*
 * Secrets in URLs and forms. A key is a selector (finds the row, 40
 * bits, not secret) and a verifier (130 random bits, compared in
 * constant time), both in a lowercase base32 alphabet without 0/o/1/l.
 * Typed invitation codes use Crockford's base32 and forgive O/0, I/L/1.
 */
#ifndef SVAR_KEYS_H
#define SVAR_KEYS_H

#include <stddef.h>

#define KEY_SELECTOR_LEN	8
#define KEY_VERIFIER_LEN	26
#define KEY_LEN			(KEY_SELECTOR_LEN + KEY_VERIFIER_LEN)
#define CODE_LEN		10

int	keys_random(char *, size_t);
int	keys_bytes(unsigned char *, size_t);
int	keys_split(const char *, char *, char *);
int	keys_code(char *);
int	keys_code_normalize(const char *, char *);
int	keys_equal(const char *, const char *);

#endif
