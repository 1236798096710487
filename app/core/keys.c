#include <sys/random.h>

#include <errno.h>
#include <string.h>

#include "keys.h"

/* 32 symbols that survive being read aloud or retyped from a URL. */
static const char url_alphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";
static const char code_alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static int
fill_random(unsigned char *p, size_t n)
{
	ssize_t	 r;
	size_t	 got = 0;

	while (got < n) {
		r = getrandom(p + got, n - got, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return (0);
		}
		got += (size_t)r;
	}
	return (1);
}

static int
random_string(char *out, size_t len, const char *alphabet)
{
	unsigned char	 raw[64];
	size_t		 i;

	if (len >= sizeof(raw) || !fill_random(raw, len))
		return (0);
	/* 256 is a multiple of 32, so masking keeps the symbols uniform. */
	for (i = 0; i < len; i++)
		out[i] = alphabet[raw[i] & 31];
	out[len] = '\0';
	memset(raw, 0, sizeof(raw));
	return (1);
}

int
keys_random(char *out, size_t len)
{
	return (random_string(out, len, url_alphabet));
}

/* Raw random bytes, e.g. a TOTP secret. */
int
keys_bytes(unsigned char *out, size_t len)
{
	return (fill_random(out, len));
}

int
keys_code(char *out)
{
	return (random_string(out, CODE_LEN, code_alphabet));
}

/* Splits a URL key into selector and verifier; 0 if it is not a key. */
int
keys_split(const char *key, char *sel, char *ver)
{
	size_t	 i;

	if (strlen(key) != KEY_LEN)
		return (0);
	for (i = 0; i < KEY_LEN; i++)
		if (strchr(url_alphabet, key[i]) == NULL || key[i] == '\0')
			return (0);
	memcpy(sel, key, KEY_SELECTOR_LEN);
	sel[KEY_SELECTOR_LEN] = '\0';
	memcpy(ver, key + KEY_SELECTOR_LEN, KEY_VERIFIER_LEN);
	ver[KEY_VERIFIER_LEN] = '\0';
	return (1);
}

/*
 * A typed code to its canonical form: case, spaces and dashes do not
 * matter, O reads as 0 and I or L as 1. 0 if it cannot be a code.
 */
int
keys_code_normalize(const char *in, char *out)
{
	size_t	 n = 0;
	char	 c;

	for (; *in != '\0'; in++) {
		c = *in;
		if (c == ' ' || c == '-' || c == '\t')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c == 'O')
			c = '0';
		else if (c == 'I' || c == 'L')
			c = '1';
		if (strchr(code_alphabet, c) == NULL || c == '\0')
			return (0);
		if (n == CODE_LEN)
			return (0);
		out[n++] = c;
	}
	out[n] = '\0';
	return (n == CODE_LEN);
}

/* Constant time in the length of b, the secret we hold. */
int
keys_equal(const char *a, const char *b)
{
	size_t		 i, la = strlen(a), lb = strlen(b);
	unsigned char	 d = 0;

	for (i = 0; i < lb; i++)
		d |= (unsigned char)(a[i < la ? i : 0] ^ b[i]);
	return (d == 0 && la == lb);
}
