// SPDX-License-Identifier: GPL-2.0
/*
 * tipc-bench: the TIPC anchor of `make bench`.  The same measurements as
 * kcpg-bench, on the kernel's own group messaging: TIPC communication groups
 * (a group socket joined with loopback and member events, broadcast with
 * send() and no address).  TIPC groups deliver FIFO per sender, no total
 * order, so this is what group messaging costs without ordering.
 *
 * Same message layout and checks as kcpg-bench (payload.h: header,
 * per-sender sequence, tail, word-wise body hash), same process crew and
 * --nodes placement (crew.h), and JSON lines of the same shape on stdout
 * ("lib":"tipc").  TIPC messages are at most 66000 bytes.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/tipc.h>
#include "bench.h"
#include "crew.h"
#include "payload.h"
#include "shared.h"
#include "stats.h"

#define TB_TYPE		4711		/* the group's service type */
#define TB_MAX_MSG	66000		/* TIPC_MAX_USER_MSG_SIZE */
#define READY_MS	60000

struct tb_member {
	uint64_t data_msgs, data_bytes, end_ns;
	struct bench_errors err;
	int failed;
	char why[100];
} __attribute__((aligned(64)));

struct tb_shared {
	struct crew_sync sync;
	_Atomic int abort;
	_Atomic uint32_t done;		/* futex: members finished receiving */
	uint64_t lat_ns[];		/* latency samples of member 0 */
};

struct tb_point {
	enum bench_mode mode;
	uint32_t size, run;
	unsigned int senders, members, samples, warmup, stall_ms, duration_ms;
	struct tb_shared *sh;
	struct tb_member *m;		/* shared, one per member */
};

static void fail(struct tb_member *me, const char *what)
{
	if (!me->failed)
		snprintf(me->why, sizeof(me->why), "%s: %s", what, strerror(errno));
	me->failed = 1;
}

/*
 * Joins the group as member @index and waits until the member events
 * have shown the other @n - 1 members (our own join event, which loopback
 * may or may not bring, is not waited for).
 */
static int tb_join(unsigned int index, unsigned int n, uint32_t run, struct tb_member *me)
{
	struct tipc_group_req req = {
		.type = TB_TYPE + run % 1000, .instance = index,
		.scope = TIPC_CLUSTER_SCOPE,
		.flags = TIPC_GROUP_LOOPBACK | TIPC_GROUP_MEMBER_EVTS,
	};
	uint64_t seen = index < 64 ? 1ULL << index : 0, want = (n >= 64) ? ~0ULL : (1ULL << n) - 1;
	uint64_t deadline = bench_now_ns() + READY_MS * 1000000ULL;
	int sd = socket(AF_TIPC, SOCK_RDM, 0);

	if (sd < 0) {
		fail(me, "socket(AF_TIPC)");
		return -1;
	}
	if (setsockopt(sd, SOL_TIPC, TIPC_GROUP_JOIN, &req, sizeof(req))) {
		fail(me, "TIPC_GROUP_JOIN");
		close(sd);
		return -1;
	}
	while ((seen & want) != want) {
		/* The sender's socket id, then its member (service) address. */
		struct sockaddr_tipc sa[2];
		char b[64];
		struct iovec iov = { b, sizeof(b) };
		struct msghdr mh = { .msg_name = sa, .msg_namelen = sizeof(sa),
				     .msg_iov = &iov, .msg_iovlen = 1 };
		struct pollfd p = { sd, POLLIN, 0 };
		uint32_t inst;

		if (bench_now_ns() > deadline) {
			errno = ETIMEDOUT;
			fail(me, "waiting for the group");
			close(sd);
			return -1;
		}
		if (poll(&p, 1, 1000) <= 0)
			continue;
		memset(sa, 0, sizeof(sa));
		if (recvmsg(sd, &mh, MSG_DONTWAIT) < 0)
			continue;
		inst = sa[1].addr.name.name.instance;
		/* Member events: MSG_OOB, and MSG_EOR when one leaves. */
		if ((mh.msg_flags & MSG_OOB) && mh.msg_namelen >= sizeof(sa) && inst < 64) {
			if (mh.msg_flags & MSG_EOR)
				seen &= ~(1ULL << inst);
			else
				seen |= 1ULL << inst;
		}
	}
	return sd;
}

/* recv() with a stall guard; 0 for a member event, -1 on error or stall. */
static ssize_t tb_recv(int sd, void *buf, unsigned int stall_ms, struct tb_member *me)
{
	struct pollfd p = { sd, POLLIN, 0 };
	struct iovec iov = { buf, TB_MAX_MSG };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;
	int rc;

	rc = poll(&p, 1, (int)stall_ms);
	if (rc <= 0) {
		errno = rc ? errno : ETIMEDOUT;
		fail(me, "recv");
		return -1;
	}
	n = recvmsg(sd, &mh, 0);
	if (n < 0) {
		fail(me, "recvmsg");
		return -1;
	}
	return (mh.msg_flags & MSG_OOB) ? 0 : n;
}

/* Receives until every sender's END; checks every message. */
static void tb_receive(struct tb_point *p, int sd, struct tb_member *me, unsigned char *buf)
{
	uint64_t last[BENCH_MAX_SENDERS] = { 0 }, ends = 0;
	struct bench_hdr h;
	ssize_t n;

	while (ends < p->senders && !me->failed && !atomic_load(&p->sh->abort)) {
		n = tb_recv(sd, buf, p->stall_ms, me);
		if (n < 0)
			break;
		if (n == 0 || payload_check(buf, (size_t)n, VERIFY_CHEAP, p->run, p->senders,
					    &h, &me->err) < 0)
			continue;
		if (h.kind == KIND_END) {
			if (h.seq != last[h.sender])
				me->err.sequence++;
			ends++;
			me->end_ns = bench_now_ns();
			continue;
		}
		if (h.kind != KIND_DATA)
			continue;
		if (h.seq != last[h.sender] + 1)
			me->err.sequence++;
		last[h.sender] = h.seq;
		me->data_msgs++;
		me->data_bytes += (uint64_t)n;
	}
}

struct tb_sender {
	struct tb_point *p;
	int sd;
	unsigned int index;
	uint64_t sent;
	int err;
};

/* The flood: a thread, so the process keeps draining its own loopback copies. */
static void *tb_send_thread(void *arg)
{
	struct tb_sender *s = arg;
	struct tb_point *p = s->p;
	unsigned char *buf = malloc(p->size);
	uint64_t body_hash = payload_body_hash(p->size, p->run), stop;
	uint64_t seq = 0;

	if (!buf) {
		s->err = ENOMEM;
		return NULL;
	}
	payload_fill(buf, p->size, VERIFY_CHEAP, p->run, s->index, 0, body_hash, 1);
	stop = p->sh->sync.t_start + p->duration_ms * 1000000ULL;
	while (bench_now_ns() < stop && !atomic_load(&p->sh->abort)) {
		payload_fill(buf, p->size, VERIFY_CHEAP, p->run, s->index, seq + 1, body_hash, 0);
		/* Blocks while the group's flow control says so. */
		if (send(s->sd, buf, p->size, 0) != (ssize_t)p->size) {
			s->err = errno;
			break;
		}
		seq++;
	}
	s->sent = seq;
	payload_control(buf, BENCH_MIN_SIZE, KIND_END, p->run, s->index, seq, 0);
	if (!s->err && send(s->sd, buf, BENCH_MIN_SIZE, 0) != BENCH_MIN_SIZE)
		s->err = errno;
	free(buf);
	return NULL;
}

static void tb_throughput_member(struct tb_point *p, int sd, unsigned int index,
				 unsigned char *buf)
{
	struct tb_member *me = &p->m[index];
	struct tb_sender s = { .p = p, .sd = sd, .index = index };
	pthread_t t;

	crew_ready(&p->sh->sync);
	crew_wait_go(&p->sh->sync);
	if (index < p->senders && pthread_create(&t, NULL, tb_send_thread, &s)) {
		fail(me, "pthread_create");
		atomic_store(&p->sh->abort, 1);
		return;
	}
	tb_receive(p, sd, me, buf);
	if (me->failed)
		atomic_store(&p->sh->abort, 1);
	if (index < p->senders) {
		pthread_join(t, NULL);
		if (s.err) {
			errno = s.err;
			fail(me, "send");
		}
	}
}

/* Member 0 probes; in pingpong member 1 answers; the others only drain. */
static void tb_latency_member(struct tb_point *p, int sd, unsigned int index,
			      unsigned char *buf)
{
	struct tb_member *me = &p->m[index];
	unsigned int total = p->samples + p->warmup, i;
	unsigned char msg[BENCH_MAX_SIZE > 4096 ? 4096 : BENCH_MAX_SIZE];
	enum bench_kind want = p->mode == MODE_PINGPONG ? KIND_PONG : KIND_SELF;
	struct bench_hdr h;
	ssize_t n;

	crew_ready(&p->sh->sync);
	crew_wait_go(&p->sh->sync);
	if (index != 0) {
		/* Until member 0's END; answer its pings when asked to. */
		for (;;) {
			n = tb_recv(sd, buf, p->stall_ms, me);
			if (n < 0)
				return;
			if (n == 0 || payload_check(buf, (size_t)n, VERIFY_CHEAP, p->run,
						    p->members, &h, &me->err) < 0)
				continue;
			if (h.kind == KIND_END)
				return;
			if (h.kind == KIND_PING && index == 1) {
				payload_control(msg, p->size, KIND_PONG, p->run, 1, h.seq, h.check);
				if (send(sd, msg, p->size, 0) != (ssize_t)p->size) {
					fail(me, "send");
					return;
				}
			}
		}
	}
	for (i = 1; i <= total && !me->failed; i++) {
		uint64_t t0 = bench_now_ns();

		payload_control(msg, p->size, want == KIND_PONG ? KIND_PING : KIND_SELF,
				p->run, 0, i, t0);
		if (send(sd, msg, p->size, 0) != (ssize_t)p->size) {
			fail(me, "send");
			break;
		}
		for (;;) {
			n = tb_recv(sd, buf, p->stall_ms, me);
			if (n < 0)
				break;
			if (n == 0 || payload_check(buf, (size_t)n, VERIFY_CHEAP, p->run,
						    p->members, &h, &me->err) < 0)
				continue;
			if (h.kind == want && h.seq == i)
				break;
			if (h.kind == want || (h.kind != KIND_PING && h.kind != KIND_SELF))
				me->err.sequence++;
		}
		if (!me->failed && i > p->warmup)
			p->sh->lat_ns[i - p->warmup - 1] = bench_now_ns() - t0;
	}
	payload_control(msg, BENCH_MIN_SIZE, KIND_END, p->run, 0, total, 0);
	if (send(sd, msg, BENCH_MIN_SIZE, 0) != BENCH_MIN_SIZE)
		fail(me, "send END");
}

static void tb_member_main(void *arg, unsigned int index)
{
	struct tb_point *p = arg;
	struct tb_member *me = &p->m[index];
	unsigned char *buf = malloc(TB_MAX_MSG);
	int sd;

	if (!buf) {
		errno = ENOMEM;
		fail(me, "malloc");
		return;
	}
	sd = tb_join(index, p->members, p->run, me);
	if (sd < 0) {
		atomic_store(&p->sh->abort, 1);
		crew_ready(&p->sh->sync);
		free(buf);
		return;
	}
	if (p->mode == MODE_THROUGHPUT)
		tb_throughput_member(p, sd, index, buf);
	else
		tb_latency_member(p, sd, index, buf);
	/* Leave only once everyone is done, or a member would see us go. */
	atomic_fetch_add(&p->sh->done, 1);
	shared_wake(&p->sh->done);
	for (;;) {
		uint32_t d = atomic_load(&p->sh->done);

		if (d >= p->members || atomic_load(&p->sh->abort))
			break;
		shared_wait(&p->sh->done, d, 1000);
	}
	close(sd);
	free(buf);
}

static void print_json(const struct tb_point *p, int ok, double secs, double msgs_s,
		       double mb_s, const struct latency_summary *lat,
		       const struct bench_errors *e, const char *note)
{
	printf("{\"tool\":\"tipc-bench\",\"mode\":\"%s\",\"lib\":\"tipc\",\"path\":\"copy\","
	       "\"size\":%u,", p->mode == MODE_THROUGHPUT ? "throughput" :
	       p->mode == MODE_LATENCY ? "latency" : "pingpong", p->size);
	if (crew_nodes())
		printf("\"nodes\":%u,", crew_nodes());
	printf("\"guarantee\":\"fifo\",\"verify\":\"cheap\",\"senders\":%u,\"receivers\":%u,"
	       "\"seconds\":%.4f,", p->senders, p->members - p->senders, secs);
	if (p->mode == MODE_THROUGHPUT)
		printf("\"msgs_per_s\":%.1f,\"mb_per_s\":%.3f,", msgs_s, mb_s);
	else
		printf("\"samples\":%u,\"mean_us\":%.2f,\"p50_us\":%.2f,\"p90_us\":%.2f,"
		       "\"p99_us\":%.2f,\"max_us\":%.2f,", lat->samples, lat->mean_us,
		       lat->p50_us, lat->p90_us, lat->p99_us, lat->max_us);
	printf("\"format_errors\":%llu,\"sequence_errors\":%llu,\"payload_errors\":%llu,",
	       (unsigned long long)e->format, (unsigned long long)e->sequence,
	       (unsigned long long)e->payload);
	if (note)
		printf("\"note\":\"%s\",", note);
	printf("\"ok\":%s}\n", ok ? "true" : "false");
	fflush(stdout);
}

static int tb_point(struct tb_point *p, int table)
{
	size_t shsz = sizeof(*p->sh) + (p->samples + 1) * sizeof(uint64_t);
	struct bench_errors e = { 0 };
	struct latency_summary lat = { 0 };
	double secs = 0, msgs_s = -1, mb_s = -1;
	const char *note = NULL;
	unsigned int i, from;
	int bad, ok;

	p->sh = shared_alloc(shsz);
	p->m = shared_alloc(sizeof(*p->m) * p->members);
	if (!p->sh || !p->m) {
		perror("tipc-bench: shared_alloc");
		exit(1);
	}
	bad = crew_run(&p->sh->sync, p->members, tb_member_main, p,
		       (uint64_t)p->duration_ms + 2ULL * p->stall_ms +
		       (uint64_t)(p->samples + p->warmup) * 200);
	for (i = 0; i < p->members; i++) {
		e.format += p->m[i].err.format;
		e.sequence += p->m[i].err.sequence;
		e.payload += p->m[i].err.payload;
		if (p->m[i].failed && !note)
			note = p->m[i].why;
	}
	ok = !bad && !note && !bench_errors_total(&e);
	if (p->mode == MODE_THROUGHPUT) {
		/* The slowest of the processes that only receive, else of all. */
		from = p->members > p->senders ? p->senders : 0;
		for (i = from; i < p->members; i++) {
			double s = p->m[i].end_ns > p->sh->sync.t_start ?
				(double)(p->m[i].end_ns - p->sh->sync.t_start) / 1e9 : 0;
			double r = s > 0 ? (double)p->m[i].data_msgs / s : 0;

			if (msgs_s < 0 || r < msgs_s) {
				msgs_s = r;
				mb_s = s > 0 ? (double)p->m[i].data_bytes / s / 1e6 : 0;
				secs = s;
			}
		}
	} else if (ok) {
		latency_summarise(p->sh->lat_ns, p->samples, &lat);
	}
	if (!ok && !note)
		note = bad ? "a member failed or hung" : "delivery errors";
	print_json(p, ok, secs, msgs_s, mb_s, &lat, &e, note);
	if (table) {
		if (p->mode == MODE_THROUGHPUT)
			fprintf(stderr, "tipc      %8u %3u %3u %8.2f %11.0f %10.2f  %s\n", p->size,
				p->senders, p->members - p->senders, secs, msgs_s, mb_s,
				ok ? "ok" : note);
		else
			fprintf(stderr, "tipc %-8s %8u %7u %9.1f %9.1f  %s\n",
				p->mode == MODE_LATENCY ? "latency" : "pingpong", p->size,
				lat.samples, lat.p50_us, lat.p99_us, ok ? "ok" : note);
	}
	shared_free(p->m, sizeof(*p->m) * p->members);
	shared_free(p->sh, shsz);
	return ok ? 0 : 1;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: tipc-bench [options]   (needs the tipc module and a node identity)\n"
"  -m, --mode MODE      throughput (default), latency (self-delivery) or\n"
"                       pingpong (round trip, members 0 and 1)\n"
"  -s, --sizes LIST     message sizes in bytes, 64..%u (default 64,1024,10240,61440)\n"
"  -S, --senders N      sending members (throughput, default 1)\n"
"  -r, --receivers N    members that only receive (default 1)\n"
"  -t, --time SEC       seconds of sending per throughput point (default 2)\n"
"  -n, --samples N      latency samples (default 1000), after --warmup N (50)\n"
"      --stall SEC      give up after SEC seconds without a message (default 30)\n"
"      --nodes LIST     member i runs on node i %% N (see kcpg-bench --help)\n"
"  -q, --quiet          no table on stderr\n", TB_MAX_MSG);
}

int main(int argc, char **argv)
{
	enum { OPT_WARMUP = 256, OPT_STALL, OPT_NODES };
	static const struct option longopts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "sizes", required_argument, NULL, 's' },
		{ "senders", required_argument, NULL, 'S' },
		{ "receivers", required_argument, NULL, 'r' },
		{ "time", required_argument, NULL, 't' },
		{ "samples", required_argument, NULL, 'n' },
		{ "warmup", required_argument, NULL, OPT_WARMUP },
		{ "stall", required_argument, NULL, OPT_STALL },
		{ "nodes", required_argument, NULL, OPT_NODES },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tb_point p = {
		.mode = MODE_THROUGHPUT, .senders = 1, .samples = 1000, .warmup = 50,
		.stall_ms = 30000, .duration_ms = 2000,
	};
	char sizes[256] = "64,1024,10240,61440", *tok, *save;
	unsigned int receivers = 1;
	int opt, table = 1, rc = 0, bad = 0;

	while ((opt = getopt_long(argc, argv, "m:s:S:r:t:n:qh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'm':
			if (!strcmp(optarg, "throughput"))
				p.mode = MODE_THROUGHPUT;
			else if (!strcmp(optarg, "latency"))
				p.mode = MODE_LATENCY;
			else if (!strcmp(optarg, "pingpong"))
				p.mode = MODE_PINGPONG;
			else
				bad = 1;
			break;
		case 's':
			snprintf(sizes, sizeof(sizes), "%s", optarg);
			break;
		case 'S':
			p.senders = (unsigned int)atoi(optarg);
			break;
		case 'r':
			receivers = (unsigned int)atoi(optarg);
			break;
		case 't':
			p.duration_ms = (unsigned int)atoi(optarg) * 1000;
			break;
		case 'n':
			p.samples = (unsigned int)atoi(optarg);
			break;
		case OPT_WARMUP:
			p.warmup = (unsigned int)atoi(optarg);
			break;
		case OPT_STALL:
			p.stall_ms = (unsigned int)atoi(optarg) * 1000;
			break;
		case OPT_NODES:
			bad |= crew_set_nodes(optarg);
			break;
		case 'q':
			table = 0;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (p.mode != MODE_THROUGHPUT) {
		p.senders = 1;
		if (!strcmp(sizes, "64,1024,10240,61440"))
			snprintf(sizes, sizeof(sizes), "64");
	}
	p.members = p.senders + receivers;
	if (bad || optind != argc || p.senders < 1 || p.senders > BENCH_MAX_SENDERS ||
	    p.members > 32 || p.samples < 1 || p.stall_ms == 0 || p.duration_ms == 0 ||
	    (p.mode == MODE_PINGPONG && p.members < 2)) {
		usage(stderr);
		return 2;
	}
	for (tok = strtok_r(sizes, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		p.size = (uint32_t)atoi(tok);
		if (p.size < BENCH_MIN_SIZE || p.size > TB_MAX_MSG ||
		    (p.mode != MODE_THROUGHPUT && p.size > 4096)) {
			fprintf(stderr, "tipc-bench: bad size '%s'\n", tok);
			return 2;
		}
		p.run = (uint32_t)getpid() * 31 + p.size + p.mode * 7;
		rc |= tb_point(&p, table);
	}
	return rc;
}
