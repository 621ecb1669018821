// SPDX-License-Identifier: GPL-2.0
/* Value parsers: see values.h. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "values.h"

int kc_parse_ulong(const char *text, unsigned long long max, unsigned long long *out)
{
	unsigned long long v;
	char *end;

	/* strtoull would take "-1", " 1" and "+1"; a config value is digits only. */
	if (!isdigit((unsigned char)text[0]))
		return -1;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

int kc_parse_nodeid(const char *text, uint32_t *out, struct kc_err *e)
{
	unsigned long long v;

	if (kc_parse_ulong(text, KC_NODEID_MAX, &v) || v == 0)
		return kc_fail(e, "invalid node id '%s' (expected 1-%u)", text, KC_NODEID_MAX);
	*out = (uint32_t)v;
	return 0;
}

int kc_parse_port(const char *text, uint16_t *out, struct kc_err *e)
{
	unsigned long long v;

	if (kc_parse_ulong(text, 65535, &v) || v == 0)
		return kc_fail(e, "invalid port '%s' (expected 1-65535)", text);
	*out = (uint16_t)v;
	return 0;
}

int kc_parse_mtu(const char *text, uint32_t *out, struct kc_err *e)
{
	unsigned long long v;

	if (kc_parse_ulong(text, KC_MTU_MAX, &v) || v < KC_MTU_MIN)
		return kc_fail(e, "invalid mtu '%s' (expected %u-%u bytes)", text,
			       KC_MTU_MIN, KC_MTU_MAX);
	*out = (uint32_t)v;
	return 0;
}

int kc_parse_ms(const char *text, const char *what, uint32_t *out, struct kc_err *e)
{
	char digits[32];
	unsigned long long v, scale = 1;
	size_t len = strlen(text), n = len;

	if (len > 2 && strcmp(text + len - 2, "ms") == 0) {
		n = len - 2;
	} else if (len > 1 && text[len - 1] == 's') {
		n = len - 1;
		scale = 1000;
	}
	if (n == 0 || n >= sizeof(digits))
		goto bad;
	memcpy(digits, text, n);
	digits[n] = '\0';
	if (kc_parse_ulong(digits, KC_MS_MAX, &v) || v == 0 || v * scale > KC_MS_MAX)
		goto bad;
	*out = (uint32_t)(v * scale);
	return 0;
bad:
	return kc_fail(e, "invalid %s '%s' (expected milliseconds, 1-%u, e.g. 1000, 1000ms or 1s)",
		       what, text, KC_MS_MAX);
}

int kc_parse_addr(const char *text, struct kc_addr *out, struct kc_err *e)
{
	if (!kc_addr_parse(text, out))
		return kc_fail(e, "invalid address '%s' (expected a numeric IPv4 or IPv6 address)",
			       text);
	return 0;
}
