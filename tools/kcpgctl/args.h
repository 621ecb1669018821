/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Keyword arguments of "node set" and "peer add|del", iproute2 style:
 * "KEYWORD VALUE" pairs in any order, each at most once.  argv holds only
 * the pairs (the command words are already consumed).
 */
#ifndef KCPGCTL_ARGS_H
#define KCPGCTL_ARGS_H

#include "err.h"
#include "model.h"

/* node set [id N] [addr A] [port P] [mtu N] [token MS] [join MS] [consensus MS] [hold MS] */
int kc_args_node_set(int argc, char **argv, struct kc_node_conf *c, struct kc_err *e);

/* peer add id N addr A [port P] */
int kc_args_peer_add(int argc, char **argv, struct kc_peer *p, struct kc_err *e);

/* peer del id N */
int kc_args_peer_del(int argc, char **argv, uint32_t *nodeid, struct kc_err *e);

#endif
