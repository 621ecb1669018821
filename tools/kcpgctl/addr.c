// SPDX-License-Identifier: GPL-2.0
/* Node addresses: see addr.h. */
#include <arpa/inet.h>
#include <string.h>

#include "addr.h"

bool kc_addr_parse(const char *text, struct kc_addr *out)
{
	char inner[KC_ADDR_STRLEN];
	size_t len = strlen(text);

	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, text, out->bytes) == 1) {
		out->family = AF_INET;
		return true;
	}
	/* Brackets, as IPv6 literals are written next to a port. */
	if (len > 2 && text[0] == '[' && text[len - 1] == ']' && len - 2 < sizeof(inner)) {
		memcpy(inner, text + 1, len - 2);
		inner[len - 2] = '\0';
		text = inner;
	}
	if (inet_pton(AF_INET6, text, out->bytes) == 1) {
		out->family = AF_INET6;
		return true;
	}
	memset(out, 0, sizeof(*out));
	return false;
}

bool kc_addr_from_raw(const void *raw, size_t len, struct kc_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (len == 4)
		out->family = AF_INET;
	else if (len == 16)
		out->family = AF_INET6;
	else
		return false;
	memcpy(out->bytes, raw, len);
	return true;
}

size_t kc_addr_len(const struct kc_addr *a)
{
	return a->family == AF_INET6 ? 16 : a->family == AF_INET ? 4 : 0;
}

bool kc_addr_equal(const struct kc_addr *a, const struct kc_addr *b)
{
	return a->family == b->family && memcmp(a->bytes, b->bytes, kc_addr_len(a)) == 0;
}

const char *kc_addr_format(const struct kc_addr *a, char *buf)
{
	if (!a->family || !inet_ntop(a->family, a->bytes, buf, KC_ADDR_STRLEN))
		strcpy(buf, "?");
	return buf;
}
