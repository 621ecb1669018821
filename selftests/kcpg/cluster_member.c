// SPDX-License-Identifier: GPL-2.0
/*
 * cluster_member: one process of a multi-node test.  It joins a group
 * through cpg.h, waits until the group has all the processes the test
 * started, sends messages of random sizes and contents, and logs every
 * event it is given, in order, to a file.  The test scripts compare the
 * logs of all members: agreed order means identical logs.
 *
 *   cluster_member -o LOG -e MEMBERS [-m MSGS | -S STOPFILE] [options]
 *     -o LOG       the event log (see below)
 *     -e MEMBERS   processes expected in the group before sending starts
 *     -m MSGS      send this many messages (default 100)
 *     -S STOPFILE  instead, send until STOPFILE exists
 *     -i USEC      pause between two sends (default 0)
 *     -s BYTES     largest message (default 65536): three in four sizes are
 *                  below 4 KiB, the rest spread evenly in log scale up to it
 *     -B N         every Nth message is exactly BYTES long (default: none)
 *     -G GUARANTEE agreed (default), safe or fifo
 *     -z           send through cpg_zcb_mcast_joined and scribble over the
 *                  buffer as soon as the call returns: receivers must still
 *                  get the bytes as they were at the call
 *     -g GROUP     group name (default kcpg-cluster-test)
 *     -r SEED      seed of sizes and contents (default 1)
 *     -t SEC       give up after SEC seconds (default 600)
 *
 * Every message carries (node id, pid, seq, length, checksum) and a payload
 * derived from them, so a receiver checks each byte.  After its last
 * message a member sends an END carrying its count, and it exits once it has
 * the END of every process that is in the group at that point.
 *
 * Log lines, in delivery order:
 *   I NODEID PID                        who this member is (first line)
 *   C n=N MEMBERS | LEFT | JOINED       a confchg; entries nodeid:pid, with
 *                                       :reason in LEFT and JOINED
 *   T REP.SEQ N IDS...                  a totem confchg
 *   F                                   the group reached MEMBERS processes
 *   D NODEID PID SEQ LEN CSUM           a message, verified
 *   E NODEID PID COUNT                  a sender's END
 *   BAD ...                             a message that failed verification
 *   X ok | X timeout ... | X error ...  the outcome (last line)
 *
 * Exit status: 0 ok, 1 a delivery failed a check, 2 an API error, 3 timeout.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <corosync/cpg.h>

#define MAGIC		0x6b637067636c7472ULL	/* "kcpgcltr" */
#define KIND_DATA	1
#define KIND_END	2
#define MAX_SENDERS	256
#define DISPATCH_BATCH	256

struct msg_header {
	uint64_t magic;
	uint32_t kind;
	uint32_t nodeid;
	uint32_t pid;
	uint32_t seq;		/* DATA: 1, 2, ...; END: the number of DATA sent */
	uint32_t len;		/* whole message, header included */
	uint32_t pad;
	uint64_t csum;		/* FNV-1a of the payload */
};

struct sender {
	uint32_t nodeid, pid;
	uint32_t last_seq;
	bool ended;
};

struct options {
	const char *log_path, *stop_path, *group;
	uint32_t expected, messages, max_size, interval_us, timeout_s, big_every;
	uint64_t seed;
	cpg_guarantee_t guarantee;
	bool zcb;
};

/* Everything one member tracks; reached from the callbacks via the handle's context. */
struct member {
	const struct options *opt;
	FILE *log;
	uint32_t nodeid, pid;
	bool full;			/* the F line is written */
	struct cpg_address current[CPG_MEMBERS_MAX];
	size_t n_current;
	struct sender senders[MAX_SENDERS];
	size_t n_senders;
	uint8_t *scratch;		/* expected payload, for comparison */
	unsigned int bad;
};

static uint64_t fnv1a(const uint8_t *p, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (len--) {
		h ^= *p++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* The payload of (nodeid, pid, seq): anyone can regenerate it. */
static void fill_payload(uint8_t *p, size_t len, uint64_t seed, uint32_t nodeid, uint32_t pid,
			 uint32_t seq)
{
	uint64_t s = seed ^ ((uint64_t)nodeid << 40) ^ ((uint64_t)pid << 20) ^ seq;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		uint64_t v = splitmix(&s);

		memcpy(p + i, &v, 8);
	}
	if (i < len) {
		uint64_t v = splitmix(&s);

		memcpy(p + i, &v, len - i);
	}
}

/*
 * Total length of message seq: three in four below 4 KiB; the others pick a
 * power-of-two band between 4 KiB and max_size, then a size in it, so every
 * scale up to the largest message is exercised.
 */
static uint32_t message_size(const struct member *m, uint32_t seq)
{
	uint64_t s = m->opt->seed * 31 + ((uint64_t)m->pid << 32) + seq;
	uint64_t r = splitmix(&s), lo = sizeof(struct msg_header), hi = m->opt->max_size;
	uint64_t small_hi = hi < 4096 ? hi : 4096, band_lo, band_hi;
	unsigned int bits = 12, top = 12;

	if (hi <= lo)
		return (uint32_t)lo;
	if (m->opt->big_every && seq % m->opt->big_every == 0)
		return (uint32_t)hi;
	if (r % 4 != 0 || hi <= 4096)
		return (uint32_t)(lo + (r >> 8) % (small_hi - lo + 1));
	while ((1ULL << (top + 1)) <= hi)
		top++;
	bits += (unsigned int)(splitmix(&s) % (top - 12 + 1));
	band_lo = 1ULL << bits;
	band_hi = (2ULL << bits) < hi ? (2ULL << bits) : hi;
	return (uint32_t)(band_lo + splitmix(&s) % (band_hi - band_lo + 1));
}

static void logf_line(struct member *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_line(struct member *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(m->log, fmt, ap);
	va_end(ap);
	fputc('\n', m->log);
}

static struct sender *sender_of(struct member *m, uint32_t nodeid, uint32_t pid)
{
	size_t i;

	for (i = 0; i < m->n_senders; i++)
		if (m->senders[i].nodeid == nodeid && m->senders[i].pid == pid)
			return &m->senders[i];
	if (m->n_senders == MAX_SENDERS)
		return NULL;
	m->senders[m->n_senders] = (struct sender){ .nodeid = nodeid, .pid = pid };
	return &m->senders[m->n_senders++];
}

static void bad(struct member *m, uint32_t nodeid, uint32_t pid, const char *why, size_t len)
{
	m->bad++;
	logf_line(m, "BAD %" PRIu32 " %" PRIu32 " len %zu: %s", nodeid, pid, len, why);
}

static void on_deliver(cpg_handle_t h, const struct cpg_name *group, uint32_t nodeid,
		       uint32_t pid, void *data, size_t len)
{
	struct msg_header hd;
	struct member *m;
	struct sender *s;
	uint64_t csum;

	(void)group;
	if (cpg_context_get(h, (void **)&m) != CS_OK)
		return;
	if (len < sizeof(hd))
		return bad(m, nodeid, pid, "shorter than the header", len);
	memcpy(&hd, data, sizeof(hd));
	if (hd.magic != MAGIC)
		return bad(m, nodeid, pid, "bad magic", len);
	if (hd.nodeid != nodeid || hd.pid != pid)
		return bad(m, nodeid, pid, "sender differs from the header's", len);
	if (hd.len != len)
		return bad(m, nodeid, pid, "length differs from the header's", len);
	s = sender_of(m, nodeid, pid);
	if (!s)
		return bad(m, nodeid, pid, "too many senders", len);
	if (hd.kind == KIND_END) {
		if (s->ended)
			return bad(m, nodeid, pid, "second END", len);
		if (hd.seq != s->last_seq)
			logf_line(m, "# END says %" PRIu32 " sent, %" PRIu32 " delivered here",
				  hd.seq, s->last_seq);
		s->ended = true;
		logf_line(m, "E %" PRIu32 " %" PRIu32 " %" PRIu32, nodeid, pid, hd.seq);
		return;
	}
	if (hd.kind != KIND_DATA)
		return bad(m, nodeid, pid, "unknown kind", len);
	if (s->ended)
		return bad(m, nodeid, pid, "message after END", len);
	/* Every guarantee this program uses keeps each sender's order. */
	if (hd.seq <= s->last_seq)
		return bad(m, nodeid, pid, "duplicate or out of the sender's order", len);
	len -= sizeof(hd);
	csum = fnv1a((const uint8_t *)data + sizeof(hd), len);
	if (csum != hd.csum)
		return bad(m, nodeid, pid, "payload checksum", len);
	fill_payload(m->scratch, len, m->opt->seed, nodeid, pid, hd.seq);
	if (memcmp(m->scratch, (const uint8_t *)data + sizeof(hd), len))
		return bad(m, nodeid, pid, "payload bytes differ from what was sent", len);
	s->last_seq = hd.seq;
	logf_line(m, "D %" PRIu32 " %" PRIu32 " %" PRIu32 " %" PRIu32 " %016" PRIx64, nodeid, pid,
		  hd.seq, hd.len, csum);
}

static void log_addresses(struct member *m, const struct cpg_address *a, size_t n, bool reason)
{
	size_t i;

	for (i = 0; i < n; i++) {
		fprintf(m->log, " %" PRIu32 ":%" PRIu32, a[i].nodeid, a[i].pid);
		if (reason)
			fprintf(m->log, ":%" PRIu32, a[i].reason);
	}
}

static void on_confchg(cpg_handle_t h, const struct cpg_name *group,
		       const struct cpg_address *members, size_t n_members,
		       const struct cpg_address *left, size_t n_left,
		       const struct cpg_address *joined, size_t n_joined)
{
	struct member *m;

	(void)group;
	if (cpg_context_get(h, (void **)&m) != CS_OK)
		return;
	fprintf(m->log, "C n=%zu", n_members);
	log_addresses(m, members, n_members, false);
	fputs(" |", m->log);
	log_addresses(m, left, n_left, true);
	fputs(" |", m->log);
	log_addresses(m, joined, n_joined, true);
	fputc('\n', m->log);
	if (n_members > CPG_MEMBERS_MAX)
		n_members = CPG_MEMBERS_MAX;
	memcpy(m->current, members, n_members * sizeof(*members));
	m->n_current = n_members;
	if (!m->full && n_members == m->opt->expected) {
		m->full = true;
		logf_line(m, "F");
	}
}

static void on_totem(cpg_handle_t h, struct cpg_ring_id ring, uint32_t n, const uint32_t *ids)
{
	struct member *m;
	uint32_t i;

	if (cpg_context_get(h, (void **)&m) != CS_OK)
		return;
	fprintf(m->log, "T %" PRIu32 ".%" PRIu64 " %" PRIu32, ring.nodeid, ring.seq, n);
	for (i = 0; i < n; i++)
		fprintf(m->log, " %" PRIu32, ids[i]);
	fputc('\n', m->log);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Dispatches what is queued (a bounded batch), waiting up to wait_ms for the first. */
static cs_error_t pump(cpg_handle_t h, struct member *m, int wait_ms)
{
	struct pollfd pfd = { .events = POLLIN };
	cs_error_t res;
	int i;

	res = cpg_fd_get(h, &pfd.fd);
	if (res != CS_OK)
		return res;
	if (wait_ms && poll(&pfd, 1, wait_ms) < 0 && errno != EINTR)
		return CS_ERR_LIBRARY;
	for (i = 0; i < DISPATCH_BATCH; i++) {
		res = cpg_dispatch(h, CS_DISPATCH_ONE_NONBLOCKING);
		if (res == CS_ERR_TRY_AGAIN)
			break;
		if (res != CS_OK)
			return res;
	}
	fflush(m->log);
	return CS_OK;
}

/* Whether every process now in the group has sent its END. */
static bool all_ended(struct member *m)
{
	size_t i;

	for (i = 0; i < m->n_current; i++) {
		struct sender *s = sender_of(m, m->current[i].nodeid, m->current[i].pid);

		if (!s || !s->ended)
			return false;
	}
	return true;
}

/* Sends one message; TRY_AGAIN is handled by dispatching and retrying. */
static cs_error_t send_one(cpg_handle_t h, struct member *m, uint8_t *buf, uint32_t len,
			   double deadline)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	cs_error_t res;

	for (;;) {
		if (m->opt->zcb)
			res = cpg_zcb_mcast_joined(h, m->opt->guarantee, buf, len);
		else
			res = cpg_mcast_joined(h, m->opt->guarantee, &iov, 1);
		if (res != CS_ERR_TRY_AGAIN)
			break;
		if (now_s() > deadline)
			return CS_ERR_TIMEOUT;
		res = pump(h, m, 10);
		if (res != CS_OK)
			return res;
	}
	/* Rewrite after send: the call has returned, the buffer is ours again. */
	if (res == CS_OK && m->opt->zcb)
		memset(buf, 0xa5, len);
	return res;
}

static void build(struct member *m, uint8_t *buf, uint32_t kind, uint32_t seq, uint32_t len)
{
	struct msg_header hd = {
		.magic = MAGIC, .kind = kind, .nodeid = m->nodeid, .pid = m->pid,
		.seq = seq, .len = len,
	};

	fill_payload(buf + sizeof(hd), len - sizeof(hd), m->opt->seed, m->nodeid, m->pid, seq);
	hd.csum = fnv1a(buf + sizeof(hd), len - sizeof(hd));
	memcpy(buf, &hd, sizeof(hd));
}

static bool should_stop(const struct member *m, uint32_t sent)
{
	if (m->opt->stop_path)
		return access(m->opt->stop_path, F_OK) == 0;
	return sent >= m->opt->messages;
}

/* The member's life; returns the exit status. */
static int run(cpg_handle_t h, struct member *m)
{
	const struct options *o = m->opt;
	double deadline = now_s() + o->timeout_s;
	struct cpg_name group = { 0 };
	uint8_t *buf = NULL;
	uint32_t sent = 0;
	cs_error_t res;

	group.length = (uint32_t)strlen(o->group);
	memcpy(group.value, o->group, group.length);
	if ((res = cpg_local_get(h, &m->nodeid)) != CS_OK) {
		logf_line(m, "X error cpg_local_get %d", res);
		return 2;
	}
	logf_line(m, "I %" PRIu32 " %" PRIu32, m->nodeid, m->pid);
	while ((res = cpg_join(h, &group)) == CS_ERR_TRY_AGAIN)
		usleep(1000);
	if (res != CS_OK) {
		logf_line(m, "X error cpg_join %d", res);
		return 2;
	}
	while (!m->full) {
		if (now_s() > deadline) {
			logf_line(m, "X timeout waiting for %" PRIu32 " members (have %zu)",
				  o->expected, m->n_current);
			return 3;
		}
		if ((res = pump(h, m, 100)) != CS_OK) {
			logf_line(m, "X error dispatch %d", res);
			return 2;
		}
	}

	if (o->zcb) {
		res = cpg_zcb_alloc(h, o->max_size, (void **)&buf);
	} else {
		buf = malloc(o->max_size);
		res = buf ? CS_OK : CS_ERR_NO_MEMORY;
	}
	if (res != CS_OK) {
		logf_line(m, "X error buffer %d", res);
		return 2;
	}
	while (!should_stop(m, sent)) {
		uint32_t len = message_size(m, sent + 1);

		build(m, buf, KIND_DATA, sent + 1, len);
		res = send_one(h, m, buf, len, deadline);
		if (res != CS_OK) {
			logf_line(m, "X %s sending message %" PRIu32 " (%d)",
				  res == CS_ERR_TIMEOUT ? "timeout" : "error", sent + 1, res);
			return res == CS_ERR_TIMEOUT ? 3 : 2;
		}
		sent++;
		if (o->interval_us)
			usleep(o->interval_us);
		if ((res = pump(h, m, 0)) != CS_OK) {
			logf_line(m, "X error dispatch %d", res);
			return 2;
		}
	}
	build(m, buf, KIND_END, sent, sizeof(struct msg_header));
	res = send_one(h, m, buf, sizeof(struct msg_header), deadline);
	if (res != CS_OK) {
		logf_line(m, "X error sending END (%d)", res);
		return 2;
	}
	while (!all_ended(m)) {
		if (now_s() > deadline) {
			logf_line(m, "X timeout waiting for the END of every member");
			return 3;
		}
		if ((res = pump(h, m, 100)) != CS_OK) {
			logf_line(m, "X error dispatch %d", res);
			return 2;
		}
	}
	/* The group may still change before we go; the log ends here. */
	if (m->bad) {
		logf_line(m, "X bad %u", m->bad);
		return 1;
	}
	logf_line(m, "X ok sent %" PRIu32, sent);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: cluster_member -o LOG -e MEMBERS [-m MSGS | -S STOPFILE] [-i USEC]\n"
			"       [-s BYTES] [-B N] [-G agreed|safe|fifo] [-z] [-g GROUP] [-r SEED] [-t SEC]\n");
	exit(2);
}

static uint32_t number(const char *s, uint32_t min, uint32_t max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || !*s || v < min || v > max) {
		fprintf(stderr, "cluster_member: bad number '%s'\n", s);
		usage();
	}
	return (uint32_t)v;
}

int main(int argc, char **argv)
{
	struct options o = {
		.group = "kcpg-cluster-test", .messages = 100, .max_size = 65536,
		.timeout_s = 600, .seed = 1, .guarantee = CPG_TYPE_AGREED,
	};
	cpg_model_v1_data_t model = {
		.model = CPG_MODEL_V1,
		.cpg_deliver_fn = on_deliver,
		.cpg_confchg_fn = on_confchg,
		.cpg_totem_confchg_fn = on_totem,
		/*
		 * No initial totem confchg: it would sit after the last joiner's
		 * F line only, and every T line is then a real ring change that
		 * all members see at the same place.
		 */
		.flags = 0,
	};
	struct member *m;
	cpg_handle_t h;
	cs_error_t res;
	int c, rc;

	while ((c = getopt(argc, argv, "o:e:m:S:i:s:B:G:zg:r:t:")) != -1) {
		switch (c) {
		case 'o': o.log_path = optarg; break;
		case 'e': o.expected = number(optarg, 1, CPG_MEMBERS_MAX); break;
		case 'm': o.messages = number(optarg, 0, 100000000); break;
		case 'S': o.stop_path = optarg; break;
		case 'i': o.interval_us = number(optarg, 0, 10000000); break;
		case 's': o.max_size = number(optarg, sizeof(struct msg_header), 64 << 20); break;
		case 'B': o.big_every = number(optarg, 1, 100000000); break;
		case 'G':
			if (!strcmp(optarg, "agreed"))
				o.guarantee = CPG_TYPE_AGREED;
			else if (!strcmp(optarg, "safe"))
				o.guarantee = CPG_TYPE_SAFE;
			else if (!strcmp(optarg, "fifo"))
				o.guarantee = CPG_TYPE_FIFO;
			else
				usage();
			break;
		case 'z': o.zcb = true; break;
		case 'g': o.group = optarg; break;
		case 'r': o.seed = number(optarg, 0, UINT32_MAX); break;
		case 't': o.timeout_s = number(optarg, 1, 86400); break;
		default: usage();
		}
	}
	if (!o.log_path || !o.expected || optind != argc || strlen(o.group) > CPG_MAX_NAME_LENGTH)
		usage();

	m = calloc(1, sizeof(*m));
	if (!m)
		return 2;
	m->opt = &o;
	m->pid = (uint32_t)getpid();
	m->scratch = malloc(o.max_size);
	m->log = fopen(o.log_path, "w");
	if (!m->log || !m->scratch) {
		perror(o.log_path);
		return 2;
	}
	/* No service yet (the module loads, a namespace appears): retry a while. */
	while ((res = cpg_model_initialize(&h, CPG_MODEL_V1, (cpg_model_data_t *)&model, m)) ==
	       CS_ERR_TRY_AGAIN)
		usleep(10000);
	if (res != CS_OK) {
		fprintf(m->log, "X error cpg_model_initialize %d\n", res);
		fclose(m->log);
		return 2;
	}
	rc = run(h, m);
	fclose(m->log);
	cpg_finalize(h);
	return rc;
}
