// SPDX-License-Identifier: GPL-2.0
/* "node set", "up" and "down": the local node's settings and its place in the cluster. */
#include <errno.h>
#include <string.h>

#include "args.h"
#include "cmd.h"
#include "msg.h"

static const struct kc_hint node_set_hints[] = {
	{ EBUSY, "the node is up: run 'kcpgctl down' first; a new node id also needs every handle of this namespace closed" },
	{ EINVAL, "a value the module does not accept" },
	{ EAFNOSUPPORT, "the address family differs from the peers' (IPv4/IPv6)" },
	{ 0, NULL },
};

static void put_node_conf(struct nlmsghdr *nlh, const void *arg)
{
	kc_msg_put_node_conf(nlh, arg);
}

/* Sends NODE_SET; the node id is always included (the current one if not given). */
int kc_node_set(struct kc_ctx *c, struct kc_node_conf *conf)
{
	if (!(conf->set & KC_NODE_ID)) {
		struct kc_status st;

		if (kc_get_status(c, &st))
			return -1;
		conf->nodeid = st.nodeid;
		conf->set |= st.has_nodeid ? KC_NODE_ID : 0;
		kc_status_free(&st);
	}
	return kc_request(c, KCPG_CMD_NODE_SET, false, put_node_conf, conf, NULL, NULL,
			  "node set", node_set_hints);
}

int kc_cmd_node(struct kc_ctx *c, int argc, char **argv)
{
	struct kc_node_conf conf;

	if (argc == 0 || !strcmp(argv[0], "show"))
		return kc_cmd_status(c, argc ? argc - 1 : 0, argv + 1);
	if (strcmp(argv[0], "set"))
		return kc_usage_error(c, "node: unknown subcommand '%s' (expected set or show)",
				      argv[0]);
	if (kc_args_node_set(argc - 1, argv + 1, &conf, &c->err)) {
		c->status = KC_EXIT_USAGE;
		return -1;
	}
	return kc_node_set(c, &conf);
}

static const struct kc_hint up_hints[] = {
	{ EADDRINUSE, "the node's UDP port is taken in this namespace" },
	{ EADDRNOTAVAIL, "the node's address is not configured on an interface of this namespace" },
	{ EDESTADDRREQ, "the node has no address: 'kcpgctl node set addr ADDRESS'" },
	{ ENOTCONN, "the node has no address: 'kcpgctl node set addr ADDRESS'" },
	{ EALREADY, "the node is already up" },
	{ 0, NULL },
};

int kc_cmd_up(struct kc_ctx *c, int argc, char **argv)
{
	if (kc_no_args(c, "up", argc, argv))
		return -1;
	return kc_request(c, KCPG_CMD_UP, false, NULL, NULL, NULL, NULL, "up", up_hints);
}

int kc_cmd_down(struct kc_ctx *c, int argc, char **argv)
{
	if (kc_no_args(c, "down", argc, argv))
		return -1;
	return kc_request(c, KCPG_CMD_DOWN, false, NULL, NULL, NULL, NULL, "down", NULL);
}
