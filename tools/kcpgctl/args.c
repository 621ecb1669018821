// SPDX-License-Identifier: GPL-2.0
/* Keyword arguments: see args.h. */
#include <string.h>

#include "args.h"
#include "values.h"

/*
 * Takes the value of the keyword at argv[*i], checking that it is there and
 * that the keyword was not given before (seen holds one bit per keyword).
 */
static const char *take_value(int argc, char **argv, int *i, unsigned int *seen,
			      unsigned int bit, struct kc_err *e)
{
	const char *kw = argv[*i];

	if (*seen & bit) {
		kc_fail(e, "'%s' given twice", kw);
		return NULL;
	}
	if (*i + 1 >= argc) {
		kc_fail(e, "'%s' needs a value", kw);
		return NULL;
	}
	*seen |= bit;
	return argv[++*i];
}

int kc_args_node_set(int argc, char **argv, struct kc_node_conf *c, struct kc_err *e)
{
	const char *v;
	int i;

	memset(c, 0, sizeof(*c));
	if (argc == 0)
		return kc_fail(e, "node set: nothing to set (id, addr, port, mtu, token, join, consensus, hold)");
	for (i = 0; i < argc; i++) {
		const char *kw = argv[i];
		int rc;

		if (!strcmp(kw, "id") || !strcmp(kw, "nodeid")) {
			if (!(v = take_value(argc, argv, &i, &c->set, KC_NODE_ID, e)))
				return -1;
			rc = kc_parse_nodeid(v, &c->nodeid, e);
		} else if (!strcmp(kw, "addr") || !strcmp(kw, "address")) {
			if (!(v = take_value(argc, argv, &i, &c->set, KC_NODE_ADDR, e)))
				return -1;
			rc = kc_parse_addr(v, &c->addr, e);
		} else if (!strcmp(kw, "port")) {
			if (!(v = take_value(argc, argv, &i, &c->set, KC_NODE_PORT, e)))
				return -1;
			rc = kc_parse_port(v, &c->port, e);
		} else if (!strcmp(kw, "mtu")) {
			if (!(v = take_value(argc, argv, &i, &c->set, KC_NODE_MTU, e)))
				return -1;
			rc = kc_parse_mtu(v, &c->mtu, e);
		} else if (!strcmp(kw, "token")) {
			if (!(v = take_value(argc, argv, &i, &c->set, KC_NODE_TOKEN, e)))
				return -1;
			rc = kc_parse_ms(v, "token timeout", &c->token_ms, e);
		} else if (!strcmp(kw, "join")) {
			if (!(v = take_value(argc, argv, &i, &c->set, KC_NODE_JOIN, e)))
				return -1;
			rc = kc_parse_ms(v, "join timeout", &c->join_ms, e);
		} else if (!strcmp(kw, "consensus")) {
			if (!(v = take_value(argc, argv, &i, &c->set, KC_NODE_CONSENSUS, e)))
				return -1;
			rc = kc_parse_ms(v, "consensus timeout", &c->consensus_ms, e);
		} else if (!strcmp(kw, "hold")) {
			if (!(v = take_value(argc, argv, &i, &c->set, KC_NODE_HOLD, e)))
				return -1;
			rc = kc_parse_ms(v, "hold timeout", &c->hold_ms, e);
		} else {
			return kc_fail(e, "node set: unknown argument '%s' (expected id, addr, port, mtu, token, join, consensus or hold)",
				       kw);
		}
		if (rc)
			return rc;
	}
	return 0;
}

int kc_args_peer_add(int argc, char **argv, struct kc_peer *p, struct kc_err *e)
{
	unsigned int seen = 0;
	const char *v;
	int i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < argc; i++) {
		const char *kw = argv[i];
		int rc;

		if (!strcmp(kw, "id") || !strcmp(kw, "nodeid")) {
			if (!(v = take_value(argc, argv, &i, &seen, KC_NODE_ID, e)))
				return -1;
			rc = kc_parse_nodeid(v, &p->nodeid, e);
		} else if (!strcmp(kw, "addr") || !strcmp(kw, "address")) {
			if (!(v = take_value(argc, argv, &i, &seen, KC_NODE_ADDR, e)))
				return -1;
			rc = kc_parse_addr(v, &p->addr, e);
		} else if (!strcmp(kw, "port")) {
			if (!(v = take_value(argc, argv, &i, &seen, KC_NODE_PORT, e)))
				return -1;
			rc = kc_parse_port(v, &p->port, e);
			p->has_port = true;
		} else {
			return kc_fail(e, "peer add: unknown argument '%s' (expected id, addr or port)", kw);
		}
		if (rc)
			return rc;
	}
	if (!(seen & KC_NODE_ID))
		return kc_fail(e, "peer add: missing 'id N'");
	if (!(seen & KC_NODE_ADDR))
		return kc_fail(e, "peer add: missing 'addr ADDRESS'");
	return 0;
}

int kc_args_peer_del(int argc, char **argv, uint32_t *nodeid, struct kc_err *e)
{
	if (argc == 0)
		return kc_fail(e, "peer del: missing 'id N'");
	if (strcmp(argv[0], "id") && strcmp(argv[0], "nodeid"))
		return kc_fail(e, "peer del: unknown argument '%s' (expected id)", argv[0]);
	if (argc < 2)
		return kc_fail(e, "'%s' needs a value", argv[0]);
	if (argc > 2)
		return kc_fail(e, "peer del: unexpected argument '%s'", argv[2]);
	return kc_parse_nodeid(argv[1], nodeid, e);
}
