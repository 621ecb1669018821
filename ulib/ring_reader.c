// SPDX-License-Identifier: LGPL-2.1-or-later
/* Receive ring parsing: see ring_reader.h. */
#include <stddef.h>

#include "ring_reader.h"

/*
 * The kernel never writes a record between the consumer and producer
 * indexes, but a broken or hostile peer could: read every field that bounds
 * a later access exactly once.
 */
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))

static int parse_msg(const uint8_t *rec, uint32_t len, struct kcpg_ring_event *ev)
{
	const struct kcpg_rec_msg *m = (const void *)rec;
	uint32_t data_len;

	if (len < sizeof(*m))
		return -1;
	data_len = READ_ONCE(m->data_len);
	if (data_len > len - sizeof(*m))
		return -1;
	ev->msg.rec = m;
	ev->msg.data = rec + sizeof(*m);
	ev->msg.len = data_len;
	return 0;
}

static int parse_confchg(const uint8_t *rec, uint32_t len, struct kcpg_ring_event *ev)
{
	const struct kcpg_rec_confchg *c = (const void *)rec;
	const struct kcpg_address *a;
	uint32_t nm, nl, nj, glen;
	uint64_t need;

	if (len < sizeof(*c))
		return -1;
	glen = READ_ONCE(c->group.length);
	nm = READ_ONCE(c->n_members);
	nl = READ_ONCE(c->n_left);
	nj = READ_ONCE(c->n_joined);
	if (glen > KCPG_NAME_MAX)
		return -1;
	need = sizeof(*c) + ((uint64_t)nm + nl + nj) * sizeof(struct kcpg_address);
	if (need > len)
		return -1;
	a = (const void *)(rec + sizeof(*c));
	ev->confchg.rec = c;
	ev->confchg.group_len = glen;
	ev->confchg.members = a;
	ev->confchg.left = a + nm;
	ev->confchg.joined = a + nm + nl;
	ev->confchg.n_members = nm;
	ev->confchg.n_left = nl;
	ev->confchg.n_joined = nj;
	return 0;
}

static int parse_totem(const uint8_t *rec, uint32_t len, struct kcpg_ring_event *ev)
{
	const struct kcpg_rec_totem *t = (const void *)rec;
	uint32_t n;

	if (len < sizeof(*t))
		return -1;
	n = READ_ONCE(t->n_nodes);
	if ((uint64_t)n * sizeof(uint32_t) > len - sizeof(*t))
		return -1;
	ev->totem.rec = t;
	ev->totem.ring_nodeid = READ_ONCE(t->ring_nodeid);
	ev->totem.ring_seq = READ_ONCE(t->ring_seq);
	ev->totem.nodes = (const void *)(rec + sizeof(*t));
	ev->totem.n_nodes = n;
	return 0;
}

enum kcpg_ring_status kcpg_ring_next(const struct kcpg_ring_view *rv,
				     uint64_t cons, uint64_t prod,
				     struct kcpg_ring_event *ev)
{
	const uint64_t mask = rv->size - 1;

	if (rv->size < KCPG_REC_ALIGN || (rv->size & mask) ||
	    (cons & (KCPG_REC_ALIGN - 1)) || prod - cons > rv->size)
		return KCPG_RING_CORRUPT;

	for (;;) {
		uint64_t avail = prod - cons;
		uint64_t off = cons & mask;
		uint64_t to_end = rv->size - off;
		const uint8_t *rec = rv->data + off;
		const struct kcpg_rec *hdr = (const void *)rec;
		uint32_t len;
		uint16_t type;
		uint64_t span;
		int bad;

		ev->next = cons;
		if (avail == 0)
			return KCPG_RING_EMPTY;
		if (avail < sizeof(*hdr))
			return KCPG_RING_CORRUPT;
		len = READ_ONCE(hdr->len);
		type = READ_ONCE(hdr->type);

		if (type == KCPG_REC_PAD) {
			/* The rest of the ring up to its end is padding. */
			if (to_end > avail)
				return KCPG_RING_CORRUPT;
			cons += to_end;
			continue;
		}

		span = KCPG_REC_SPAN((uint64_t)len);
		if (len < sizeof(*hdr) || span > to_end || span > avail)
			return KCPG_RING_CORRUPT;

		ev->type = type;
		ev->next = cons + span;
		switch (type) {
		case KCPG_REC_MSG:
			bad = parse_msg(rec, len, ev);
			break;
		case KCPG_REC_CONFCHG:
			bad = parse_confchg(rec, len, ev);
			break;
		case KCPG_REC_TOTEM:
			bad = parse_totem(rec, len, ev);
			break;
		case KCPG_REC_EXPELLED:
			bad = 0;
			break;
		default:
			/* A newer kernel's record: not for us. */
			cons += span;
			continue;
		}
		return bad ? KCPG_RING_CORRUPT : KCPG_RING_EVENT;
	}
}
