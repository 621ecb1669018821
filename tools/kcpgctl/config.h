/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cluster file of "kcpgctl load": corosync.conf's syntax and the parts
 * of it that describe a kcpg cluster, so an existing corosync.conf loads.
 *
 *   # comment
 *   local_nodeid: 1              (kcpg; else chosen by local address)
 *   totem {
 *       token: 3000              token, join, consensus, hold: milliseconds
 *       netmtu: 1400             largest datagram payload
 *       port: 5420               (kcpg) default UDP port of every node
 *       interface { mcastport: 5420 }   the same, corosync's spelling
 *   }
 *   nodelist {
 *       node { nodeid: 1  ring0_addr: 10.0.0.1  [port: P]  [name: N] }
 *   }
 *
 * Sections kcpg has no use for (logging, quorum, ...) are skipped; keys
 * corosync knows but kcpg does not use are reported as warnings; anything
 * else wrong is an error naming the file, the line and the token.
 */
#ifndef KCPGCTL_CONFIG_H
#define KCPGCTL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "err.h"
#include "model.h"

struct kc_conf_node {
	uint32_t nodeid;
	struct kc_addr addr;
	bool has_port;
	uint16_t port;
	char name[64];
	unsigned int line;	/* where its "node {" is, for messages */
};

struct kc_cluster_conf {
	/* totem settings, in NODE_SET form (bits of kc_node_field) */
	unsigned int set;
	uint16_t port;
	uint32_t mtu, token_ms, join_ms, consensus_ms, hold_ms;

	bool has_local_nodeid;
	uint32_t local_nodeid;

	struct kc_conf_node *nodes;
	size_t n_nodes, cap;

	char *warnings;		/* "FILE:LINE: text\n"..., NULL if none */
};

/* Parses text (the contents of file name, for messages) into c. */
int kc_config_parse(const char *text, const char *name, struct kc_cluster_conf *c,
		    struct kc_err *e);

/* Reads and parses a file. */
int kc_config_load(const char *path, struct kc_cluster_conf *c, struct kc_err *e);

void kc_config_free(struct kc_cluster_conf *c);

const struct kc_conf_node *kc_config_find(const struct kc_cluster_conf *c, uint32_t nodeid);

/*
 * Picks the local node: the one whose ring0_addr is among the n addresses
 * configured on this host.  Exactly one must match.
 */
int kc_config_pick_local(const struct kc_cluster_conf *c, const struct kc_addr *local, size_t n,
			 uint32_t *nodeid, struct kc_err *e);

/* NODE_SET settings for node nodeid of the file. */
void kc_config_node_conf(const struct kc_cluster_conf *c, const struct kc_conf_node *node,
			 struct kc_node_conf *out);

/* PEER_ADD arguments for node of the file. */
void kc_config_peer(const struct kc_cluster_conf *c, const struct kc_conf_node *node,
		    struct kc_peer *out);

#endif
