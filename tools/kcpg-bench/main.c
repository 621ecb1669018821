// SPDX-License-Identifier: GPL-2.0
/*
 * kcpg-bench: throughput and latency of closed process groups, on any
 * library that implements corosync's cpg.h.
 *
 * Every delivered message is checked (format, per-sender sequence, tail,
 * body hash; --full compares every byte), agreed runs also compare the
 * delivery order of all members, and a point with any error is reported
 * as failed and makes the exit status non-zero.  Results: one JSON object
 * per line on stdout, a table on stderr.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"
#include "crew.h"

static void usage(FILE *f)
{
	fprintf(f,
"usage: kcpg-bench [options]\n"
"  -m, --mode MODE        throughput (default), latency (self-delivery),\n"
"                         pingpong (round trip between two processes),\n"
"                         memcpy (the machine's raw copy and hash rates),\n"
"                         aead (gcm(aes) through AF_ALG: the cluster cipher)\n"
"  -s, --sizes LIST       message sizes, e.g. 64,1k,10k,100k,1M\n"
"                         (default 64,1024,10240,102400,1048576)\n"
"  -p, --path LIST        copy (cpg_mcast_joined), zcb (cpg_zcb_*), or both\n"
"  -S, --senders N        sending processes (throughput, default 1)\n"
"  -r, --receivers N      processes that only receive (default 1)\n"
"  -t, --time SEC         seconds of sending per throughput point (default 2)\n"
"  -w, --window BYTES     undelivered bytes allowed in flight (default 2M, 0: none)\n"
"      --window-msgs N    and at most N messages (default 1024)\n"
"  -n, --samples N        latency samples per point (default 1000)\n"
"      --warmup N         latency samples thrown away first (default 50)\n"
"  -g, --guarantee G      unordered, fifo, agreed (default) or safe\n"
"      --full             verify every byte (default: word-wise hash)\n"
"      --stall SEC        give up after SEC seconds without progress (default 30)\n"
"  -l, --label NAME       system name in the output (default: detected)\n"
"      --nodes LIST       member i runs on node i %% N of LIST: /run/netns/NAME\n"
"                         (a network namespace) or a pid (its network and\n"
"                         mount namespaces, e.g. a corosync daemon's)\n"
"  -q, --quiet            no table on stderr\n");
}

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'k':
	case 'K':
		v <<= 10;
		end++;
		break;
	case 'm':
	case 'M':
		v <<= 20;
		end++;
		break;
	default:
		break;
	}
	if (*end)
		return -1;
	*out = v;
	return 0;
}

static int parse_sizes(const char *list, struct bench_opts *o)
{
	char buf[256], *tok, *save;
	uint64_t v;

	snprintf(buf, sizeof(buf), "%s", list);
	o->n_sizes = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (parse_size(tok, &v) || v < BENCH_MIN_SIZE || v > BENCH_MAX_SIZE ||
		    o->n_sizes == BENCH_MAX_SIZES) {
			fprintf(stderr, "kcpg-bench: bad size '%s' (%u..%u bytes, at most %d)\n",
				tok, BENCH_MIN_SIZE, BENCH_MAX_SIZE, BENCH_MAX_SIZES);
			return -1;
		}
		o->sizes[o->n_sizes++] = (uint32_t)v;
	}
	return o->n_sizes ? 0 : -1;
}

static int parse_paths(const char *list, unsigned int *paths)
{
	*paths = 0;
	if (strstr(list, "copy"))
		*paths |= PATH_COPY;
	if (strstr(list, "zcb"))
		*paths |= PATH_ZCB;
	return *paths ? 0 : -1;
}

static int parse_mode(const char *s, enum bench_mode *m)
{
	static const char *const names[] = {
		[MODE_THROUGHPUT] = "throughput", [MODE_LATENCY] = "latency",
		[MODE_PINGPONG] = "pingpong", [MODE_MEMCPY] = "memcpy",
		[MODE_AEAD] = "aead",
	};
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i])) {
			*m = i;
			return 0;
		}
	return -1;
}

static int parse_guarantee(const char *s, cpg_guarantee_t *g)
{
	cpg_guarantee_t i;

	for (i = CPG_TYPE_UNORDERED; i <= CPG_TYPE_SAFE; i++)
		if (!strcmp(s, bench_guarantee_name(i))) {
			*g = i;
			return 0;
		}
	return -1;
}

static int parse_uint(const char *s, unsigned int max, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > max)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

int main(int argc, char **argv)
{
	enum { OPT_FULL = 256, OPT_STALL, OPT_WARMUP, OPT_WINDOW_MSGS, OPT_NODES };
	static const struct option longopts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "sizes", required_argument, NULL, 's' },
		{ "path", required_argument, NULL, 'p' },
		{ "senders", required_argument, NULL, 'S' },
		{ "receivers", required_argument, NULL, 'r' },
		{ "time", required_argument, NULL, 't' },
		{ "window", required_argument, NULL, 'w' },
		{ "window-msgs", required_argument, NULL, OPT_WINDOW_MSGS },
		{ "samples", required_argument, NULL, 'n' },
		{ "warmup", required_argument, NULL, OPT_WARMUP },
		{ "guarantee", required_argument, NULL, 'g' },
		{ "full", no_argument, NULL, OPT_FULL },
		{ "stall", required_argument, NULL, OPT_STALL },
		{ "label", required_argument, NULL, 'l' },
		{ "nodes", required_argument, NULL, OPT_NODES },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct bench_opts o = {
		.mode = MODE_THROUGHPUT, .paths = PATH_COPY | PATH_ZCB, .senders = 1,
		.receivers = 1, .duration_ms = 2000, .window_bytes = 2u << 20,
		.window_msgs = 1024,
		.samples = 1000, .warmup = 50, .guarantee = CPG_TYPE_AGREED,
		.verify = VERIFY_CHEAP, .stall_ms = 30000, .table = true,
	};
	unsigned int secs;
	struct bench_lib lib;
	int opt, bad = 0;

	parse_sizes("64,1024,10240,102400,1048576", &o);
	while ((opt = getopt_long(argc, argv, "m:s:p:S:r:t:w:n:g:l:qh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'm':
			bad |= parse_mode(optarg, &o.mode);
			break;
		case 's':
			bad |= parse_sizes(optarg, &o);
			break;
		case 'p':
			bad |= parse_paths(optarg, &o.paths);
			break;
		case 'S':
			bad |= parse_uint(optarg, BENCH_MAX_SENDERS, &o.senders);
			break;
		case 'r':
			bad |= parse_uint(optarg, BENCH_MAX_MEMBERS, &o.receivers);
			break;
		case 't':
			bad |= parse_uint(optarg, 3600, &secs);
			o.duration_ms = secs * 1000;
			break;
		case 'w':
			bad |= parse_size(optarg, &o.window_bytes);
			break;
		case OPT_WINDOW_MSGS:
			bad |= parse_uint(optarg, 1u << 30, &o.window_msgs);
			break;
		case 'n':
			bad |= parse_uint(optarg, 1000000, &o.samples);
			break;
		case OPT_WARMUP:
			bad |= parse_uint(optarg, 100000, &o.warmup);
			break;
		case 'g':
			bad |= parse_guarantee(optarg, &o.guarantee);
			break;
		case OPT_FULL:
			o.verify = VERIFY_FULL;
			break;
		case OPT_STALL:
			bad |= parse_uint(optarg, 3600, &secs);
			o.stall_ms = secs * 1000;
			break;
		case 'l':
			o.label = optarg;
			break;
		case OPT_NODES:
			bad |= crew_set_nodes(optarg);
			break;
		case 'q':
			o.table = false;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (bad || optind != argc || o.senders < 1 || o.duration_ms == 0 || o.samples == 0 ||
	    o.stall_ms == 0 || o.window_msgs == 0 ||
	    o.senders + o.receivers > BENCH_MAX_MEMBERS) {
		fprintf(stderr, "kcpg-bench: bad arguments (at most %d senders, %d members)\n",
			BENCH_MAX_SENDERS, BENCH_MAX_MEMBERS);
		usage(stderr);
		return 2;
	}

	switch (o.mode) {
	case MODE_MEMCPY:
		return bench_memcpy(&o);
	case MODE_AEAD:
		return bench_aead(&o);
	case MODE_THROUGHPUT:
		bench_lib_detect(&lib, o.label);
		return bench_throughput(&o, &lib);
	case MODE_LATENCY:
		bench_lib_detect(&lib, o.label);
		return bench_latency(&o, &lib);
	case MODE_PINGPONG:
		bench_lib_detect(&lib, o.label);
		return bench_pingpong(&o, &lib);
	}
	return 2;
}
