// SPDX-License-Identifier: GPL-2.0
/*
 * kcpgctl: configure and inspect the kcpg node of a network namespace over
 * the "kcpg" generic-netlink family.  See kcpgctl.8.
 */
#include <fcntl.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

#define KCPGCTL_VERSION	"0.1"

struct command {
	const char *name;
	int (*run)(struct kc_ctx *c, int argc, char **argv);
};

static const struct command commands[] = {
	{ "node", kc_cmd_node },
	{ "peer", kc_cmd_peer },
	{ "up", kc_cmd_up },
	{ "down", kc_cmd_down },
	{ "status", kc_cmd_status },
	{ "groups", kc_cmd_groups },
	{ "stats", kc_cmd_stats },
	{ "monitor", kc_cmd_monitor },
	{ "load", kc_cmd_load },
	{ "key", kc_cmd_key },
	{ NULL, NULL },
};

static void usage(FILE *f)
{
	fputs("Usage: kcpgctl [-j] [-n NETNS] COMMAND [ARGS]\n"
	      "\n"
	      "  node set [id N] [addr ADDR] [port P] [mtu BYTES]\n"
	      "           [token MS] [join MS] [consensus MS] [hold MS]\n"
	      "  node [show]                  same as status\n"
	      "  peer add id N addr ADDR [port P]\n"
	      "  peer del id N\n"
	      "  peer [show]                  peers with datagram counters\n"
	      "  up | down                    join the cluster / leave it (one-node cluster)\n"
	      "  status                       node id, state, ring id, members\n"
	      "  groups                       process groups and their members\n"
	      "  stats                        counters\n"
	      "  monitor [count N]            print membership changes as they happen\n"
	      "  load FILE [nodeid N]         configure from a corosync.conf-like file, then up\n"
	      "  key set FILE [encrypt]       cluster key (32 bytes raw or hex); 'key clear'\n"
	      "  help\n"
	      "\n"
	      "  -j, --json     JSON output\n"
	      "  -n, --netns    run in network namespace NETNS (a name under /run/netns or a path)\n"
	      "  -V, --version  print the version\n"
	      "\n"
	      "ADDR is a numeric IPv4 or IPv6 address; MS is milliseconds (1000, 1000ms or 1s).\n"
	      "Configuration changes need the node down. See kcpgctl(8).\n", f);
}

static int enter_netns(const char *name, struct kc_err *e)
{
	char path[4096];
	int fd;

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kc_fail(e, "cannot open network namespace '%s' (%s): %s", name, path,
			       strerror(errno));
	if (setns(fd, CLONE_NEWNET) < 0) {
		close(fd);
		return kc_fail(e, "cannot enter network namespace '%s': %s", name, strerror(errno));
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	struct kc_ctx c = { .status = KC_EXIT_FAIL };
	const struct command *cmd;
	const char *netns = NULL;
	int i, rc;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *o = argv[i];

		if (!strcmp(o, "-j") || !strcmp(o, "--json")) {
			c.json = true;
		} else if (!strcmp(o, "-n") || !strcmp(o, "--netns")) {
			if (++i == argc) {
				fprintf(stderr, "kcpgctl: '%s' needs a namespace name\n", o);
				return KC_EXIT_USAGE;
			}
			netns = argv[i];
		} else if (!strcmp(o, "-V") || !strcmp(o, "--version")) {
			printf("kcpgctl %s (kcpg netlink family version %d)\n", KCPGCTL_VERSION,
			       KCPG_GENL_VERSION);
			return 0;
		} else if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "kcpgctl: unknown option '%s' (try 'kcpgctl help')\n", o);
			return KC_EXIT_USAGE;
		}
	}
	if (i == argc) {
		usage(stderr);
		return KC_EXIT_USAGE;
	}
	if (!strcmp(argv[i], "help")) {
		usage(stdout);
		return 0;
	}
	for (cmd = commands; cmd->name; cmd++)
		if (!strcmp(cmd->name, argv[i]))
			break;
	if (!cmd->name) {
		fprintf(stderr, "kcpgctl: unknown command '%s' (try 'kcpgctl help')\n", argv[i]);
		return KC_EXIT_USAGE;
	}
	if (netns && enter_netns(netns, &c.err)) {
		fprintf(stderr, "kcpgctl: %s\n", c.err.msg);
		return KC_EXIT_FAIL;
	}
	rc = cmd->run(&c, argc - i - 1, argv + i + 1);
	if (c.genl_open)
		kc_genl_close(&c.genl);
	if (rc) {
		fprintf(stderr, "kcpgctl: %s\n", c.err.msg[0] ? c.err.msg : "failed");
		return c.status;
	}
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "kcpgctl: cannot write the output: %s\n", strerror(errno));
		return KC_EXIT_FAIL;
	}
	return 0;
}
