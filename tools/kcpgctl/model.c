// SPDX-License-Identifier: GPL-2.0
/* Containers of model.h and the names of the counters. */
#include <stdlib.h>
#include <string.h>

#include "model.h"

/* Grows *arr (of elem-sized items) so that one more fits; -1 on ENOMEM. */
static int grow(void **arr, size_t *cap, size_t n, size_t elem)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	p = realloc(*arr, ncap * elem);
	if (!p)
		return -1;
	*arr = p;
	*cap = ncap;
	return 0;
}

int kc_members_add(struct kc_members *m, uint32_t id)
{
	if (grow((void **)&m->ids, &m->cap, m->n, sizeof(*m->ids)))
		return -1;
	m->ids[m->n++] = id;
	return 0;
}

void kc_members_free(struct kc_members *m)
{
	free(m->ids);
	memset(m, 0, sizeof(*m));
}

void kc_status_free(struct kc_status *s)
{
	kc_members_free(&s->members);
}

void kc_event_free(struct kc_event *ev)
{
	kc_members_free(&ev->members);
}

struct kc_group *kc_groups_get(struct kc_groups *g, const void *name, size_t name_len)
{
	struct kc_group *grp;
	size_t i;

	if (name_len > sizeof(grp->name))
		name_len = sizeof(grp->name);
	/* A dump sends a group's members back to back: look at the last one first. */
	for (i = g->n; i-- > 0;) {
		grp = &g->list[i];
		if (grp->name_len == name_len && !memcmp(grp->name, name, name_len))
			return grp;
	}
	if (grow((void **)&g->list, &g->cap, g->n, sizeof(*g->list)))
		return NULL;
	grp = &g->list[g->n++];
	memset(grp, 0, sizeof(*grp));
	memcpy(grp->name, name, name_len);
	grp->name_len = name_len;
	return grp;
}

int kc_group_add_member(struct kc_group *grp, uint32_t nodeid, uint32_t pid)
{
	if (grow((void **)&grp->members, &grp->cap, grp->n_members, sizeof(*grp->members)))
		return -1;
	grp->members[grp->n_members].nodeid = nodeid;
	grp->members[grp->n_members].pid = pid;
	grp->n_members++;
	return 0;
}

void kc_groups_free(struct kc_groups *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		free(g->list[i].members);
	free(g->list);
	memset(g, 0, sizeof(*g));
}

const char *kc_stat_name(unsigned int id)
{
	static const char *const names[] = {
		[KCPG_STAT_MSGS_SENT] = "msgs_sent",
		[KCPG_STAT_MSGS_DELIVERED] = "msgs_delivered",
		[KCPG_STAT_PKTS_SENT] = "pkts_sent",
		[KCPG_STAT_PKTS_RECEIVED] = "pkts_received",
		[KCPG_STAT_PKTS_DROPPED] = "pkts_dropped",
		[KCPG_STAT_RETRANSMITS] = "retransmits",
		[KCPG_STAT_TOKEN_LOSSES] = "token_losses",
		[KCPG_STAT_CONFIGS] = "configs",
		[KCPG_STAT_EXPELLED] = "expelled",
		[KCPG_STAT_DROP_UNKNOWN_PEER] = "drop_unknown_peer",
		[KCPG_STAT_DROP_QUEUE_FULL] = "drop_queue_full",
		[KCPG_STAT_DROP_NOT_UP] = "drop_not_up",
		[KCPG_STAT_SENDER_BYTES] = "sender_bytes",
		[KCPG_STAT_RING_BYTES] = "ring_bytes",
		[KCPG_STAT_RETAINED_BYTES] = "retained_bytes",
		[KCPG_STAT_SEND_ERRORS] = "send_errors",
		[KCPG_STAT_DROP_MALFORMED] = "drop_malformed",
		[KCPG_STAT_DROP_RING_FULL] = "drop_ring_full",
		[KCPG_STAT_DROP_BAD_CONSUMER] = "drop_bad_consumer",
		[KCPG_STAT_DROP_BAD_TAG] = "drop_bad_tag",
		[KCPG_STAT_DROP_REPLAY] = "drop_replay",
	};

	if (id >= sizeof(names) / sizeof(names[0]))
		return NULL;
	return names[id];
}
