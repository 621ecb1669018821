// SPDX-License-Identifier: GPL-2.0
/* "peer add|del|show": the other nodes this node sends to and accepts packets from. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cmd.h"
#include "msg.h"
#include "print.h"

static const struct kc_hint peer_hints[] = {
	{ EBUSY, "the node is up: run 'kcpgctl down' first" },
	{ EEXIST, "that node id or address is already a peer (or is this node)" },
	{ ENOENT, "no such peer" },
	{ EAFNOSUPPORT, "the address family differs from this node's (IPv4/IPv6)" },
	{ ENOSPC, "too many peers" },
	{ 0, NULL },
};

static void put_peer(struct nlmsghdr *nlh, const void *arg)
{
	kc_msg_put_peer(nlh, arg);
}

static void put_nodeid(struct nlmsghdr *nlh, const void *arg)
{
	kc_msg_put_nodeid(nlh, *(const uint32_t *)arg);
}

int kc_peer_add(struct kc_ctx *c, const struct kc_peer *p)
{
	return kc_request(c, KCPG_CMD_PEER_ADD, false, put_peer, p, NULL, NULL, "peer add",
			  peer_hints);
}

int kc_peer_del(struct kc_ctx *c, uint32_t nodeid)
{
	return kc_request(c, KCPG_CMD_PEER_DEL, false, put_nodeid, &nodeid, NULL, NULL,
			  "peer del", peer_hints);
}

static int peer_show(struct kc_ctx *c)
{
	struct kc_peer *peers;
	size_t n;

	if (kc_get_peers(c, &peers, &n))
		return -1;
	kc_print_peers(stdout, peers, n, c->json);
	free(peers);
	return 0;
}

int kc_cmd_peer(struct kc_ctx *c, int argc, char **argv)
{
	struct kc_peer p;
	uint32_t id;

	if (argc == 0 || !strcmp(argv[0], "show") || !strcmp(argv[0], "list")) {
		if (argc > 1)
			return kc_usage_error(c, "peer show: unexpected argument '%s'", argv[1]);
		return peer_show(c);
	}
	if (!strcmp(argv[0], "add")) {
		if (kc_args_peer_add(argc - 1, argv + 1, &p, &c->err)) {
			c->status = KC_EXIT_USAGE;
			return -1;
		}
		return kc_peer_add(c, &p);
	}
	if (!strcmp(argv[0], "del") || !strcmp(argv[0], "delete")) {
		if (kc_args_peer_del(argc - 1, argv + 1, &id, &c->err)) {
			c->status = KC_EXIT_USAGE;
			return -1;
		}
		return kc_peer_del(c, id);
	}
	return kc_usage_error(c, "peer: unknown subcommand '%s' (expected add, del or show)",
			      argv[0]);
}
