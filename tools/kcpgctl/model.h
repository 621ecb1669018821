/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What kcpgctl sends to and reads from the kcpg family, as plain structs:
 * the command-line and file parsers fill the first two, the reply parsers
 * (msg.c) the others, and the printers read them.  Keeping netlink out of
 * these lets the parsers and printers be tested on the host.
 */
#ifndef KCPGCTL_MODEL_H
#define KCPGCTL_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/kcpg.h>

#include "addr.h"

/* Which fields of kc_node_conf are given (only those go into NODE_SET). */
enum kc_node_field {
	KC_NODE_ID		= 1u << 0,
	KC_NODE_ADDR		= 1u << 1,
	KC_NODE_PORT		= 1u << 2,
	KC_NODE_MTU		= 1u << 3,
	KC_NODE_TOKEN		= 1u << 4,
	KC_NODE_JOIN		= 1u << 5,
	KC_NODE_CONSENSUS	= 1u << 6,
	KC_NODE_HOLD		= 1u << 7,
};

/* The local node's settings (KCPG_CMD_NODE_SET). */
struct kc_node_conf {
	unsigned int set;	/* enum kc_node_field bits */
	uint32_t nodeid;
	struct kc_addr addr;
	uint16_t port;
	uint32_t mtu;
	uint32_t token_ms, join_ms, consensus_ms, hold_ms;
};

/* A peer: what PEER_ADD takes, and what PEER_GET reports about it. */
struct kc_peer {
	uint32_t nodeid;
	struct kc_addr addr;
	bool has_port;
	uint16_t port;
	bool has_counters;
	uint64_t tx, rx, drop;
};

/* Node ids of a ring (MEMBERS nest), in the kernel's order. */
struct kc_members {
	uint32_t *ids;
	size_t n, cap;
};

/* STATUS_GET; has_* tell which attributes the reply carried. */
struct kc_status {
	bool has_nodeid, has_state, has_ring, has_members, has_keyed, has_addr, has_port;
	bool has_mtu, has_mtu_used, has_token;
	uint32_t nodeid;
	bool up;
	uint32_t ring_rep;
	uint64_t ring_seq;
	struct kc_members members;
	bool keyed;
	struct kc_addr addr;
	uint16_t port;
	uint32_t mtu;
	uint32_t mtu_used;	/* the datagram payload in use (path MTU) */
	uint32_t token_ms;
};

/* An EVENT multicast: the ring after a membership change. */
struct kc_event {
	bool has_ring;
	uint32_t ring_rep;
	uint64_t ring_seq;
	struct kc_members members;
};

/* STATS_GET: one u64 per KCPG_STAT_*; unknown (newer) ids are kept too. */
#define KC_STATS_SLOTS	64
struct kc_stats {
	bool present[KC_STATS_SLOTS];
	uint64_t value[KC_STATS_SLOTS];
};

struct kc_group_member {
	uint32_t nodeid;
	uint32_t pid;
};

/* One group of a GROUP_GET dump, its members gathered across messages. */
struct kc_group {
	uint8_t name[128];
	size_t name_len;
	struct kc_group_member *members;
	size_t n_members, cap;
};

struct kc_groups {
	struct kc_group *list;
	size_t n, cap;
};

int kc_members_add(struct kc_members *m, uint32_t id);
void kc_members_free(struct kc_members *m);
void kc_status_free(struct kc_status *s);
void kc_event_free(struct kc_event *ev);

/* The group named name, created empty if new (names past 128 bytes are cut); NULL on ENOMEM. */
struct kc_group *kc_groups_get(struct kc_groups *g, const void *name, size_t name_len);
int kc_group_add_member(struct kc_group *grp, uint32_t nodeid, uint32_t pid);
void kc_groups_free(struct kc_groups *g);

/* Name of a KCPG_STAT_* counter ("pkts_sent"), NULL if this kcpgctl does not know it. */
const char *kc_stat_name(unsigned int id);

#endif
