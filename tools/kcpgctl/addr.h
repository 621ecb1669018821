/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Node addresses as the kcpg netlink family carries them: the raw 4 (IPv4)
 * or 16 (IPv6) bytes of KCPG_A_ADDR, never a sockaddr.
 */
#ifndef KCPGCTL_ADDR_H
#define KCPGCTL_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

struct kc_addr {
	int family;		/* AF_INET or AF_INET6; 0 when unset */
	uint8_t bytes[16];	/* network order, first 4 used for IPv4 */
};

/* Longest text kc_addr_format() writes, with its NUL. */
#define KC_ADDR_STRLEN	INET6_ADDRSTRLEN

/*
 * Parses a numeric IPv4 or IPv6 address (no host names: a cluster
 * definition must not depend on a resolver).  "[v6]" is accepted too.
 * Returns false on anything else.
 */
bool kc_addr_parse(const char *text, struct kc_addr *out);

/* Builds an address from KCPG_A_ADDR's payload; false for a bad length. */
bool kc_addr_from_raw(const void *raw, size_t len, struct kc_addr *out);

/* Payload length for KCPG_A_ADDR: 4 or 16. */
size_t kc_addr_len(const struct kc_addr *a);

bool kc_addr_equal(const struct kc_addr *a, const struct kc_addr *b);

/* Writes the usual text form into buf (KC_ADDR_STRLEN bytes); returns buf. */
const char *kc_addr_format(const struct kc_addr *a, char *buf);

#endif
