// SPDX-License-Identifier: GPL-2.0
/* The generic-netlink socket: see genl.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/kcpg.h>

#include "genl.h"
#include "msg.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

/* What resolving the family found in the controller's reply. */
struct family_info {
	uint16_t id;
	uint32_t events_group;
	int found;
};

static int mcast_group(const struct nlattr *nest, struct family_info *fi)
{
	const struct nlattr *grp, *a;

	mnl_attr_for_each_nested(grp, nest) {
		const char *name = NULL;
		uint32_t id = 0;

		mnl_attr_for_each_nested(a, grp) {
			if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME &&
			    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
				name = mnl_attr_get_str(a);
			else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID &&
				 mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
				id = mnl_attr_get_u32(a);
		}
		if (name && !strcmp(name, KCPG_GENL_MCGRP))
			fi->events_group = id;
	}
	return 0;
}

static int family_reply(const struct nlmsghdr *nlh, void *data, struct kc_err *e)
{
	struct family_info *fi = data;
	const struct nlattr *a;

	(void)e;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case CTRL_ATTR_FAMILY_ID:
			if (mnl_attr_validate(a, MNL_TYPE_U16) >= 0) {
				fi->id = mnl_attr_get_u16(a);
				fi->found = 1;
			}
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			mcast_group(a, fi);
			break;
		}
	}
	return 0;
}

uint32_t kc_genl_next_seq(struct kc_genl *g)
{
	return ++g->seq;
}

int kc_genl_open(struct kc_genl *g, struct kc_err *e)
{
	char buf[KC_MSG_BUF];
	struct family_info fi = { 0 };
	struct genlmsghdr *genl;
	struct nlmsghdr *nlh;
	int one = 1;

	memset(g, 0, sizeof(*g));
	/* Distinct sequence numbers across runs make stale replies obvious. */
	g->seq = (uint32_t)time(NULL);
	g->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!g->sock)
		return kc_fail(e, "cannot open a generic netlink socket: %s", strerror(errno));
	if (mnl_socket_bind(g->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		kc_fail(e, "cannot bind the netlink socket: %s", strerror(errno));
		kc_genl_close(g);
		return -1;
	}
	g->portid = mnl_socket_get_portid(g->sock);
	/* Best effort: older kernels just give no text with errors. */
	mnl_socket_setsockopt(g->sock, NETLINK_EXT_ACK, &one, sizeof(one));

	g->family = GENL_ID_CTRL;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = kc_genl_next_seq(g);
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = CTRL_CMD_GETFAMILY;
	genl->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, KCPG_GENL_NAME);
	if (kc_genl_transact(g, nlh, family_reply, &fi, e) < 0 || !fi.found) {
		if (g->error == ENOENT || (!g->error && !fi.found))
			kc_fail(e, "the kcpg generic netlink family is not registered (is kcpg.ko loaded?)");
		else if (g->error)
			kc_fail(e, "cannot look up the kcpg netlink family: %s", strerror(g->error));
		kc_genl_close(g);
		return -1;
	}
	g->family = fi.id;
	g->events_group = fi.events_group;
	return 0;
}

void kc_genl_close(struct kc_genl *g)
{
	if (g->sock)
		mnl_socket_close(g->sock);
	g->sock = NULL;
}

/* Takes the errno and the extended-ACK message out of an NLMSG_ERROR. */
static int ack_error(struct kc_genl *g, const struct nlmsghdr *nlh, struct kc_err *e)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	unsigned int off;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err)))
		return kc_fail(e, "truncated netlink error message");
	if (err->error == 0)
		return 1;	/* the ACK: done */
	g->error = -err->error;
	g->ext_msg[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return -1;
	/* TLVs follow the error and, unless capped, the whole request. */
	off = sizeof(*err);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	mnl_attr_for_each(a, nlh, off) {
		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0) {
			strncpy(g->ext_msg, mnl_attr_get_str(a), sizeof(g->ext_msg) - 1);
			g->ext_msg[sizeof(g->ext_msg) - 1] = '\0';
		}
	}
	return -1;
}

/*
 * Walks one datagram: returns 1 when the request is complete, 0 when more
 * datagrams follow, -1 on error.
 */
static int walk(struct kc_genl *g, const void *buf, size_t len, uint32_t seq, kc_genl_cb cb,
		void *data, struct kc_err *e)
{
	const struct nlmsghdr *nlh = buf;
	int n = (int)len;

	for (; mnl_nlmsg_ok(nlh, n); nlh = mnl_nlmsg_next(nlh, &n)) {
		if (seq && (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != g->portid))
			continue;	/* not ours (a stale reply) */
		switch (nlh->nlmsg_type) {
		case NLMSG_NOOP:
			continue;
		case NLMSG_DONE:
			return 1;
		case NLMSG_ERROR:
			return ack_error(g, nlh, e);
		case NLMSG_OVERRUN:
			return kc_fail(e, "netlink overrun");
		}
		if (cb && cb(nlh, data, e) < 0)
			return -1;
	}
	return 0;
}

int kc_genl_transact(struct kc_genl *g, struct nlmsghdr *req, kc_genl_cb cb, void *data,
		     struct kc_err *e)
{
	char buf[MNL_SOCKET_BUFFER_SIZE > KC_MSG_BUF ? MNL_SOCKET_BUFFER_SIZE : KC_MSG_BUF];
	int rc = 0;

	g->error = 0;
	g->ext_msg[0] = '\0';
	/* A dump ends with DONE; ask for an ACK too only where it ends the reply. */
	if (!(req->nlmsg_flags & NLM_F_DUMP))
		req->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(g->sock, req, req->nlmsg_len) < 0)
		return kc_fail(e, "cannot send to the kernel: %s", strerror(errno));
	while (rc == 0) {
		ssize_t len = mnl_socket_recvfrom(g->sock, buf, sizeof(buf));

		if (len < 0) {
			if (errno == EINTR)
				continue;
			return kc_fail(e, "cannot read the kernel's reply: %s", strerror(errno));
		}
		rc = walk(g, buf, (size_t)len, req->nlmsg_seq, cb, data, e);
	}
	if (rc < 0 && g->error && !e->msg[0])
		kc_fail(e, "%s", strerror(g->error));
	return rc < 0 ? -1 : 0;
}

int kc_genl_subscribe(struct kc_genl *g, struct kc_err *e)
{
	int grp = (int)g->events_group;

	if (!g->events_group)
		return kc_fail(e, "the kcpg family has no '%s' multicast group", KCPG_GENL_MCGRP);
	if (mnl_socket_setsockopt(g->sock, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)) < 0)
		return kc_fail(e, "cannot join the '%s' group: %s", KCPG_GENL_MCGRP,
			       strerror(errno));
	return 0;
}

int kc_genl_recv_events(struct kc_genl *g, kc_genl_cb cb, void *data, struct kc_err *e)
{
	char buf[MNL_SOCKET_BUFFER_SIZE > KC_MSG_BUF ? MNL_SOCKET_BUFFER_SIZE : KC_MSG_BUF];
	ssize_t len;

	g->error = 0;
	do {
		len = mnl_socket_recvfrom(g->sock, buf, sizeof(buf));
	} while (len < 0 && errno == EINTR);
	if (len < 0) {
		g->error = errno;
		if (errno == ENOBUFS)
			return kc_fail(e, "events lost: the socket overran (ENOBUFS)");
		return kc_fail(e, "cannot read events: %s", strerror(errno));
	}
	return walk(g, buf, (size_t)len, 0, cb, data, e) < 0 ? -1 : 0;
}
