#include <string.h>

#include <openssl/sha.h>

#include "digest.h"

/* out gets DIGEST_HEX_LEN characters and a NUL. */
void
digest_hex(const char *in, char *out)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 md[SHA256_DIGEST_LENGTH];
	size_t			 i;

	SHA256((const unsigned char *)in, strlen(in), md);
	for (i = 0; i < sizeof(md); i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0x0f];
	}
	out[DIGEST_HEX_LEN] = '\0';
}
