// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include <stdio.h>
#include <string.h>
#include "vec.h"

static void oom(void)
{
	fprintf(stderr, "kcpg-sim: out of memory\n");
	abort();
}

void *vec_grow_(void *p, uint32_t *cap, size_t elsz)
{
	uint32_t ncap = *cap ? *cap * 2 : 8;
	void *np = realloc(p, (size_t)ncap * elsz);

	if (!np)
		oom();
	*cap = ncap;
	return np;
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);

	if (!p)
		oom();
	return p;
}

void *xmemdup(const void *p, size_t n)
{
	void *q = xmalloc(n);

	if (n)
		memcpy(q, p, n);
	return q;
}
