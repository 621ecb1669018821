// SPDX-License-Identifier: GPL-2.0
/*
 * The machine's own limits, measured the way the data path moves bytes:
 * memcpy() of one message at a time through a large region (as the kernel
 * copies into a receive ring that wraps through megabytes), and the
 * word-wise hash every receiver runs over every delivered message.  The
 * benchmark's large-message rates are read as a fraction of these.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"
#include "payload.h"
#include "report.h"

#define REGION		(16u << 20)	/* larger than the last-level cache */
#define MIN_NS		400000000ULL	/* per measurement */

/* Keeps the compiler from dropping the hash whose result is unused. */
static volatile uint64_t sink;

static double measure(int hash, uint32_t size, unsigned char *src, unsigned char *dst)
{
	uint64_t t0 = bench_now_ns(), t, bytes = 0;
	size_t off = 0;

	do {
		unsigned int k;

		for (k = 0; k < 64; k++) {
			if (off + size > REGION)
				off = 0;
			if (hash)
				sink += payload_hash(dst + off, size);
			else
				memcpy(dst + off, src + off, size);
			off += (size + 63) & ~63u;
			bytes += size;
		}
		t = bench_now_ns();
	} while (t - t0 < MIN_NS);
	return bytes / ((t - t0) / 1e9) / 1e6;
}

int bench_memcpy(const struct bench_opts *o)
{
	unsigned char *src = malloc(REGION), *dst = malloc(REGION);
	unsigned int i;
	int hash;

	if (!src || !dst) {
		free(src);
		free(dst);
		perror("malloc");
		return 1;
	}
	memset(src, 0x5a, REGION);	/* fault every page in before timing */
	memset(dst, 0xa5, REGION);
	for (hash = 0; hash <= 1; hash++) {
		for (i = 0; i < o->n_sizes; i++) {
			struct bench_result r = {
				.mode = hash ? "hash" : "memcpy", .size = o->sizes[i], .ok = 1,
			};

			if (o->sizes[i] > REGION)
				continue;
			r.mb_per_s = measure(hash, o->sizes[i], src, dst);
			r.seconds = MIN_NS / 1e9;
			report(o, NULL, &r);
		}
	}
	free(src);
	free(dst);
	return 0;
}
