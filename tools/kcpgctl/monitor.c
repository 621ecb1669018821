// SPDX-License-Identifier: GPL-2.0
/* "monitor": prints membership changes as the module multicasts them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "msg.h"
#include "print.h"
#include "values.h"

struct monitor {
	bool json;
	unsigned long long seen, count;	/* count 0: until killed */
};

static int event(const struct nlmsghdr *nlh, void *data, struct kc_err *e)
{
	struct monitor *m = data;
	struct kc_event ev;

	if (kc_msg_cmd(nlh) != KCPG_CMD_EVENT)
		return 0;	/* a newer module's other multicasts */
	if (kc_msg_event(nlh, &ev, e))
		return -1;
	kc_print_event(stdout, &ev, "membership", m->json);
	kc_event_free(&ev);
	m->seen++;
	return 0;
}

/*
 * The ring as it is once subscribed: where the changes start from.  Its
 * line also tells a script that no later change can be missed.
 */
static int print_current(struct kc_ctx *c, bool json)
{
	struct kc_status st;
	struct kc_event ev = { 0 };

	if (kc_get_status(c, &st))
		return -1;
	ev.has_ring = st.has_ring;
	ev.ring_rep = st.ring_rep;
	ev.ring_seq = st.ring_seq;
	ev.members = st.members;
	kc_print_event(stdout, &ev, "current", json);
	kc_status_free(&st);
	return 0;
}

int kc_cmd_monitor(struct kc_ctx *c, int argc, char **argv)
{
	struct monitor m = { .json = c->json };
	struct kc_genl *g;

	if (argc == 2 && !strcmp(argv[0], "count")) {
		if (kc_parse_ulong(argv[1], ~0ULL, &m.count) || !m.count)
			return kc_usage_error(c, "monitor: invalid count '%s' (expected a positive number)",
					      argv[1]);
	} else if (argc) {
		return kc_usage_error(c, "monitor: unexpected argument '%s' (expected 'count N')",
				      argv[0]);
	}
	g = kc_ctx_genl(c);
	if (!g || kc_genl_subscribe(g, &c->err))
		return -1;
	/* Each event is flushed as printed: monitor usually writes into a pipe. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (print_current(c, m.json))
		return -1;
	while (!m.count || m.seen < m.count) {
		struct kc_err e = { { 0 } };

		if (kc_genl_recv_events(g, event, &m, &e) == 0)
			continue;
		if (g->error == ENOBUFS) {
			/* The socket overran: say so and go on with what comes next. */
			fprintf(stderr, "kcpgctl: monitor: %s\n", e.msg);
			continue;
		}
		return kc_fail(&c->err, "monitor: %s", e.msg);
	}
	return 0;
}
