/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcpg-bench: what every part of the benchmark shares.  The tool is written
 * against plain <corosync/cpg.h> only, so one source builds against
 * corosync's libcpg and against libcpg-kshim, and one binary linked with
 * -lcpg runs on either library by LD_LIBRARY_PATH.
 */
#ifndef KCPG_BENCH_H
#define KCPG_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <corosync/cpg.h>

#define BENCH_MAX_SIZES		16
#define BENCH_MAX_SENDERS	8
#define BENCH_MAX_MEMBERS	16	/* senders + receivers */
#define BENCH_MIN_SIZE		64	/* header and tail must fit */
#define BENCH_MAX_SIZE		(16u << 20)

enum bench_mode {
	MODE_THROUGHPUT,
	MODE_LATENCY,		/* self-delivery of agreed messages */
	MODE_PINGPONG,		/* round trip between two processes */
	MODE_MEMCPY,		/* the machine's raw copy and hash rates */
	MODE_AEAD,		/* the cluster cipher's rate (AF_ALG) */
};

enum bench_path {
	PATH_COPY = 1,		/* cpg_mcast_joined */
	PATH_ZCB = 2,		/* cpg_zcb_alloc + cpg_zcb_mcast_joined */
};

enum bench_verify {
	VERIFY_CHEAP,		/* header, sequence, tail, word-wise body hash */
	VERIFY_FULL,		/* every byte against a per-message pattern */
};

struct bench_opts {
	enum bench_mode mode;
	uint32_t sizes[BENCH_MAX_SIZES];
	unsigned int n_sizes;
	unsigned int paths;		/* mask of enum bench_path */
	unsigned int senders;
	unsigned int receivers;		/* processes that only receive */
	unsigned int duration_ms;	/* per throughput point */
	uint64_t window_bytes;		/* 0: no window, back-pressure only */
	unsigned int window_msgs;	/* and at most this many messages */
	unsigned int samples;		/* latency samples per point */
	unsigned int warmup;		/* latency samples thrown away */
	cpg_guarantee_t guarantee;
	enum bench_verify verify;
	unsigned int stall_ms;		/* give up after this long without progress */
	const char *label;		/* system name in the output */
	bool table;			/* human table on stderr */
};

/* The system under test, as found at run time. */
struct bench_lib {
	char label[32];			/* "kcpg", "corosync" or --label */
	char path[256];			/* shared object that has cpg_initialize */
};

void bench_lib_detect(struct bench_lib *lib, const char *label);
const char *bench_cs_name(cs_error_t err);
const char *bench_guarantee_name(cpg_guarantee_t g);

/* Monotonic time in nanoseconds; comparable across processes. */
uint64_t bench_now_ns(void);

int bench_throughput(const struct bench_opts *o, const struct bench_lib *lib);
int bench_latency(const struct bench_opts *o, const struct bench_lib *lib);
int bench_pingpong(const struct bench_opts *o, const struct bench_lib *lib);
int bench_memcpy(const struct bench_opts *o);
int bench_aead(const struct bench_opts *o);

#endif
