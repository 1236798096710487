/* SHA-256 in hex: how secrets that index a table (session ids,
 * enrolment keys) are stored, so a copy of the table opens nothing. */
#ifndef SVAR_DIGEST_H
#define SVAR_DIGEST_H

#define DIGEST_HEX_LEN	64

void	digest_hex(const char *, char *);

#endif
