/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kcpg family's messages, built and read without a socket: requests from
 * the structs of model.h, replies into them.  genl.c moves the bytes.
 *
 * Reply parsers ignore attributes they do not know (a newer module may add
 * some) but reject known ones of the wrong size: a bad reply is an error,
 * never a half-printed status.
 */
#ifndef KCPGCTL_MSG_H
#define KCPGCTL_MSG_H

#include <stdint.h>
#include <linux/netlink.h>

#include "err.h"
#include "model.h"

/* Big enough for any request kcpgctl sends and for one reply datagram. */
#define KC_MSG_BUF	16384

/* Starts a request to family: nlmsghdr, genlmsghdr (cmd, version) and flags. */
struct nlmsghdr *kc_msg_request(void *buf, uint16_t family, uint8_t cmd, uint16_t flags,
				uint32_t seq);

/* NODE_SET attributes for the fields c->set names. */
void kc_msg_put_node_conf(struct nlmsghdr *nlh, const struct kc_node_conf *c);

/* PEER_ADD attributes: NODEID ADDR [PORT]. */
void kc_msg_put_peer(struct nlmsghdr *nlh, const struct kc_peer *p);

void kc_msg_put_nodeid(struct nlmsghdr *nlh, uint32_t nodeid);

/* The genetlink command of a message. */
uint8_t kc_msg_cmd(const struct nlmsghdr *nlh);

int kc_msg_status(const struct nlmsghdr *nlh, struct kc_status *st, struct kc_err *e);
int kc_msg_peer(const struct nlmsghdr *nlh, struct kc_peer *p, struct kc_err *e);
int kc_msg_group(const struct nlmsghdr *nlh, struct kc_groups *g, struct kc_err *e);
int kc_msg_stats(const struct nlmsghdr *nlh, struct kc_stats *s, struct kc_err *e);
int kc_msg_event(const struct nlmsghdr *nlh, struct kc_event *ev, struct kc_err *e);

#endif
