// SPDX-License-Identifier: GPL-2.0
/* "status", "groups" and "stats": read-only views of the node. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "msg.h"
#include "print.h"

int kc_cmd_status(struct kc_ctx *c, int argc, char **argv)
{
	struct kc_status st;

	if (kc_no_args(c, "status", argc, argv) || kc_get_status(c, &st))
		return -1;
	kc_print_status(stdout, &st, c->json);
	kc_status_free(&st);
	return 0;
}

static int group_reply(const struct nlmsghdr *nlh, void *data, struct kc_err *e)
{
	return kc_msg_group(nlh, data, e);
}

int kc_cmd_groups(struct kc_ctx *c, int argc, char **argv)
{
	struct kc_groups g = { 0 };
	int rc;

	if (kc_no_args(c, "groups", argc, argv))
		return -1;
	rc = kc_request(c, KCPG_CMD_GROUP_GET, true, NULL, NULL, group_reply, &g, "groups", NULL);
	if (!rc)
		kc_print_groups(stdout, &g, c->json);
	kc_groups_free(&g);
	return rc;
}

static int stats_reply(const struct nlmsghdr *nlh, void *data, struct kc_err *e)
{
	return kc_msg_stats(nlh, data, e);
}

int kc_cmd_stats(struct kc_ctx *c, int argc, char **argv)
{
	struct kc_stats s;

	if (kc_no_args(c, "stats", argc, argv))
		return -1;
	memset(&s, 0, sizeof(s));
	if (kc_request(c, KCPG_CMD_STATS_GET, false, NULL, NULL, stats_reply, &s, "stats", NULL))
		return -1;
	kc_print_stats(stdout, &s, c->json);
	return 0;
}
