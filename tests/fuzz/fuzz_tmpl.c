/*
 * libFuzzer harness for the template compiler: compile the input and,
 * when it compiles, render it with a value for every declared key.
 * Partials are off (no template directory): the fuzzer would only
 * learn file names.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "tmpl.h"

/* Keys of every kind: plain, raw, a list with a nested list. */
#define FUZZ_KEYS	"a b !h l{x a m{y}} e{}"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct tmpl	*t;
	struct tvars	 tv, *row;
	struct buf	 err, out;

	buf_init(&err);
	buf_init(&out);
	if ((t = tmpl_compile("fuzz", (const char *)data, len, FUZZ_KEYS,
	    NULL, &err)) != NULL) {
		tvars_init(&tv, LANG_NB);
		tvars_set(&tv, "a", "<x>&");
		tvars_set(&tv, "b", "");
		tvars_set(&tv, "h", "<b>");
		row = tvars_row(&tv, "l");
		tvars_set(row, "x", "1");
		tvars_set(tvars_row(row, "m"), "y", "'");
		tvars_row(&tv, "l");
		tmpl_render(t, &tv, &out);
		tvars_free(&tv);
		tmpl_free(t);
	}
	buf_free(&err);
	buf_free(&out);
	return (0);
}
