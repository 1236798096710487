/* Inside the synthetic wave's generator: its random streams. */
#ifndef SVAR_SYNTH_INT_H
#define SVAR_SYNTH_INT_H

#include <stdint.h>

#include "synth.h"

uint64_t synth_stream(uint64_t, uint64_t, uint64_t);
double	 synth_unif(uint64_t *);
double	 synth_lognorm(uint64_t *, double);
void	 synth_walk(const struct synth *, size_t, struct synth_resp *,
	    struct synth_rows *);

#endif
