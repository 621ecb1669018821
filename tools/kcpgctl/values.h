/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsers for the values kcpgctl accepts, on the command line and in
 * configuration files alike, so both report the same ranges.  Each names the
 * offending text in its error: "invalid port 'x' (expected 1-65535)".
 */
#ifndef KCPGCTL_VALUES_H
#define KCPGCTL_VALUES_H

#include <stdint.h>
#include <linux/kcpg.h>

#include "addr.h"
#include "err.h"

/* Timeouts above an hour are a typo, not a configuration. */
#define KC_MS_MAX	3600000u
/* What the module accepts (the uapi header says why). */
#define KC_MTU_MIN	((unsigned int)KCPG_MTU_MIN)
#define KC_MTU_MAX	((unsigned int)KCPG_MTU_MAX)

/* Node ids: 0 and 2^32-1 are reserved by the protocol ("none", "all"). */
#define KC_NODEID_MAX	4294967294u

/* A node id: 1 to KC_NODEID_MAX. */
int kc_parse_nodeid(const char *text, uint32_t *out, struct kc_err *e);

/* A UDP port, 1 to 65535. */
int kc_parse_port(const char *text, uint16_t *out, struct kc_err *e);

/* Largest datagram payload, KC_MTU_MIN to KC_MTU_MAX bytes. */
int kc_parse_mtu(const char *text, uint32_t *out, struct kc_err *e);

/*
 * A timeout in milliseconds: "1000", "1000ms" or "1s"; 1 to KC_MS_MAX.
 * what names the timeout in the error ("token timeout").
 */
int kc_parse_ms(const char *text, const char *what, uint32_t *out, struct kc_err *e);

/* A numeric IPv4 or IPv6 address. */
int kc_parse_addr(const char *text, struct kc_addr *out, struct kc_err *e);

/* Decimal unsigned number with nothing after it; false on any junk or overflow. */
int kc_parse_ulong(const char *text, unsigned long long max, unsigned long long *out);

#endif
