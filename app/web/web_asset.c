/*
 * What the asset route adds to Kore's file cache: a version for asset
 * URLs (so a versioned URL can be cached for a year), and CSS and JS
 * gzipped once per worker and file change.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <zlib.h>

#include "buf.h"
#include "web.h"

#define ASSET_MAX	(1024 * 1024)	/* larger files go out as they are */
#define GZ_SLOTS	8

struct gz {
	char		 name[72];
	struct timespec	 mtime;
	off_t		 size;
	unsigned char	*data;
	size_t		 len;
};

static struct gz	 gz_cache[GZ_SLOTS];

/* The whole of a regular file, at most ASSET_MAX bytes; NULL otherwise. */
static unsigned char *
slurp(const char *path, struct stat *st)
{
	unsigned char	*p;
	ssize_t		 n;
	size_t		 off = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return (NULL);
	if (fstat(fd, st) == -1 || !S_ISREG(st->st_mode) ||
	    st->st_size <= 0 || st->st_size > ASSET_MAX) {
		close(fd);
		return (NULL);
	}
	p = xrealloc(NULL, (size_t)st->st_size);
	while (off < (size_t)st->st_size) {
		n = read(fd, p + off, (size_t)st->st_size - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	if (off != (size_t)st->st_size) {
		free(p);
		return (NULL);
	}
	return (p);
}

/*
 * The asset version in URLs (?v=): a CRC-32 over the files the layouts
 * name, taken once per worker. A deploy restarts the workers.
 */
const char *
asset_version(void)
{
	static const char	*files[] = { "assets/svar.css", "assets/svar.js",
	    "assets/admin.css", "assets/favicon.svg" };
	static char		 v[16];
	struct stat		 st;
	unsigned char		*p;
	uLong			 crc;
	size_t			 i;

	if (v[0] != '\0')
		return (v);
	crc = crc32(0L, Z_NULL, 0);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if ((p = slurp(files[i], &st)) == NULL)
			continue;
		crc = crc32(crc, p, (uInt)st.st_size);
		free(p);
	}
	snprintf(v, sizeof(v), "%08lx", crc & 0xffffffffUL);
	return (v);
}

/* Does Accept-Encoding take gzip (and not with q=0)? */
int
asset_accepts_gzip(struct http_request *req)
{
	const char	*h, *p, *q, *end;
	size_t		 n;

	if (!http_request_header(req, "accept-encoding", &h))
		return (0);
	for (p = h; *p != '\0'; p = *end ? end + 1 : end) {
		p += strspn(p, " \t");
		if ((end = strchr(p, ',')) == NULL)
			end = p + strlen(p);
		n = strcspn(p, " \t;,");
		if (n != 4 || strncasecmp(p, "gzip", 4) != 0)
			continue;
		if ((q = memchr(p, ';', (size_t)(end - p))) == NULL)
			return (1);
		q += 1 + strspn(q + 1, " \t");
		if (strncmp(q, "q=", 2) != 0)
			return (1);
		return (strtod(q + 2, NULL) > 0);
	}
	return (0);
}

static int
gz_compress(const unsigned char *in, size_t inlen, unsigned char **out,
    size_t *outlen)
{
	z_stream	 z;
	size_t		 cap;

	memset(&z, 0, sizeof(z));
	/* 15 + 16: a gzip wrapper, which is what Content-Encoding names. */
	if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return (0);
	cap = deflateBound(&z, (uLong)inlen) + 32;
	*out = xrealloc(NULL, cap);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)inlen;
	z.next_out = *out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&z);
		free(*out);
		return (0);
	}
	*outlen = z.total_out;
	deflateEnd(&z);
	return (1);
}

/*
 * The gzipped bytes of assets/<name>, made again when the file changes.
 * 0 when the file cannot be read or compressed: send it as it is.
 */
int
asset_gzip(const char *path, const char *name, const unsigned char **data,
    size_t *len)
{
	struct gz	*g = NULL;
	struct stat	 st;
	unsigned char	*raw;
	size_t		 i;

	if (strlen(name) >= sizeof(g->name))
		return (0);
	for (i = 0; i < GZ_SLOTS; i++)
		if (strcmp(gz_cache[i].name, name) == 0 ||
		    gz_cache[i].name[0] == '\0') {
			g = &gz_cache[i];
			break;
		}
	if (g == NULL)
		return (0);
	if (g->name[0] != '\0' && stat(path, &st) == 0 &&
	    st.st_size == g->size &&
	    st.st_mtim.tv_sec == g->mtime.tv_sec &&
	    st.st_mtim.tv_nsec == g->mtime.tv_nsec) {
		*data = g->data;
		*len = g->len;
		return (1);
	}
	if ((raw = slurp(path, &st)) == NULL)
		return (0);
	free(g->data);
	g->data = NULL;
	g->name[0] = '\0';
	if (!gz_compress(raw, (size_t)st.st_size, &g->data, &g->len)) {
		free(raw);
		return (0);
	}
	free(raw);
	snprintf(g->name, sizeof(g->name), "%s", name);
	g->mtime = st.st_mtim;
	g->size = st.st_size;
	*data = g->data;
	*len = g->len;
	return (1);
}
