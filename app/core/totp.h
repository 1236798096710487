/*
 * Time-based one-time passwords (RFC 6238 over RFC 4226): HMAC-SHA1,
 * 30-second steps, 6 digits, as every authenticator app does them.
 * Secrets travel as RFC 4648 base32, the form those apps take.
 */
#ifndef SVAR_TOTP_H
#define SVAR_TOTP_H

#include <stddef.h>
#include <stdint.h>

#define TOTP_SECRET_LEN	20	/* bytes: 160 bits, RFC 4226's advice */
#define TOTP_STEP	30
#define TOTP_DIGITS	6
#define TOTP_B32_LEN	32	/* base32 of 20 bytes, no padding */

void		 totp_code(const unsigned char *, size_t, uint64_t, char *);
int64_t		 totp_verify(const unsigned char *, size_t, uint64_t,
		    const char *, int64_t);
size_t		 base32_encode(const unsigned char *, size_t, char *, size_t);
int		 base32_decode(const char *, unsigned char *, size_t, size_t *);

#endif
