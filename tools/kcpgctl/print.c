// SPDX-License-Identifier: GPL-2.0
/* Output of status, peers, groups, counters and events: see print.h. */
#include <inttypes.h>

#include "json.h"
#include "print.h"

static void text_members(FILE *f, const struct kc_members *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		fprintf(f, " %" PRIu32, m->ids[i]);
}

static void json_members(struct kc_json *j, const char *key, const struct kc_members *m)
{
	size_t i;

	kc_json_open_array(j, key);
	for (i = 0; i < m->n; i++)
		kc_json_u64(j, NULL, m->ids[i]);
	kc_json_close_array(j);
}

static void json_ring(struct kc_json *j, uint32_t rep, uint64_t seq)
{
	kc_json_open_object(j, "ring");
	kc_json_u64(j, "rep", rep);
	kc_json_u64(j, "seq", seq);
	kc_json_close_object(j);
}

void kc_print_status(FILE *f, const struct kc_status *st, bool json)
{
	char a[KC_ADDR_STRLEN];

	if (json) {
		struct kc_json j;

		kc_json_init(&j, f);
		kc_json_open_object(&j, NULL);
		if (st->has_nodeid)
			kc_json_u64(&j, "nodeid", st->nodeid);
		if (st->has_state)
			kc_json_str(&j, "state", st->up ? "up" : "down");
		if (st->has_addr)
			kc_json_str(&j, "addr", kc_addr_format(&st->addr, a));
		if (st->has_port)
			kc_json_u64(&j, "port", st->port);
		if (st->has_keyed)
			kc_json_bool(&j, "keyed", st->keyed);
		if (st->has_mtu)
			kc_json_u64(&j, "mtu", st->mtu);
		if (st->has_mtu_used)
			kc_json_u64(&j, "mtu_used", st->mtu_used);
		if (st->has_token)
			kc_json_u64(&j, "token_ms", st->token_ms);
		if (st->has_ring)
			json_ring(&j, st->ring_rep, st->ring_seq);
		if (st->has_members)
			json_members(&j, "members", &st->members);
		kc_json_close_object(&j);
		kc_json_end(&j);
		return;
	}
	fprintf(f, "node %" PRIu32, st->nodeid);
	if (st->has_state)
		fprintf(f, " state %s", st->up ? "up" : "down");
	if (st->has_addr)
		fprintf(f, " addr %s", kc_addr_format(&st->addr, a));
	if (st->has_port)
		fprintf(f, " port %u", st->port);
	if (st->has_keyed)
		fprintf(f, " keyed %s", st->keyed ? "yes" : "no");
	if (st->has_mtu)
		fprintf(f, " mtu %" PRIu32, st->mtu);
	/* Lowered to the path MTU when the node came up. */
	if (st->has_mtu_used && (!st->has_mtu || st->mtu_used != st->mtu))
		fprintf(f, " used %" PRIu32, st->mtu_used);
	if (st->has_token)
		fprintf(f, " token %" PRIu32 "ms", st->token_ms);
	fputc('\n', f);
	if (st->has_ring)
		fprintf(f, "ring rep %" PRIu32 " seq %" PRIu64 "\n", st->ring_rep, st->ring_seq);
	if (st->has_members) {
		fputs("members", f);
		text_members(f, &st->members);
		fputc('\n', f);
	}
}

void kc_print_peers(FILE *f, const struct kc_peer *peers, size_t n, bool json)
{
	char a[KC_ADDR_STRLEN];
	struct kc_json j;
	size_t i;

	if (json) {
		kc_json_init(&j, f);
		kc_json_open_array(&j, NULL);
	}
	for (i = 0; i < n; i++) {
		const struct kc_peer *p = &peers[i];

		if (json) {
			kc_json_open_object(&j, NULL);
			kc_json_u64(&j, "nodeid", p->nodeid);
			if (p->addr.family)
				kc_json_str(&j, "addr", kc_addr_format(&p->addr, a));
			if (p->has_port)
				kc_json_u64(&j, "port", p->port);
			if (p->has_counters) {
				kc_json_u64(&j, "tx", p->tx);
				kc_json_u64(&j, "rx", p->rx);
				kc_json_u64(&j, "drop", p->drop);
			}
			kc_json_close_object(&j);
			continue;
		}
		fprintf(f, "peer %" PRIu32, p->nodeid);
		if (p->addr.family)
			fprintf(f, " addr %s", kc_addr_format(&p->addr, a));
		if (p->has_port)
			fprintf(f, " port %u", p->port);
		if (p->has_counters)
			fprintf(f, " tx %" PRIu64 " rx %" PRIu64 " drop %" PRIu64, p->tx, p->rx,
				p->drop);
		fputc('\n', f);
	}
	if (json) {
		kc_json_close_array(&j);
		kc_json_end(&j);
	}
}

/* A group name as one token: bytes outside printable ASCII, space and '\' as \xNN. */
static void text_group_name(FILE *f, const struct kc_group *g)
{
	size_t i;

	for (i = 0; i < g->name_len; i++) {
		unsigned char c = g->name[i];

		if (c <= ' ' || c >= 0x7f || c == '\\')
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

void kc_print_groups(FILE *f, const struct kc_groups *g, bool json)
{
	struct kc_json j;
	size_t i, k;

	if (json) {
		kc_json_init(&j, f);
		kc_json_open_array(&j, NULL);
	}
	for (i = 0; i < g->n; i++) {
		const struct kc_group *grp = &g->list[i];

		if (json) {
			kc_json_open_object(&j, NULL);
			kc_json_bytes(&j, "group", grp->name, grp->name_len);
			kc_json_open_array(&j, "members");
			for (k = 0; k < grp->n_members; k++) {
				kc_json_open_object(&j, NULL);
				kc_json_u64(&j, "nodeid", grp->members[k].nodeid);
				kc_json_u64(&j, "pid", grp->members[k].pid);
				kc_json_close_object(&j);
			}
			kc_json_close_array(&j);
			kc_json_close_object(&j);
			continue;
		}
		fputs("group ", f);
		text_group_name(f, grp);
		fprintf(f, " members %zu\n", grp->n_members);
		for (k = 0; k < grp->n_members; k++)
			fprintf(f, "    node %" PRIu32 " pid %" PRIu32 "\n", grp->members[k].nodeid,
				grp->members[k].pid);
	}
	if (json) {
		kc_json_close_array(&j);
		kc_json_end(&j);
	}
}

void kc_print_stats(FILE *f, const struct kc_stats *s, bool json)
{
	struct kc_json j;
	char unknown[32];
	unsigned int id;

	if (json) {
		kc_json_init(&j, f);
		kc_json_open_object(&j, NULL);
	}
	for (id = 0; id < KC_STATS_SLOTS; id++) {
		const char *name = kc_stat_name(id);

		if (!s->present[id])
			continue;
		if (!name) {
			snprintf(unknown, sizeof(unknown), "stat_%u", id);
			name = unknown;
		}
		if (json)
			kc_json_u64(&j, name, s->value[id]);
		else
			fprintf(f, "%-18s %" PRIu64 "\n", name, s->value[id]);
	}
	if (json) {
		kc_json_close_object(&j);
		kc_json_end(&j);
	}
}

void kc_print_event(FILE *f, const struct kc_event *ev, const char *what, bool json)
{
	if (json) {
		struct kc_json j;

		kc_json_init(&j, f);
		kc_json_open_object(&j, NULL);
		kc_json_str(&j, "event", what);
		if (ev->has_ring)
			json_ring(&j, ev->ring_rep, ev->ring_seq);
		json_members(&j, "members", &ev->members);
		kc_json_close_object(&j);
		kc_json_end(&j);
		return;
	}
	fputs(what, f);
	if (ev->has_ring)
		fprintf(f, " ring rep %" PRIu32 " seq %" PRIu64, ev->ring_rep, ev->ring_seq);
	fputs(" members", f);
	text_members(f, &ev->members);
	fputc('\n', f);
	fflush(f);
}
