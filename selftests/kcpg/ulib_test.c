// SPDX-License-Identifier: GPL-2.0
/* Helpers for the library's VM tests: see ulib_test.h. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

#include "ulib_test.h"

uint64_t ut_hash(const void *data, size_t len, uint64_t seed)
{
	const uint8_t *p = data;
	uint64_t h = 0xcbf29ce484222325ULL ^ seed;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

struct cpg_name ut_name(const char *s)
{
	struct cpg_name n;

	memset(&n, 0, sizeof(n));
	n.length = strlen(s);
	memcpy(n.value, s, n.length);
	return n;
}

uint64_t ut_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void *ut_shared(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static struct ut_event *rec_add(cpg_handle_t h, char kind)
{
	struct ut_rec *rec = NULL;
	struct ut_event *e;

	if (cpg_context_get(h, (void **)&rec) != CS_OK || !rec)
		abort();
	if (rec->n == rec->cap) {
		size_t cap = rec->cap ? rec->cap * 2 : 256;
		struct ut_event *v = realloc(rec->ev, cap * sizeof(*v));

		if (!v)
			abort();
		rec->ev = v;
		rec->cap = cap;
	}
	e = &rec->ev[rec->n++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	return e;
}

static void rec_done(cpg_handle_t h)
{
	struct ut_rec *rec = NULL;

	cpg_context_get(h, (void **)&rec);
	if (rec && rec->finalize_after >= 0 && rec->n == (size_t)rec->finalize_after + 1)
		cpg_finalize(h);
}

static void on_deliver(cpg_handle_t h, const struct cpg_name *group, uint32_t nodeid,
		       uint32_t pid, void *msg, size_t len)
{
	struct ut_event *e = rec_add(h, 'm');
	struct ut_rec *rec = NULL;
	struct ut_msg m;

	cpg_context_get(h, (void **)&rec);
	rec->n_msgs++;
	rec->last_msg_ptr = msg;
	e->group = *group;
	e->nodeid = nodeid;
	e->pid = pid;
	e->len = len;
	e->hash = ut_hash(msg, len, 0);
	if (len >= sizeof(m)) {
		memcpy(&m, msg, sizeof(m));
		if (m.magic == UT_MSG_MAGIC && m.len == len - sizeof(m)) {
			e->sender = m.sender;
			e->seq = m.seq;
			e->intact = ut_hash((const uint8_t *)msg + sizeof(m), m.len, 0) == m.csum;
		}
	}
	rec_done(h);
}

static void copy_list(struct cpg_address *dst, const struct cpg_address *src, size_t n)
{
	memcpy(dst, src, (n < 16 ? n : 16) * sizeof(*dst));
}

static void on_confchg(cpg_handle_t h, const struct cpg_name *group,
		       const struct cpg_address *m, size_t nm,
		       const struct cpg_address *l, size_t nl,
		       const struct cpg_address *j, size_t nj)
{
	struct ut_event *e = rec_add(h, 'c');
	struct ut_rec *rec = NULL;

	cpg_context_get(h, (void **)&rec);
	rec->n_confchg++;
	rec->members_now = nm;
	if (nm > rec->members_max)
		rec->members_max = nm;
	e->group = *group;
	e->n_members = nm;
	e->n_left = nl;
	e->n_joined = nj;
	copy_list(e->members, m, nm);
	copy_list(e->left, l, nl);
	copy_list(e->joined, j, nj);
	e->hash = ut_hash(m, nm * sizeof(*m), ut_hash(l, nl * sizeof(*l), ut_hash(j, nj * sizeof(*j), 0)));
	rec_done(h);
}

static void on_totem(cpg_handle_t h, struct cpg_ring_id ring, uint32_t n, const uint32_t *nodes)
{
	struct ut_event *e = rec_add(h, 't');
	struct ut_rec *rec = NULL;

	cpg_context_get(h, (void **)&rec);
	rec->n_totem++;
	e->ring_rep = ring.nodeid;
	e->ring_seq = ring.seq;
	e->n_members = n;
	e->hash = ut_hash(nodes, n * sizeof(*nodes), 0);
	rec_done(h);
}

cs_error_t ut_open(struct ut_rec *rec, unsigned int flags)
{
	cpg_model_v1_data_t model = {
		.model = CPG_MODEL_V1,
		.cpg_deliver_fn = on_deliver,
		.cpg_confchg_fn = on_confchg,
		.cpg_totem_confchg_fn = on_totem,
		.flags = flags,
	};

	memset(rec, 0, sizeof(*rec));
	rec->finalize_after = -1;
	return cpg_model_initialize(&rec->handle, CPG_MODEL_V1, (cpg_model_data_t *)&model, rec);
}

void ut_rec_free(struct ut_rec *rec)
{
	free(rec->ev);
	rec->ev = NULL;
	rec->n = rec->cap = 0;
}

cs_error_t ut_join(cpg_handle_t h, const char *group)
{
	struct cpg_name n = ut_name(group);
	uint64_t end = ut_now_ms() + UT_TIMEOUT_MS;
	cs_error_t res;

	while ((res = cpg_join(h, &n)) == CS_ERR_TRY_AGAIN && ut_now_ms() < end)
		usleep(1000);
	return res;
}

int ut_dispatch_until(struct ut_rec *rec, bool (*done)(struct ut_rec *rec, void *arg),
		      void *arg, int timeout_ms, cs_error_t *err)
{
	uint64_t end = ut_now_ms() + (uint64_t)timeout_ms;
	struct pollfd pfd = { .events = POLLIN };
	cs_error_t res;

	if (cpg_fd_get(rec->handle, &pfd.fd) != CS_OK)
		return -1;
	while (!done(rec, arg)) {
		uint64_t now = ut_now_ms();

		if (now >= end)
			return -1;
		poll(&pfd, 1, (int)(end - now < 100 ? end - now : 100));
		res = cpg_dispatch(rec->handle, CS_DISPATCH_ALL);
		if (res != CS_OK) {
			if (err)
				*err = res;
			return -1;
		}
	}
	return 0;
}

bool ut_has_members(struct ut_rec *rec, void *n)
{
	return rec->n_confchg && rec->members_now == *(uint32_t *)n;
}

bool ut_saw_members(struct ut_rec *rec, void *n)
{
	return rec->members_max >= *(uint32_t *)n;
}

bool ut_has_msgs(struct ut_rec *rec, void *n)
{
	return rec->n_msgs >= *(size_t *)n;
}

bool ut_has_confchgs(struct ut_rec *rec, void *n)
{
	return rec->n_confchg >= *(size_t *)n;
}

size_t ut_msg_build(void *buf, uint32_t sender, uint32_t seq, uint32_t len)
{
	struct ut_msg m = { .magic = UT_MSG_MAGIC, .sender = sender, .seq = seq, .len = len };
	uint8_t *p = (uint8_t *)buf + sizeof(m);
	uint64_t x = ((uint64_t)sender << 32 | seq) * 0x9e3779b97f4a7c15ULL + 1;
	uint32_t i;

	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (uint8_t)x;
	}
	m.csum = ut_hash(p, len, 0);
	memcpy(buf, &m, sizeof(m));
	return sizeof(m) + len;
}

cs_error_t ut_send(struct ut_rec *rec, cpg_guarantee_t g, const void *buf, size_t len)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	uint64_t end = ut_now_ms() + UT_TIMEOUT_MS;
	cs_error_t res;

	for (;;) {
		res = cpg_mcast_joined(rec->handle, g, &iov, 1);
		if (res != CS_ERR_TRY_AGAIN || ut_now_ms() > end)
			return res;
		/* Back-pressure: drain our own ring, then try again. */
		cpg_dispatch(rec->handle, CS_DISPATCH_ALL);
		usleep(500);
	}
}

void ut_close_fds_except(int keep_a, int keep_b)
{
	long max = sysconf(_SC_OPEN_MAX);
	int fd;

	if (max < 0 || max > 4096)
		max = 4096;
	for (fd = 3; fd < max; fd++)
		if (fd != keep_a && fd != keep_b)
			close(fd);
}

const struct ut_event *ut_last(const struct ut_rec *rec, char kind)
{
	size_t i;

	for (i = rec->n; i > 0; i--)
		if (rec->ev[i - 1].kind == kind)
			return &rec->ev[i - 1];
	return NULL;
}

bool ut_in_list(const struct cpg_address *list, uint32_t n, uint32_t nodeid,
		uint32_t pid, uint32_t reason)
{
	uint32_t i;

	for (i = 0; i < n && i < 16; i++)
		if (list[i].nodeid == nodeid && list[i].pid == pid && list[i].reason == reason)
			return true;
	return false;
}
