// SPDX-License-Identifier: GPL-2.0
/* The cluster file: corosync.conf syntax, kcpg's subset, errors with file and line. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "unit.h"
#include "../config.h"

/* A corosync.conf as corosync's own tools write it, plus kcpg's keys. */
static const char corosync_conf[] =
	"# Please read the corosync.conf.5 manual page\n"
	"totem {\n"
	"\tversion: 2\n"
	"\tcluster_name: kcpgtest\n"
	"\ttransport: knet\n"
	"\ttoken: 3000\n"
	"\tjoin:50\n"
	"\tconsensus: 3600\n"
	"\thold: 180\n"
	"\tnetmtu: 1400\n"
	"\tinterface {\n"
	"\t\tlinknumber: 0\n"
	"\t\tmcastport: 5405\n"
	"\t}\n"
	"}\n"
	"\n"
	"logging {\n"
	"\tto_syslog: yes\n"
	"\tlogger_subsys {\n"
	"\t\tsubsys: QUORUM\n"
	"\t}\n"
	"}\n"
	"quorum {\n"
	"\tprovider: corosync_votequorum\n"
	"}\n"
	"nodelist {\n"
	"\tnode {\n"
	"\t\tname: n1\n"
	"\t\tnodeid: 1\n"
	"\t\tring0_addr: 10.99.0.1\n"
	"\t}\n"
	"\tnode {\n"
	"\t\tnodeid: 2\n"
	"\t\tring0_addr: 10.99.0.2\n"
	"\t}\n"
	"    node {\n"
	"        nodeid: 3\n"
	"        ring0_addr: 10.99.0.3\n"
	"        port: 6000\n"
	"    }\n"
	"}\n";

TEST(corosync_conf_loads)
{
	struct kc_cluster_conf c;
	struct kc_err e = { { 0 } };

	CHECK(kc_config_parse(corosync_conf, "c.conf", &c, &e) == 0);
	if (unit_case_failed()) {
		unit_note("error", e.msg);
		return;
	}
	CHECK(c.n_nodes == 3);
	CHECK(c.nodes[0].nodeid == 1 && c.nodes[1].nodeid == 2 && c.nodes[2].nodeid == 3);
	CHECK_STR(c.nodes[0].name, "n1");
	CHECK(c.nodes[2].has_port && c.nodes[2].port == 6000 && !c.nodes[0].has_port);
	CHECK(c.token_ms == 3000 && c.join_ms == 50 && c.consensus_ms == 3600 && c.hold_ms == 180);
	CHECK(c.mtu == 1400 && c.port == 5405);
	CHECK(c.set == (KC_NODE_TOKEN | KC_NODE_JOIN | KC_NODE_CONSENSUS | KC_NODE_HOLD |
			KC_NODE_MTU | KC_NODE_PORT));
	CHECK(!c.has_local_nodeid);
	/* version, cluster_name, transport: corosync's, harmless, no warning. */
	CHECK(c.warnings == NULL);
	kc_config_free(&c);
}

TEST(node_conf_and_peers_from_file)
{
	struct kc_cluster_conf c;
	struct kc_node_conf nc;
	struct kc_peer p;
	struct kc_err e;

	CHECK(kc_config_parse(corosync_conf, "c.conf", &c, &e) == 0);
	if (unit_case_failed())
		return;
	kc_config_node_conf(&c, kc_config_find(&c, 2), &nc);
	CHECK(nc.nodeid == 2 && nc.addr.bytes[3] == 2);
	CHECK(nc.set & KC_NODE_ID && nc.set & KC_NODE_ADDR && nc.set & KC_NODE_PORT);
	CHECK(nc.port == 5405 && nc.token_ms == 3000 && nc.mtu == 1400);
	/* A node's own port wins over the file's default. */
	kc_config_node_conf(&c, kc_config_find(&c, 3), &nc);
	CHECK(nc.port == 6000);
	kc_config_peer(&c, kc_config_find(&c, 3), &p);
	CHECK(p.nodeid == 3 && p.has_port && p.port == 6000);
	kc_config_peer(&c, kc_config_find(&c, 1), &p);
	CHECK(p.nodeid == 1 && p.has_port && p.port == 5405 && p.addr.bytes[3] == 1);
	CHECK(kc_config_find(&c, 4) == NULL);
	kc_config_free(&c);
}

TEST(minimal_ipv6_with_local_nodeid)
{
	const char *text =
		"local_nodeid: 2\n"
		"nodelist {\n"
		"  node {\n    nodeid: 1\n    ring0_addr: fd99::1\n  }\n"
		"  node {\n    nodeid: 2\n    ring0_addr: [fd99::2]\n  }\n"
		"}\n";
	struct kc_cluster_conf c;
	struct kc_node_conf nc;
	struct kc_peer p;
	struct kc_err e;
	uint32_t id = 0;

	CHECK(kc_config_parse(text, "v6.conf", &c, &e) == 0);
	if (unit_case_failed()) {
		unit_note("error", e.msg);
		return;
	}
	CHECK(c.has_local_nodeid && c.local_nodeid == 2);
	CHECK(c.nodes[1].addr.family == AF_INET6 && c.nodes[1].addr.bytes[15] == 2);
	CHECK(kc_config_pick_local(&c, NULL, 0, &id, &e) == 0 && id == 2);
	kc_config_node_conf(&c, kc_config_find(&c, 2), &nc);
	/* No totem section: nothing but the node's identity goes to the kernel. */
	CHECK(nc.set == (KC_NODE_ID | KC_NODE_ADDR));
	kc_config_peer(&c, kc_config_find(&c, 1), &p);
	CHECK(!p.has_port);
	kc_config_free(&c);
}

TEST(pick_local_by_address)
{
	struct kc_cluster_conf c;
	struct kc_addr local[3];
	struct kc_err e;
	uint32_t id = 0;

	CHECK(kc_config_parse(corosync_conf, "c.conf", &c, &e) == 0);
	if (unit_case_failed())
		return;
	kc_addr_parse("127.0.0.1", &local[0]);
	kc_addr_parse("::1", &local[1]);
	kc_addr_parse("10.99.0.2", &local[2]);
	CHECK(kc_config_pick_local(&c, local, 3, &id, &e) == 0 && id == 2);
	CHECK(kc_config_pick_local(&c, local, 2, &id, &e) < 0);
	CHECK_CONTAINS(e.msg, "no node's ring0_addr is configured on this host");
	kc_addr_parse("10.99.0.3", &local[0]);
	CHECK(kc_config_pick_local(&c, local, 3, &id, &e) < 0);
	CHECK_CONTAINS(e.msg, "nodes 2 and 3 both");
	kc_config_free(&c);
}

/* Parses text that must fail, and checks the message. */
static void bad(const char *text, const char *want)
{
	struct kc_cluster_conf c;
	struct kc_err e = { { 0 } };

	if (kc_config_parse(text, "bad.conf", &c, &e) == 0) {
		unit_failed(__FILE__, __LINE__, "parse of a bad file succeeded");
		unit_note("file", text);
		kc_config_free(&c);
		return;
	}
	if (!strstr(e.msg, want)) {
		unit_failed(__FILE__, __LINE__, "unexpected message");
		unit_note("got ", e.msg);
		unit_note("want", want);
	}
}

#define NODE(id, addr) "node {\nnodeid: " #id "\nring0_addr: " addr "\n}\n"

TEST(syntax_errors_name_the_line)
{
	bad("totem {\ntoken: 100\n", "bad.conf:1: section 'totem' is not closed");
	bad("nodelist {\nnode {\nnodeid: 1\nring0_addr: 10.0.0.1\n}\n", "bad.conf:1: section 'nodelist' is not closed");
	bad("}\n", "bad.conf:1: '}' without a section");
	bad("totem {\ntoken 100\n}\n", "bad.conf:2: expected 'key: value'");
	bad("totem { token: 100 }\n", "bad.conf:1: put each '{'");
	bad("nodelist {\n" NODE(1, "10.0.0.1") "}\n}\n", "bad.conf:7: '}' without");
	bad("totem {\n: 100\n}\n", "bad.conf:2: bad key ''");
	bad("totem {\ntoken:\n}\n", "bad.conf:2: 'token' has no value");
	bad("to tem {\n}\n", "bad.conf:1: bad section name 'to tem'");
}

TEST(value_errors_name_line_and_token)
{
	bad("totem {\n token: soon\n}\n", "bad.conf:2: invalid token timeout 'soon'");
	bad("totem {\n netmtu: 20\n}\n", "bad.conf:2: invalid mtu '20'");
	bad("totem {\n interface {\n  mcastport: 70000\n }\n}\n",
	    "bad.conf:3: invalid port '70000'");
	bad("totem {\n token: 100\n token: 200\n}\n", "bad.conf:3: 'token' given twice");
	bad("nodelist {\nnode {\nnodeid: 0\n}\n}\n", "bad.conf:3: invalid node id '0'");
	bad("nodelist {\nnode {\nnodeid: 1\nring0_addr: node1\n}\n}\n",
	    "bad.conf:4: ring0_addr 'node1' is not a numeric");
	bad("local_nodeid: x\n", "bad.conf:1: invalid node id 'x'");
	bad("local_nodid: 1\n", "bad.conf:1: unknown key 'local_nodid'");
	bad("nodelist {\nmember {\n}\n}\n", "bad.conf:2: unexpected section 'member' in nodelist");
}

TEST(nodelist_errors)
{
	bad("totem {\n token: 100\n}\n", "bad.conf: no nodes");
	bad("nodelist {\nnode {\nring0_addr: 10.0.0.1\n}\n}\n",
	    "bad.conf:4: node (from line 2) has no nodeid");
	bad("nodelist {\nnode {\nnodeid: 1\n}\n}\n", "bad.conf:4: node 1 has no ring0_addr");
	bad("nodelist {\n" NODE(1, "10.0.0.1") NODE(1, "10.0.0.2") "}\n",
	    "bad.conf:6: nodeid 1 already used by the node at line 2");
	bad("nodelist {\n" NODE(1, "10.0.0.1") NODE(2, "10.0.0.1") "}\n",
	    "bad.conf:6: ring0_addr 10.0.0.1 already used by node 1");
	bad("nodelist {\n" NODE(1, "10.0.0.1") NODE(2, "fd00::2") "}\n",
	    "node 2's address fd00::2 is not of the same family");
	bad("local_nodeid: 5\nnodelist {\n" NODE(1, "10.0.0.1") "}\n",
	    "local_nodeid 5 is not in the nodelist");
	bad("nodelist {\nnode {\nnodeid: 1\nnodeid: 2\n}\n}\n", "bad.conf:4: 'nodeid' given twice");
}

TEST(warnings_for_what_kcpg_ignores)
{
	const char *text =
		"totem {\n"
		" crypto_cipher: aes256\n"
		" token_warning: 75\n"
		"}\n"
		"nodelist {\n"
		" node {\n  nodeid: 1\n  ring0_addr: 10.0.0.1\n  ring1_addr: 10.1.0.1\n }\n"
		"}\n";
	struct kc_cluster_conf c;
	struct kc_err e;

	CHECK(kc_config_parse(text, "w.conf", &c, &e) == 0);
	if (unit_case_failed())
		return;
	CHECK(c.warnings != NULL);
	if (c.warnings) {
		CHECK_CONTAINS(c.warnings, "w.conf:2: warning: totem.crypto_cipher ignored");
		CHECK_CONTAINS(c.warnings, "w.conf:3: warning: totem.token_warning is not used");
		CHECK_CONTAINS(c.warnings, "w.conf:9: warning: ring1_addr ignored");
	}
	kc_config_free(&c);
}

TEST(load_from_file)
{
	char path[] = "/tmp/kcpgctl-test-XXXXXX";
	struct kc_cluster_conf c;
	struct kc_err e;
	int fd = mkstemp(path);
	FILE *f;

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	f = fdopen(fd, "w");
	fputs(corosync_conf, f);
	fclose(f);
	CHECK(kc_config_load(path, &c, &e) == 0 && c.n_nodes == 3);
	kc_config_free(&c);
	unlink(path);
	CHECK(kc_config_load(path, &c, &e) < 0);
	CHECK_CONTAINS(e.msg, "cannot open /tmp/kcpgctl-test-");
}
