// SPDX-License-Identifier: LGPL-2.1-or-later
/* Recording callbacks for the fake-kernel tests: see fake_client.h. */
#include <string.h>

#include "fake_client.h"

struct seen seen[256];
int n_seen;
int finalize_at = -1;
struct fake_dev *push_dev_on_deliver;

static void note_callback(void)
{
	if (n_seen - 1 == finalize_at)
		cpg_finalize(seen[n_seen - 1].handle);
}

static void on_deliver(cpg_handle_t h, const struct cpg_name *group, uint32_t nodeid,
		       uint32_t pid, void *msg, size_t len)
{
	struct seen *s = &seen[n_seen++ % 256];

	memset(s, 0, sizeof(*s));
	s->kind = 'm';
	s->handle = h;
	s->group = *group;
	s->nodeid = nodeid;
	s->pid = pid;
	s->len = len;
	s->ptr = msg;
	memcpy(s->data, msg, len < sizeof(s->data) ? len : sizeof(s->data));
	if (push_dev_on_deliver && n_seen < 100)	/* bounded even if ALL is not */
		fake_push_msg(push_dev_on_deliver, 1, 99, "more", 4);
	note_callback();
}

static void copy_list(struct cpg_address *dst, const struct cpg_address *src, size_t n)
{
	memcpy(dst, src, (n < 8 ? n : 8) * sizeof(*dst));
}

static void on_confchg(cpg_handle_t h, const struct cpg_name *group,
		       const struct cpg_address *m, size_t nm,
		       const struct cpg_address *l, size_t nl,
		       const struct cpg_address *j, size_t nj)
{
	struct seen *s = &seen[n_seen++ % 256];

	memset(s, 0, sizeof(*s));
	s->kind = 'c';
	s->handle = h;
	s->group = *group;
	s->n_members = nm;
	s->n_left = nl;
	s->n_joined = nj;
	copy_list(s->members, m, nm);
	copy_list(s->left, l, nl);
	copy_list(s->joined, j, nj);
	note_callback();
}

static void on_totem(cpg_handle_t h, struct cpg_ring_id ring, uint32_t n, const uint32_t *nodes)
{
	struct seen *s = &seen[n_seen++ % 256];

	memset(s, 0, sizeof(*s));
	s->kind = 't';
	s->handle = h;
	s->ring = ring;
	s->n_members = n;
	memcpy(s->nodes, nodes, (n < 4 ? n : 4) * sizeof(uint32_t));
	note_callback();
}

cpg_model_v1_data_t model = {
	.model = CPG_MODEL_V1,
	.cpg_deliver_fn = on_deliver,
	.cpg_confchg_fn = on_confchg,
	.cpg_totem_confchg_fn = on_totem,
};

/* A fresh fake kernel and an open handle on it. */
cs_error_t open_handle(cpg_handle_t *h, struct fake_dev **d)
{
	cs_error_t res;
	int fd;

	n_seen = 0;
	finalize_at = -1;
	push_dev_on_deliver = NULL;
	res = cpg_model_initialize(h, CPG_MODEL_V1, (cpg_model_data_t *)&model, NULL);
	if (res != CS_OK)
		return res;
	if (cpg_fd_get(*h, &fd) != CS_OK)
		return CS_ERR_LIBRARY;
	*d = fake_dev_of(fd);
	return *d ? CS_OK : CS_ERR_LIBRARY;
}

struct cpg_name name_of(const char *s)
{
	struct cpg_name n;

	memset(&n, 0, sizeof(n));
	n.length = (uint32_t)strlen(s);
	memcpy(n.value, s, n.length);
	return n;
}

const struct kcpg_address me = { 7, 100, 0 };
const struct kcpg_address me_joining = { 7, 100, CPG_REASON_JOIN };
