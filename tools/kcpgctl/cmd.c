// SPDX-License-Identifier: GPL-2.0
/* What the commands share: see cmd.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "msg.h"

struct kc_genl *kc_ctx_genl(struct kc_ctx *c)
{
	if (!c->genl_open) {
		if (kc_genl_open(&c->genl, &c->err) < 0)
			return NULL;
		c->genl_open = true;
	}
	return &c->genl;
}

int kc_usage_error(struct kc_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err.msg, sizeof(c->err.msg), fmt, ap);
	va_end(ap);
	c->status = KC_EXIT_USAGE;
	return -1;
}

int kc_no_args(struct kc_ctx *c, const char *cmd, int argc, char **argv)
{
	if (argc > 0)
		return kc_usage_error(c, "%s: unexpected argument '%s'", cmd, argv[0]);
	return 0;
}

/* Errnos any request can meet, after the command's own hints. */
static const struct kc_hint common_hints[] = {
	{ EPERM, "needs CAP_NET_ADMIN in this network namespace (run as root)" },
	{ EOPNOTSUPP, "the loaded kcpg module does not support this command" },
	{ 0, NULL },
};

static const char *hint_for(int error, const struct kc_hint *hints)
{
	for (; hints && hints->error; hints++)
		if (hints->error == error)
			return hints->text;
	for (hints = common_hints; hints->error; hints++)
		if (hints->error == error)
			return hints->text;
	return NULL;
}

int kc_request(struct kc_ctx *c, uint8_t cmd, bool dump,
	       void (*put)(struct nlmsghdr *nlh, const void *arg), const void *arg,
	       kc_genl_cb cb, void *data, const char *what, const struct kc_hint *hints)
{
	struct kc_genl *g = kc_ctx_genl(c);
	char buf[KC_MSG_BUF];
	struct nlmsghdr *nlh;
	const char *hint;
	struct kc_err e = { { 0 } };

	if (!g)
		return -1;
	nlh = kc_msg_request(buf, g->family, cmd, dump ? NLM_F_DUMP : 0, kc_genl_next_seq(g));
	if (put)
		put(nlh, arg);
	if (kc_genl_transact(g, nlh, cb, data, &e) == 0)
		return 0;
	if (!g->error) {
		/* Not the kernel's refusal: a socket or parse problem. */
		return kc_fail(&c->err, "%s: %s", what, e.msg);
	}
	hint = hint_for(g->error, hints);
	if (g->ext_msg[0] && hint)
		kc_fail(&c->err, "%s: %s: %s (%s)", what, strerror(g->error), g->ext_msg, hint);
	else if (g->ext_msg[0])
		kc_fail(&c->err, "%s: %s: %s", what, strerror(g->error), g->ext_msg);
	else if (hint)
		kc_fail(&c->err, "%s: %s (%s)", what, strerror(g->error), hint);
	else
		kc_fail(&c->err, "%s: %s", what, strerror(g->error));
	return -1;
}

static int status_reply(const struct nlmsghdr *nlh, void *data, struct kc_err *e)
{
	struct kc_status *st = data;

	kc_status_free(st);
	return kc_msg_status(nlh, st, e);
}

int kc_get_status(struct kc_ctx *c, struct kc_status *st)
{
	memset(st, 0, sizeof(*st));
	return kc_request(c, KCPG_CMD_STATUS_GET, false, NULL, NULL, status_reply, st,
			  "status", NULL);
}

struct peer_list {
	struct kc_peer *list;
	size_t n, cap;
};

static int peer_reply(const struct nlmsghdr *nlh, void *data, struct kc_err *e)
{
	struct peer_list *pl = data;

	if (pl->n == pl->cap) {
		size_t ncap = pl->cap ? pl->cap * 2 : 8;
		struct kc_peer *p = realloc(pl->list, ncap * sizeof(*p));

		if (!p)
			return kc_fail(e, "out of memory");
		pl->list = p;
		pl->cap = ncap;
	}
	if (kc_msg_peer(nlh, &pl->list[pl->n], e))
		return -1;
	pl->n++;
	return 0;
}

static int by_nodeid(const void *a, const void *b)
{
	const struct kc_peer *pa = a, *pb = b;

	return pa->nodeid < pb->nodeid ? -1 : pa->nodeid > pb->nodeid;
}

int kc_get_peers(struct kc_ctx *c, struct kc_peer **peers, size_t *n)
{
	struct peer_list pl = { 0 };

	if (kc_request(c, KCPG_CMD_PEER_GET, true, NULL, NULL, peer_reply, &pl, "peer show",
		       NULL)) {
		free(pl.list);
		return -1;
	}
	if (pl.n)
		qsort(pl.list, pl.n, sizeof(*pl.list), by_nodeid);
	*peers = pl.list;
	*n = pl.n;
	return 0;
}
