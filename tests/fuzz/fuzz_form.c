/*
 * libFuzzer harness for the form parser: every request body and query
 * string of the respondent path goes through form_parse().
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "form.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct form	 f;
	size_t		 i;

	if (form_parse(&f, (const char *)data, len) != FORM_OK)
		return (0);
	/* What a handler does next: look fields up by name. */
	for (i = 0; i < f.n; i++) {
		if (form_get(&f, f.v[i].name) == NULL ||
		    form_count(&f, f.v[i].name) == 0)
			__builtin_trap();
		(void)utf8_chars(f.v[i].value);
	}
	(void)form_get_nth(&f, "csrf", 1);
	form_free(&f);
	return (0);
}
