// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include <string.h>
#include "payload.h"
#include "hmap.h"

#define MAGIC_HA	0x4b43a1e5u
#define MAGIC_HB	0x4b43b2d7u
#define MAGIC_TA	0x4b43c3c9u
#define MAGIC_TB	0x4b43d4bbu
#define OFF_BODY	40u
#define OFF_CSUM	36u

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void put_marker(uint8_t *p, uint32_t magic, uint32_t pid, uint32_t seq,
		       uint32_t extra)
{
	put32(p, magic);
	put32(p + 4, pid);
	put32(p + 8, seq);
	put32(p + 12, extra);
}

/* The body: 8 bytes per step from a keyed mixer, so it costs ~1 ns/byte. */
static void body_fill(uint8_t *p, size_t n, uint32_t pid, uint32_t seq)
{
	uint64_t key = key2(pid, seq);
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		uint64_t w = mix64(key ^ i);

		memcpy(p + i, &w, 8);
	}
	if (i < n) {
		uint64_t w = mix64(key ^ i);

		memcpy(p + i, &w, n - i);
	}
}

static int body_check(const uint8_t *p, size_t n, uint32_t pid, uint32_t seq)
{
	uint64_t key = key2(pid, seq);
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		uint64_t w = mix64(key ^ i);

		if (memcmp(p + i, &w, 8))
			return 0;
	}
	if (i < n) {
		uint64_t w = mix64(key ^ i);

		if (memcmp(p + i, &w, n - i))
			return 0;
	}
	return 1;
}

/*
 * The checksum covers what the body check does not regenerate: the head
 * (markers, nodeid) and the tail, with the checksum word read as zero.
 */
static uint32_t checksum(const uint8_t *p, size_t len)
{
	uint64_t h = 0x6b637067ULL ^ len, w;
	size_t i;

	for (i = 0; i < 40; i += 8) {
		memcpy(&w, p + i, 8);
		if (i == 32)	/* bytes 32..39: nodeid, then the checksum */
			w &= 0xffffffffULL;
		h = mix64(h ^ w);
	}
	for (i = len - 32; i < len; i += 8) {
		memcpy(&w, p + i, 8);
		h = mix64(h ^ w);
	}
	return (uint32_t)(h >> 32);
}

void payload_fill(uint8_t *buf, const struct payload_id *id)
{
	uint32_t len = id->len;

	put_marker(buf, MAGIC_HA, id->pid, id->seq, len);
	put_marker(buf + 16, MAGIC_HB, id->pid, id->seq,
		   id->guarantee << 24 | (id->group & 0xffffff));
	put32(buf + 32, id->nodeid);
	put32(buf + OFF_CSUM, 0);
	body_fill(buf + OFF_BODY, len - OFF_BODY - 32, id->pid, id->seq);
	put_marker(buf + len - 32, MAGIC_TA, id->pid, id->seq, len);
	put_marker(buf + len - 16, MAGIC_TB, id->pid, id->seq, len);
	put32(buf + OFF_CSUM, checksum(buf, len));
}

enum payload_verdict payload_verify(const uint8_t *buf, size_t len,
				    struct payload_id *id)
{
	uint32_t hb;

	memset(id, 0, sizeof(*id));
	if (len < PAYLOAD_MIN)
		return PAYLOAD_SHORT;
	if (get32(buf) != MAGIC_HA)
		return PAYLOAD_NO_HEAD;
	id->pid = get32(buf + 4);
	id->seq = get32(buf + 8);
	id->len = get32(buf + 12);
	hb = get32(buf + 28);
	id->guarantee = hb >> 24;
	id->group = hb & 0xffffff;
	id->nodeid = get32(buf + 32);
	if (id->len != len || get32(buf + 16) != MAGIC_HB ||
	    get32(buf + 20) != id->pid || get32(buf + 24) != id->seq)
		return PAYLOAD_BAD_HEADER;
	if (get32(buf + len - 32) != MAGIC_TA || get32(buf + len - 16) != MAGIC_TB ||
	    get32(buf + len - 28) != id->pid || get32(buf + len - 12) != id->pid ||
	    get32(buf + len - 24) != id->seq || get32(buf + len - 8) != id->seq ||
	    get32(buf + len - 20) != len || get32(buf + len - 4) != len)
		return PAYLOAD_BAD_HEADER;
	if (get32(buf + OFF_CSUM) != checksum(buf, len))
		return PAYLOAD_BAD_CHECKSUM;
	if (!body_check(buf + OFF_BODY, len - OFF_BODY - 32, id->pid, id->seq))
		return PAYLOAD_BAD_BODY;
	return PAYLOAD_OK;
}

const char *payload_verdict_str(enum payload_verdict v)
{
	switch (v) {
	case PAYLOAD_OK: return "ok";
	case PAYLOAD_SHORT: return "shorter than any message sent";
	case PAYLOAD_NO_HEAD: return "no head marker (invented)";
	case PAYLOAD_BAD_HEADER: return "head/tail markers inconsistent";
	case PAYLOAD_BAD_CHECKSUM: return "checksum mismatch";
	case PAYLOAD_BAD_BODY: return "body bytes differ";
	}
	return "?";
}

void payload_scan(const uint8_t *pkt, size_t len,
		  void (*fn)(void *arg, uint32_t pid, uint32_t seq, int tail),
		  void *arg)
{
	const uint8_t *p = pkt, *end = pkt + len;

	if (len < 16)
		return;
	/* Every magic has 0x43 0x4b as its high bytes (memory order 2, 3):
	 * let memchr find the candidates.
	 */
	while (p + 16 <= end) {
		const uint8_t *q = memchr(p + 2, 0x43, (size_t)(end - p) - 2);
		uint32_t m;

		if (!q || q + 14 > end)
			break;
		p = q - 2;
		if (p[3] == 0x4b) {
			m = get32(p);
			if (m == MAGIC_HA || m == MAGIC_HB)
				fn(arg, get32(p + 4), get32(p + 8), 0);
			else if (m == MAGIC_TA || m == MAGIC_TB)
				fn(arg, get32(p + 4), get32(p + 8), 1);
		}
		p++;
	}
}
