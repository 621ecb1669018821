// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include <stdarg.h>
#include <string.h>
#include "trace.h"
#include "hmap.h"

void trace_init(struct trace *t, int verbose, FILE *out)
{
	t->h = 0x6b6370672d73696dULL;
	t->verbose = verbose;
	t->out = out;
}

void trace_u64(struct trace *t, uint64_t v)
{
	t->h = hcombine(t->h, v);
}

void trace_bytes(struct trace *t, const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t h = t->h ^ n;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, b + i, 8);
		h = (h ^ w) * 0x100000001b3ULL;
		h ^= h >> 29;
	}
	if (i < n) {
		uint64_t w = 0;

		memcpy(&w, b + i, n - i);
		h = (h ^ w) * 0x100000001b3ULL;
	}
	t->h = mix64(h);
}

void trace_log(struct trace *t, uint64_t now, const char *fmt, ...)
{
	va_list ap;

	if (!t->verbose)
		return;
	fprintf(t->out, "%6llu.%06llu ", (unsigned long long)(now / 1000000000ULL),
		(unsigned long long)(now / 1000 % 1000000));
	va_start(ap, fmt);
	vfprintf(t->out, fmt, ap);
	va_end(ap);
	fputc('\n', t->out);
}
