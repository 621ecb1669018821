/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The commands of kcpgctl and what they share: the options of the run and a
 * netlink socket opened on first use (so "help" and argument errors work
 * without the module).
 */
#ifndef KCPGCTL_CMD_H
#define KCPGCTL_CMD_H

#include <stdbool.h>

#include "err.h"
#include "genl.h"
#include "model.h"

/* Exit statuses: 1 when the operation failed, 2 when the command line is wrong. */
#define KC_EXIT_FAIL	1
#define KC_EXIT_USAGE	2

struct kc_ctx {
	bool json;
	bool genl_open;
	struct kc_genl genl;
	struct kc_err err;
	int status;		/* exit status to use if the command fails */
};

/* One errno of a request and what to tell the operator about it. */
struct kc_hint {
	int error;
	const char *text;
};

/* The socket, opened on the first call. */
struct kc_genl *kc_ctx_genl(struct kc_ctx *c);

/* A usage error: sets the message and the exit status 2; returns -1. */
int kc_usage_error(struct kc_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Sends a request without attributes (or with those put by put) and reads
 * the replies through cb.  what names the operation in errors ("peer add");
 * hints (terminated by error 0) explain the errnos the operator can fix.
 */
int kc_request(struct kc_ctx *c, uint8_t cmd, bool dump,
	       void (*put)(struct nlmsghdr *nlh, const void *arg), const void *arg,
	       kc_genl_cb cb, void *data, const char *what, const struct kc_hint *hints);

/* STATUS_GET into st (kc_status_free() it). */
int kc_get_status(struct kc_ctx *c, struct kc_status *st);

/* PEER_GET dump into a malloc'd array sorted by node id. */
int kc_get_peers(struct kc_ctx *c, struct kc_peer **peers, size_t *n);

/* The operations "load" is made of. */
int kc_node_set(struct kc_ctx *c, struct kc_node_conf *conf);
int kc_peer_add(struct kc_ctx *c, const struct kc_peer *p);
int kc_peer_del(struct kc_ctx *c, uint32_t nodeid);

int kc_cmd_node(struct kc_ctx *c, int argc, char **argv);
int kc_cmd_peer(struct kc_ctx *c, int argc, char **argv);
int kc_cmd_up(struct kc_ctx *c, int argc, char **argv);
int kc_cmd_down(struct kc_ctx *c, int argc, char **argv);
int kc_cmd_key(struct kc_ctx *c, int argc, char **argv);
int kc_cmd_status(struct kc_ctx *c, int argc, char **argv);
int kc_cmd_groups(struct kc_ctx *c, int argc, char **argv);
int kc_cmd_stats(struct kc_ctx *c, int argc, char **argv);
int kc_cmd_monitor(struct kc_ctx *c, int argc, char **argv);
int kc_cmd_load(struct kc_ctx *c, int argc, char **argv);

/* Fails (usage) if argv holds anything: for commands without arguments. */
int kc_no_args(struct kc_ctx *c, const char *cmd, int argc, char **argv);

#endif
