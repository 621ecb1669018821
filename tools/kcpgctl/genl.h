/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A generic-netlink socket talking to the kcpg family of the current network
 * namespace: resolves the family and its "events" group, sends one request
 * and reads its replies up to the ACK or the end of a dump.  Kernel errors
 * come back as errno, with the extended-ACK text when the module sets one.
 */
#ifndef KCPGCTL_GENL_H
#define KCPGCTL_GENL_H

#include <stdint.h>
#include <linux/netlink.h>

#include "err.h"

struct mnl_socket;

struct kc_genl {
	struct mnl_socket *sock;
	uint16_t family;
	uint32_t events_group;		/* 0 if the module has none */
	uint32_t portid;
	uint32_t seq;
	int error;			/* errno of the last failed request */
	char ext_msg[256];		/* its extended-ACK message, or "" */
};

/* Called for each reply message; returns 0, or -1 with e set to stop. */
typedef int (*kc_genl_cb)(const struct nlmsghdr *nlh, void *data, struct kc_err *e);

int kc_genl_open(struct kc_genl *g, struct kc_err *e);
void kc_genl_close(struct kc_genl *g);

/*
 * Sends req (built with kc_msg_request for g->family and the next seq) and
 * reads replies until the ACK (or DONE for NLM_F_DUMP), calling cb for each
 * one if cb is given.  On a kernel error returns -1 with g->error set; the
 * caller words the message (it knows what was asked).
 */
int kc_genl_transact(struct kc_genl *g, struct nlmsghdr *req, kc_genl_cb cb, void *data,
		     struct kc_err *e);

uint32_t kc_genl_next_seq(struct kc_genl *g);

/* Joins the "events" group; then kc_genl_recv_events() delivers them. */
int kc_genl_subscribe(struct kc_genl *g, struct kc_err *e);

/* Blocks for the next datagram of events and calls cb for each message in it. */
int kc_genl_recv_events(struct kc_genl *g, kc_genl_cb cb, void *data, struct kc_err *e);

#endif
