// SPDX-License-Identifier: LGPL-2.1-or-later
/* Ring producer for tests: see fake_ring.h. */
#include <stdlib.h>
#include <string.h>

#include "fake_ring.h"

uint64_t fake_ring_span(uint32_t body_len)
{
	return KCPG_REC_SPAN((uint64_t)sizeof(struct kcpg_rec) + body_len);
}

struct fake_rec *fake_rec_raw(uint16_t type, const void *body, uint32_t body_len)
{
	struct fake_rec *rec = malloc(sizeof(*rec) + body_len + 1);

	if (!rec)
		return NULL;
	rec->type = type;
	rec->body_len = body_len;
	if (body_len)
		memcpy(rec->body, body, body_len);
	return rec;
}

/* A record whose body starts with the fixed part of struct S after its header. */
static struct fake_rec *rec_with_head(uint16_t type, const void *whole, size_t whole_size,
				      size_t tail)
{
	size_t head = whole_size - sizeof(struct kcpg_rec);
	struct fake_rec *rec = malloc(sizeof(*rec) + head + tail + 1);

	if (!rec)
		return NULL;
	rec->type = type;
	rec->body_len = (uint32_t)(head + tail);
	memcpy(rec->body, (const uint8_t *)whole + sizeof(struct kcpg_rec), head);
	return rec;
}

struct fake_rec *fake_rec_msg(uint32_t nodeid, uint32_t pid, const void *data, uint32_t len)
{
	struct kcpg_rec_msg m;
	struct fake_rec *rec;

	memset(&m, 0, sizeof(m));
	m.nodeid = nodeid;
	m.pid = pid;
	m.guarantee = KCPG_AGREED;
	m.data_len = len;
	rec = rec_with_head(KCPG_REC_MSG, &m, sizeof(m), len);
	if (rec && len)
		memcpy(rec->body + sizeof(m) - sizeof(struct kcpg_rec), data, len);
	return rec;
}

struct fake_rec *fake_rec_confchg(const char *group,
				  const struct kcpg_address *members, uint32_t n_members,
				  const struct kcpg_address *left, uint32_t n_left,
				  const struct kcpg_address *joined, uint32_t n_joined)
{
	size_t a = sizeof(struct kcpg_address);
	struct kcpg_rec_confchg c;
	struct fake_rec *rec;
	uint8_t *p;

	memset(&c, 0, sizeof(c));
	c.group.length = (uint32_t)strlen(group);
	memcpy(c.group.value, group, c.group.length);
	c.n_members = n_members;
	c.n_left = n_left;
	c.n_joined = n_joined;
	rec = rec_with_head(KCPG_REC_CONFCHG, &c, sizeof(c), a * (n_members + n_left + n_joined));
	if (!rec)
		return NULL;
	p = rec->body + sizeof(c) - sizeof(struct kcpg_rec);
	if (n_members)
		memcpy(p, members, a * n_members);
	p += a * n_members;
	if (n_left)
		memcpy(p, left, a * n_left);
	p += a * n_left;
	if (n_joined)
		memcpy(p, joined, a * n_joined);
	return rec;
}

struct fake_rec *fake_rec_totem(uint32_t rep, uint64_t seq, const uint32_t *nodes, uint32_t n_nodes)
{
	struct kcpg_rec_totem t;
	struct fake_rec *rec;

	memset(&t, 0, sizeof(t));
	t.ring_nodeid = rep;
	t.ring_seq = seq;
	t.n_nodes = n_nodes;
	rec = rec_with_head(KCPG_REC_TOTEM, &t, sizeof(t), 4 * (size_t)n_nodes);
	if (rec && n_nodes)
		memcpy(rec->body + sizeof(t) - sizeof(struct kcpg_rec), nodes, 4 * (size_t)n_nodes);
	return rec;
}

int fake_ring_push_rec(struct fake_ring *r, uint64_t cons, const struct fake_rec *rec)
{
	uint64_t span = fake_ring_span(rec->body_len);
	uint64_t off = r->prod & (r->size - 1);
	uint64_t to_end = r->size - off;
	uint64_t need = span > to_end ? to_end + span : span;
	struct kcpg_rec hdr;

	if (need > r->size - (r->prod - cons))
		return -1;
	if (span > to_end) {
		hdr.len = (uint32_t)to_end;
		hdr.type = KCPG_REC_PAD;
		hdr.flags = 0;
		memcpy(r->data + off, &hdr, sizeof(hdr));
		r->prod += to_end;
		off = 0;
	}
	hdr.len = (uint32_t)sizeof(hdr) + rec->body_len;
	hdr.type = rec->type;
	hdr.flags = 0;
	memcpy(r->data + off, &hdr, sizeof(hdr));
	if (rec->body_len)
		memcpy(r->data + off + sizeof(hdr), rec->body, rec->body_len);
	r->prod += span;
	return 0;
}

static int push_and_free(struct fake_ring *r, uint64_t cons, struct fake_rec *rec)
{
	int ret;

	if (!rec)
		return -1;
	ret = fake_ring_push_rec(r, cons, rec);
	free(rec);
	return ret;
}

int fake_ring_push(struct fake_ring *r, uint64_t cons, uint16_t type,
		   const void *body, uint32_t body_len)
{
	return push_and_free(r, cons, fake_rec_raw(type, body, body_len));
}

int fake_ring_push_msg(struct fake_ring *r, uint64_t cons, uint32_t nodeid,
		       uint32_t pid, const void *data, uint32_t len)
{
	return push_and_free(r, cons, fake_rec_msg(nodeid, pid, data, len));
}

int fake_ring_push_confchg(struct fake_ring *r, uint64_t cons, const char *group,
			   const struct kcpg_address *members, uint32_t n_members,
			   const struct kcpg_address *left, uint32_t n_left,
			   const struct kcpg_address *joined, uint32_t n_joined)
{
	return push_and_free(r, cons, fake_rec_confchg(group, members, n_members,
							 left, n_left, joined, n_joined));
}

int fake_ring_push_totem(struct fake_ring *r, uint64_t cons, uint32_t rep, uint64_t seq,
			 const uint32_t *nodes, uint32_t n_nodes)
{
	return push_and_free(r, cons, fake_rec_totem(rep, seq, nodes, n_nodes));
}
