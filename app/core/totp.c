#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "totp.h"

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/* The code for one time step, as TOTP_DIGITS digits and a NUL. */
void
totp_code(const unsigned char *key, size_t keylen, uint64_t step, char *out)
{
	unsigned char	 msg[8], mac[EVP_MAX_MD_SIZE];
	unsigned int	 maclen = 0, off;
	uint32_t	 bin;
	int		 i;

	for (i = 7; i >= 0; i--) {
		msg[i] = step & 0xff;
		step >>= 8;
	}
	HMAC(EVP_sha1(), key, (int)keylen, msg, sizeof(msg), mac, &maclen);
	off = mac[maclen - 1] & 0x0f;
	bin = ((uint32_t)(mac[off] & 0x7f) << 24) |
	    ((uint32_t)mac[off + 1] << 16) | ((uint32_t)mac[off + 2] << 8) |
	    mac[off + 3];
	bin %= 1000000;
	for (i = TOTP_DIGITS - 1; i >= 0; i--) {
		out[i] = (char)('0' + bin % 10);
		bin /= 10;
	}
	out[TOTP_DIGITS] = '\0';
}

/*
 * Checks a typed code at unix time `now`, allowing one step of clock
 * skew either way. A code is accepted once: a step at or before `last`
 * (the step the account last logged in with) is refused, so a code seen
 * over a shoulder cannot be replayed. Returns the step matched, or -1.
 */
int64_t
totp_verify(const unsigned char *key, size_t keylen, uint64_t now,
    const char *typed, int64_t last)
{
	char		 want[TOTP_DIGITS + 1];
	uint64_t	 step = now / TOTP_STEP;
	int64_t		 found = -1;
	unsigned char	 diff;
	int		 d, i;

	if (typed == NULL || strlen(typed) != TOTP_DIGITS)
		return (-1);
	/* All three steps are computed and compared: no early exit. */
	for (d = -1; d <= 1; d++) {
		if (step == 0 && d < 0)
			continue;
		totp_code(key, keylen, step + (uint64_t)(int64_t)d, want);
		diff = 0;
		for (i = 0; i < TOTP_DIGITS; i++)
			diff |= (unsigned char)(want[i] ^ typed[i]);
		if (diff == 0 && (int64_t)(step + (uint64_t)(int64_t)d) > last &&
		    found < 0)
			found = (int64_t)(step + (uint64_t)(int64_t)d);
	}
	return (found);
}

/* Base32 without padding; the length written, 0 when out is too small. */
size_t
base32_encode(const unsigned char *in, size_t len, char *out, size_t outlen)
{
	size_t		 i, n = 0;
	unsigned int	 acc = 0, bits = 0;

	if (outlen < (len * 8 + 4) / 5 + 1)
		return (0);
	for (i = 0; i < len; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			out[n++] = b32[(acc >> (bits - 5)) & 0x1f];
			bits -= 5;
		}
	}
	if (bits > 0)
		out[n++] = b32[(acc << (5 - bits)) & 0x1f];
	out[n] = '\0';
	return (n);
}

/* Base32 as people type it: any case, spaces and '=' ignored. */
int
base32_decode(const char *in, unsigned char *out, size_t outlen, size_t *len)
{
	const char	*p;
	unsigned int	 acc = 0, bits = 0, v;
	size_t		 n = 0;
	char		 c;

	for (p = in; *p != '\0'; p++) {
		c = *p;
		if (c == ' ' || c == '=' || c == '-')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c >= 'A' && c <= 'Z')
			v = (unsigned int)(c - 'A');
		else if (c >= '2' && c <= '7')
			v = (unsigned int)(c - '2' + 26);
		else
			return (0);
		acc = (acc << 5) | v;
		bits += 5;
		if (bits >= 8) {
			if (n == outlen)
				return (0);
			out[n++] = (unsigned char)((acc >> (bits - 8)) & 0xff);
			bits -= 8;
		}
	}
	*len = n;
	return (1);
}
