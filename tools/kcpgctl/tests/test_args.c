// SPDX-License-Identifier: GPL-2.0
/* Keyword arguments of node set and peer add/del. */
#include "unit.h"
#include "../args.h"

#define ARGV(...) ((char *[]){ __VA_ARGS__ })
#define ARGC(...) ((int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)))
#define NODE_SET(c, e, ...) kc_args_node_set(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), c, e)
#define PEER_ADD(p, e, ...) kc_args_peer_add(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), p, e)
#define PEER_DEL(id, e, ...) kc_args_peer_del(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), id, e)

TEST(node_set_everything)
{
	struct kc_node_conf c;
	struct kc_err e;

	CHECK(NODE_SET(&c, &e, "id", "3", "addr", "10.0.0.3", "port", "5421", "mtu", "1400",
		       "token", "2s", "join", "100", "consensus", "2400ms", "hold", "30") == 0);
	CHECK(c.set == (KC_NODE_ID | KC_NODE_ADDR | KC_NODE_PORT | KC_NODE_MTU | KC_NODE_TOKEN |
			KC_NODE_JOIN | KC_NODE_CONSENSUS | KC_NODE_HOLD));
	CHECK(c.nodeid == 3 && c.port == 5421 && c.mtu == 1400);
	CHECK(c.token_ms == 2000 && c.join_ms == 100 && c.consensus_ms == 2400 && c.hold_ms == 30);
	CHECK(c.addr.family == AF_INET && c.addr.bytes[3] == 3);
}

TEST(node_set_some)
{
	struct kc_node_conf c;
	struct kc_err e;

	CHECK(NODE_SET(&c, &e, "token", "500") == 0);
	CHECK(c.set == KC_NODE_TOKEN && c.token_ms == 500);
	CHECK(NODE_SET(&c, &e, "nodeid", "7", "address", "fd00::7") == 0);
	CHECK(c.set == (KC_NODE_ID | KC_NODE_ADDR) && c.nodeid == 7);
	CHECK(c.addr.family == AF_INET6);
}

TEST(node_set_errors_name_the_token)
{
	struct kc_node_conf c;
	struct kc_err e;

	CHECK(kc_args_node_set(0, NULL, &c, &e) < 0);
	CHECK_CONTAINS(e.msg, "nothing to set");
	CHECK(NODE_SET(&c, &e, "id", "1", "colour", "blue") < 0);
	CHECK_CONTAINS(e.msg, "unknown argument 'colour'");
	CHECK(NODE_SET(&c, &e, "id", "1", "port") < 0);
	CHECK_CONTAINS(e.msg, "'port' needs a value");
	CHECK(NODE_SET(&c, &e, "id", "1", "id", "2") < 0);
	CHECK_CONTAINS(e.msg, "'id' given twice");
	CHECK(NODE_SET(&c, &e, "id", "1", "nodeid", "2") < 0);
	CHECK_CONTAINS(e.msg, "'nodeid' given twice");
	CHECK(NODE_SET(&c, &e, "addr", "10.0.0.300") < 0);
	CHECK_CONTAINS(e.msg, "'10.0.0.300'");
	CHECK(NODE_SET(&c, &e, "token", "fast") < 0);
	CHECK_CONTAINS(e.msg, "invalid token timeout 'fast'");
	CHECK(NODE_SET(&c, &e, "consensus", "-5") < 0);
	CHECK_CONTAINS(e.msg, "invalid consensus timeout '-5'");
	CHECK(NODE_SET(&c, &e, "mtu", "9999999") < 0);
	CHECK_CONTAINS(e.msg, "invalid mtu '9999999'");
	CHECK(NODE_SET(&c, &e, "id", "0") < 0);
	CHECK_CONTAINS(e.msg, "invalid node id '0'");
}

TEST(peer_add)
{
	struct kc_peer p;
	struct kc_err e;

	CHECK(PEER_ADD(&p, &e, "id", "2", "addr", "10.0.0.2") == 0);
	CHECK(p.nodeid == 2 && !p.has_port && p.addr.family == AF_INET);
	CHECK(PEER_ADD(&p, &e, "addr", "fd99::2", "port", "6000", "id", "9") == 0);
	CHECK(p.nodeid == 9 && p.has_port && p.port == 6000 && p.addr.family == AF_INET6);
}

TEST(peer_add_errors)
{
	struct kc_peer p;
	struct kc_err e;

	CHECK(PEER_ADD(&p, &e, "id", "2") < 0);
	CHECK_CONTAINS(e.msg, "missing 'addr ADDRESS'");
	CHECK(PEER_ADD(&p, &e, "addr", "10.0.0.2") < 0);
	CHECK_CONTAINS(e.msg, "missing 'id N'");
	CHECK(PEER_ADD(&p, &e, "id", "2", "addr", "host2") < 0);
	CHECK_CONTAINS(e.msg, "invalid address 'host2'");
	CHECK(PEER_ADD(&p, &e, "id", "2", "addr", "10.0.0.2", "mtu", "1400") < 0);
	CHECK_CONTAINS(e.msg, "unknown argument 'mtu'");
	CHECK(PEER_ADD(&p, &e, "id", "2", "addr", "10.0.0.2", "port", "0") < 0);
	CHECK_CONTAINS(e.msg, "invalid port '0'");
}

TEST(peer_del)
{
	struct kc_err e;
	uint32_t id;

	CHECK(PEER_DEL(&id, &e, "id", "4") == 0 && id == 4);
	CHECK(kc_args_peer_del(0, NULL, &id, &e) < 0);
	CHECK_CONTAINS(e.msg, "missing 'id N'");
	CHECK(PEER_DEL(&id, &e, "id") < 0);
	CHECK_CONTAINS(e.msg, "'id' needs a value");
	CHECK(PEER_DEL(&id, &e, "addr", "10.0.0.1") < 0);
	CHECK_CONTAINS(e.msg, "unknown argument 'addr'");
	CHECK(PEER_DEL(&id, &e, "id", "4", "now") < 0);
	CHECK_CONTAINS(e.msg, "unexpected argument 'now'");
	CHECK(PEER_DEL(&id, &e, "id", "x") < 0);
	CHECK_CONTAINS(e.msg, "invalid node id 'x'");
}
