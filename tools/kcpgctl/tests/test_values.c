// SPDX-License-Identifier: GPL-2.0
/* Value parsers: ranges, suffixes, address families, and errors that name the token. */
#include <arpa/inet.h>

#include "unit.h"
#include "../values.h"

TEST(nodeid_range)
{
	struct kc_err e;
	uint32_t id;

	CHECK(kc_parse_nodeid("1", &id, &e) == 0 && id == 1);
	CHECK(kc_parse_nodeid("4294967294", &id, &e) == 0 && id == 4294967294u);
	CHECK(kc_parse_nodeid("4294967295", &id, &e) < 0);
	CHECK_CONTAINS(e.msg, "(expected 1-4294967294)");
	CHECK(kc_parse_nodeid("0", &id, &e) < 0);
	CHECK_CONTAINS(e.msg, "'0'");
	CHECK(kc_parse_nodeid("4294967296", &id, &e) < 0);
	CHECK(kc_parse_nodeid("-1", &id, &e) < 0);
	CHECK(kc_parse_nodeid(" 1", &id, &e) < 0);
	CHECK(kc_parse_nodeid("1x", &id, &e) < 0);
	CHECK_CONTAINS(e.msg, "invalid node id '1x'");
	CHECK(kc_parse_nodeid("", &id, &e) < 0);
}

TEST(port_range)
{
	struct kc_err e;
	uint16_t p;

	CHECK(kc_parse_port("5420", &p, &e) == 0 && p == 5420);
	CHECK(kc_parse_port("65535", &p, &e) == 0 && p == 65535);
	CHECK(kc_parse_port("65536", &p, &e) < 0);
	CHECK_CONTAINS(e.msg, "invalid port '65536' (expected 1-65535)");
	CHECK(kc_parse_port("0", &p, &e) < 0);
	CHECK(kc_parse_port("0x10", &p, &e) < 0);
}

TEST(mtu_range)
{
	struct kc_err e;
	uint32_t m;

	CHECK(kc_parse_mtu("1400", &m, &e) == 0 && m == 1400);
	/* The module's range exactly: no value passes here to fail there. */
	CHECK(kc_parse_mtu("65000", &m, &e) == 0 && m == 65000);
	CHECK(kc_parse_mtu("512", &m, &e) == 0 && m == 512);
	CHECK(kc_parse_mtu("65001", &m, &e) < 0);
	CHECK_CONTAINS(e.msg, "invalid mtu '65001' (expected 512-65000 bytes)");
	CHECK(kc_parse_mtu("65507", &m, &e) < 0);
	CHECK(kc_parse_mtu("511", &m, &e) < 0);
	CHECK(kc_parse_mtu("100", &m, &e) < 0);
	CHECK_CONTAINS(e.msg, "invalid mtu '100'");
}

TEST(milliseconds_and_suffixes)
{
	struct kc_err e;
	uint32_t ms;

	CHECK(kc_parse_ms("1000", "token timeout", &ms, &e) == 0 && ms == 1000);
	CHECK(kc_parse_ms("250ms", "token timeout", &ms, &e) == 0 && ms == 250);
	CHECK(kc_parse_ms("3s", "token timeout", &ms, &e) == 0 && ms == 3000);
	CHECK(kc_parse_ms("3600s", "token timeout", &ms, &e) == 0 && ms == 3600000);
	CHECK(kc_parse_ms("3601s", "token timeout", &ms, &e) < 0);
	CHECK(kc_parse_ms("0", "join timeout", &ms, &e) < 0);
	CHECK_CONTAINS(e.msg, "invalid join timeout '0'");
	CHECK(kc_parse_ms("ms", "token timeout", &ms, &e) < 0);
	CHECK(kc_parse_ms("s", "token timeout", &ms, &e) < 0);
	CHECK(kc_parse_ms("1.5s", "token timeout", &ms, &e) < 0);
	CHECK(kc_parse_ms("10m", "hold timeout", &ms, &e) < 0);
	CHECK_CONTAINS(e.msg, "'10m'");
}

TEST(addresses_v4_v6)
{
	struct kc_addr a, b;
	char buf[KC_ADDR_STRLEN];
	struct kc_err e;

	CHECK(kc_parse_addr("10.99.0.1", &a, &e) == 0);
	CHECK(a.family == AF_INET && kc_addr_len(&a) == 4);
	CHECK(a.bytes[0] == 10 && a.bytes[3] == 1);
	CHECK_STR(kc_addr_format(&a, buf), "10.99.0.1");

	CHECK(kc_parse_addr("fd99::1", &a, &e) == 0);
	CHECK(a.family == AF_INET6 && kc_addr_len(&a) == 16);
	CHECK(a.bytes[0] == 0xfd && a.bytes[1] == 0x99 && a.bytes[15] == 1);
	CHECK_STR(kc_addr_format(&a, buf), "fd99::1");
	CHECK(kc_parse_addr("[fd99::1]", &b, &e) == 0 && kc_addr_equal(&a, &b));
	CHECK(kc_parse_addr("FD99:0::0001", &b, &e) == 0 && kc_addr_equal(&a, &b));
	CHECK(kc_parse_addr("::ffff:10.0.0.1", &b, &e) == 0 && b.family == AF_INET6);

	CHECK(kc_parse_addr("node1.example", &a, &e) < 0);
	CHECK_CONTAINS(e.msg, "invalid address 'node1.example'");
	CHECK(kc_parse_addr("10.0.0.256", &a, &e) < 0);
	CHECK(kc_parse_addr("10.0.0", &a, &e) < 0);
	CHECK(kc_parse_addr("[10.0.0.1]", &a, &e) < 0);
	CHECK(kc_parse_addr("fd99::1/64", &a, &e) < 0);
	CHECK(kc_parse_addr("", &a, &e) < 0);
}

TEST(raw_addresses)
{
	const uint8_t v4[4] = { 192, 168, 1, 2 };
	uint8_t v6[16] = { 0xfe, 0x80 };
	char buf[KC_ADDR_STRLEN];
	struct kc_addr a;

	v6[15] = 7;
	CHECK(kc_addr_from_raw(v4, 4, &a) && !strcmp(kc_addr_format(&a, buf), "192.168.1.2"));
	CHECK(kc_addr_from_raw(v6, 16, &a) && !strcmp(kc_addr_format(&a, buf), "fe80::7"));
	CHECK(!kc_addr_from_raw(v6, 5, &a));
	CHECK(!kc_addr_from_raw(v6, 0, &a));
}
