// SPDX-License-Identifier: GPL-2.0
/*
 * "load FILE [nodeid N]": one command from a cluster file to a node in the
 * cluster.  The node must be down: loading never takes a running node out of
 * its cluster behind the operator's back.  The file replaces the peer list
 * (every old peer is deleted) so loading the same file twice gives the same
 * node, and a peer dropped from the file is dropped from the node.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "config.h"
#include "local_addrs.h"
#include "values.h"

static int choose_local(struct kc_ctx *c, const struct kc_cluster_conf *conf,
			const char *override, uint32_t *nodeid)
{
	struct kc_addr *addrs;
	size_t n;
	int rc;

	if (override) {
		if (kc_parse_nodeid(override, nodeid, &c->err)) {
			c->status = KC_EXIT_USAGE;
			return -1;
		}
		if (!kc_config_find(conf, *nodeid))
			return kc_fail(&c->err, "load: node %u is not in the nodelist", *nodeid);
		return 0;
	}
	if (conf->has_local_nodeid) {
		*nodeid = conf->local_nodeid;
		return 0;
	}
	if (kc_local_addrs(&addrs, &n, &c->err))
		return -1;
	rc = kc_config_pick_local(conf, addrs, n, nodeid, &c->err);
	free(addrs);
	return rc;
}

/* Deletes every peer the node has. */
static int clear_peers(struct kc_ctx *c)
{
	struct kc_peer *peers;
	size_t i, n;
	int rc = 0;

	if (kc_get_peers(c, &peers, &n))
		return -1;
	for (i = 0; i < n && !rc; i++)
		rc = kc_peer_del(c, peers[i].nodeid);
	free(peers);
	return rc;
}

static int apply(struct kc_ctx *c, const struct kc_cluster_conf *conf, uint32_t local)
{
	const struct kc_conf_node *me = kc_config_find(conf, local);
	struct kc_node_conf nc;
	struct kc_status st;
	struct kc_peer p;
	size_t i;
	bool up;

	if (kc_get_status(c, &st))
		return -1;
	up = st.has_state && st.up;
	kc_status_free(&st);
	if (up)
		return kc_fail(&c->err, "load: the node is up; run 'kcpgctl down' first");
	kc_config_node_conf(conf, me, &nc);
	if (kc_node_set(c, &nc) || clear_peers(c))
		return -1;
	for (i = 0; i < conf->n_nodes; i++) {
		if (&conf->nodes[i] == me)
			continue;
		kc_config_peer(conf, &conf->nodes[i], &p);
		if (kc_peer_add(c, &p))
			return -1;
	}
	return kc_cmd_up(c, 0, NULL);
}

int kc_cmd_load(struct kc_ctx *c, int argc, char **argv)
{
	struct kc_cluster_conf conf;
	const char *override = NULL;
	uint32_t local;
	int rc;

	if (argc == 0)
		return kc_usage_error(c, "load: missing FILE");
	if (argc == 3 && !strcmp(argv[1], "nodeid"))
		override = argv[2];
	else if (argc != 1)
		return kc_usage_error(c, "load: unexpected argument '%s' (expected 'nodeid N')",
				      argv[1]);
	if (kc_config_load(argv[0], &conf, &c->err))
		return -1;
	if (conf.warnings)
		fprintf(stderr, "%s", conf.warnings);
	rc = choose_local(c, &conf, override, &local);
	if (!rc)
		rc = apply(c, &conf, local);
	kc_config_free(&conf);
	return rc;
}
