// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark message contents: filling, hashing and checking.  The hash is
 * meant to cost about as much as reading the bytes once (two additions per
 * 64-bit word), so a throughput run measures delivery and not the checker;
 * it still catches corrupted, shifted and swapped words.
 */
#include <string.h>
#include "payload.h"

static inline uint64_t load64(const unsigned char *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof(w));	/* the message may be unaligned */
	return w;
}

static inline void store64(unsigned char *p, uint64_t w)
{
	memcpy(p, &w, sizeof(w));
}

uint64_t payload_hash(const void *p, size_t len)
{
	const unsigned char *b = p;
	uint64_t a = 0x9e3779b97f4a7c15ULL, s = len;
	size_t i = 0;

	/* Fletcher-style: s depends on the position of every word. */
	for (; i + 32 <= len; i += 32) {
		a += load64(b + i);
		s += a;
		a += load64(b + i + 8);
		s += a;
		a += load64(b + i + 16);
		s += a;
		a += load64(b + i + 24);
		s += a;
	}
	for (; i + 8 <= len; i += 8) {
		a += load64(b + i);
		s += a;
	}
	for (; i < len; i++) {
		a += b[i];
		s += a;
	}
	return s ^ (a * 0xff51afd7ed558ccdULL);
}

/* The pattern word at @index for (@seed): cheap to regenerate anywhere. */
static inline uint64_t pattern_word(uint64_t seed, uint64_t index)
{
	uint64_t x = seed + index * 0x9e3779b97f4a7c15ULL;

	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ULL;
	return x ^ (x >> 29);
}

static uint64_t full_seed(uint32_t run, uint16_t sender, uint64_t seq)
{
	return ((uint64_t)run << 48) ^ ((uint64_t)sender << 40) ^ seq;
}

static void fill_pattern(unsigned char *body, size_t len, uint64_t seed)
{
	size_t i;

	for (i = 0; i + 8 <= len; i += 8)
		store64(body + i, pattern_word(seed, i / 8));
	for (; i < len; i++)
		body[i] = (unsigned char)pattern_word(seed, i);
}

static int same_pattern(const unsigned char *body, size_t len, uint64_t seed)
{
	size_t i;

	for (i = 0; i + 8 <= len; i += 8)
		if (load64(body + i) != pattern_word(seed, i / 8))
			return 0;
	for (; i < len; i++)
		if (body[i] != (unsigned char)pattern_word(seed, i))
			return 0;
	return 1;
}

static size_t body_len(uint32_t len)
{
	return len - BENCH_HDR_SIZE - BENCH_TAIL_SIZE;
}

uint64_t payload_body_hash(uint32_t len, uint32_t run)
{
	/* Hash the pattern in place of a buffer: no allocation needed. */
	unsigned char chunk[4096];
	size_t n = body_len(len), done = 0, i;
	uint64_t a = 0x9e3779b97f4a7c15ULL, s = n;

	/* Same arithmetic as payload_hash(), over the generated pattern. */
	while (done < n) {
		size_t c = n - done < sizeof(chunk) ? n - done : sizeof(chunk);

		fill_pattern(chunk, c, full_seed(run, 0xffff, done / sizeof(chunk)));
		for (i = 0; i + 8 <= c; i += 8) {
			a += load64(chunk + i);
			s += a;
		}
		for (; i < c; i++) {
			a += chunk[i];
			s += a;
		}
		done += c;
	}
	return s ^ (a * 0xff51afd7ed558ccdULL);
}

static void write_hdr(unsigned char *buf, uint32_t len, enum bench_kind kind,
		      uint32_t run, uint16_t sender, uint64_t seq, uint64_t check)
{
	struct bench_hdr h = {
		.magic = BENCH_MAGIC, .kind = kind, .sender = sender, .seq = seq,
		.len = len, .run = run, .check = check,
	};

	memcpy(buf, &h, sizeof(h));
	store64(buf + len - BENCH_TAIL_SIZE, seq);
}

void payload_fill(void *buf, uint32_t len, enum bench_verify v, uint32_t run,
		  uint16_t sender, uint64_t seq, uint64_t body_hash, int fresh)
{
	unsigned char *b = buf, *body = b + BENCH_HDR_SIZE;
	size_t n = body_len(len), done;

	if (v == VERIFY_FULL) {
		fill_pattern(body, n, full_seed(run, sender, seq));
		write_hdr(b, len, KIND_DATA, run, sender, seq, 0);
		return;
	}
	if (fresh) {
		/* Chunked exactly as payload_body_hash() generates it. */
		for (done = 0; done < n; done += 4096) {
			size_t c = n - done < 4096 ? n - done : 4096;

			fill_pattern(body + done, c, full_seed(run, 0xffff, done / 4096));
		}
	}
	write_hdr(b, len, KIND_DATA, run, sender, seq, body_hash);
}

void payload_control(void *buf, uint32_t len, enum bench_kind kind, uint32_t run,
		     uint16_t sender, uint64_t seq, uint64_t stamp)
{
	unsigned char *b = buf;

	memset(b + BENCH_HDR_SIZE, 0, body_len(len));
	write_hdr(b, len, kind, run, sender, seq, stamp);
}

int payload_check(const void *msg, size_t len, enum bench_verify v, uint32_t run,
		  unsigned int n_senders, struct bench_hdr *hdr,
		  struct bench_errors *err)
{
	const unsigned char *b = msg;

	if (len < BENCH_MIN_SIZE) {
		err->format++;
		return -1;
	}
	memcpy(hdr, b, sizeof(*hdr));
	if (hdr->magic != BENCH_MAGIC || hdr->len != len || hdr->run != run ||
	    hdr->sender >= n_senders || hdr->kind < KIND_DATA || hdr->kind > KIND_SELF) {
		err->format++;
		return -1;
	}
	if (load64(b + len - BENCH_TAIL_SIZE) != hdr->seq) {
		err->payload++;
		return 0;
	}
	if (hdr->kind != KIND_DATA)
		return 0;
	if (v == VERIFY_FULL) {
		if (!same_pattern(b + BENCH_HDR_SIZE, body_len(len),
				  full_seed(run, hdr->sender, hdr->seq)))
			err->payload++;
	} else if (payload_hash(b + BENCH_HDR_SIZE, body_len(len)) != hdr->check) {
		err->payload++;
	}
	return 0;
}
