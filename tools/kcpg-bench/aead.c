// SPDX-License-Identifier: GPL-2.0
/*
 * The raw limit of the cluster's encryption: AES-256-GCM with a 16-byte
 * tag, the AEAD kcpg.ko seals every datagram with ("gcm(aes)", kmod/crypto.c),
 * driven through AF_ALG so it runs the very same kernel implementation.
 * One sendmsg() (associated data, IV, plaintext) and one read() per
 * message; the system-call pair is included, so this is a lower bound of
 * what the kernel can seal in place.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/if_alg.h>
#include "bench.h"
#include "report.h"

#ifndef SOL_ALG
#define SOL_ALG		279
#endif
#define AEAD_KEY	32
#define AEAD_TAG	16
#define AEAD_IV		12
#define AEAD_AAD	16	/* about the size of kcpg's clear header */
#define MIN_NS		300000000ULL

static int aead_open(void)
{
	struct sockaddr_alg sa = {
		.salg_family = AF_ALG, .salg_type = "aead", .salg_name = "gcm(aes)",
	};
	unsigned char key[AEAD_KEY];
	int tfm, op;

	memset(key, 0x42, sizeof(key));
	tfm = socket(AF_ALG, SOCK_SEQPACKET, 0);
	if (tfm < 0)
		return -1;
	if (bind(tfm, (struct sockaddr *)&sa, sizeof(sa)) ||
	    setsockopt(tfm, SOL_ALG, ALG_SET_KEY, key, sizeof(key)) ||
	    setsockopt(tfm, SOL_ALG, ALG_SET_AEAD_AUTHSIZE, NULL, AEAD_TAG)) {
		close(tfm);
		return -1;
	}
	op = accept(tfm, NULL, 0);
	close(tfm);
	return op;
}

/* One encryption of @len bytes: AAD and plaintext in, AAD, ciphertext, tag out. */
static int seal(int op, unsigned char *buf, uint32_t len, uint64_t n)
{
	char cbuf[CMSG_SPACE(sizeof(uint32_t)) + CMSG_SPACE(sizeof(struct af_alg_iv) + AEAD_IV) +
		  CMSG_SPACE(sizeof(uint32_t))] = { 0 };
	struct iovec iov = { buf, AEAD_AAD + len };
	struct msghdr mh = { .msg_control = cbuf, .msg_controllen = sizeof(cbuf),
			     .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	struct af_alg_iv *iv;

	c->cmsg_level = SOL_ALG;
	c->cmsg_type = ALG_SET_OP;
	c->cmsg_len = CMSG_LEN(sizeof(uint32_t));
	*(uint32_t *)CMSG_DATA(c) = ALG_OP_ENCRYPT;
	c = CMSG_NXTHDR(&mh, c);
	c->cmsg_level = SOL_ALG;
	c->cmsg_type = ALG_SET_IV;
	c->cmsg_len = CMSG_LEN(sizeof(*iv) + AEAD_IV);
	iv = (struct af_alg_iv *)CMSG_DATA(c);
	iv->ivlen = AEAD_IV;
	memcpy(iv->iv, &n, sizeof(n));	/* a fresh nonce per message */
	c = CMSG_NXTHDR(&mh, c);
	c->cmsg_level = SOL_ALG;
	c->cmsg_type = ALG_SET_AEAD_ASSOCLEN;
	c->cmsg_len = CMSG_LEN(sizeof(uint32_t));
	*(uint32_t *)CMSG_DATA(c) = AEAD_AAD;
	if (sendmsg(op, &mh, 0) != (ssize_t)(AEAD_AAD + len))
		return -1;
	return read(op, buf, AEAD_AAD + len + AEAD_TAG) ==
		(ssize_t)(AEAD_AAD + len + AEAD_TAG) ? 0 : -1;
}

int bench_aead(const struct bench_opts *o)
{
	unsigned char *buf;
	unsigned int i;
	int op, rc = 0;

	op = aead_open();
	if (op < 0) {
		fprintf(stderr, "kcpg-bench: AF_ALG gcm(aes): %s\n", strerror(errno));
		return 1;
	}
	buf = calloc(1, AEAD_AAD + 65536 + AEAD_TAG);
	if (!buf) {
		close(op);
		return 1;
	}
	for (i = 0; i < o->n_sizes; i++) {
		struct bench_result r = { .mode = "aead", .size = o->sizes[i], .ok = 1,
					  .note = "gcm(aes) 256-bit key, AF_ALG" };
		uint64_t t0 = bench_now_ns(), t = t0, n = 0;

		if (o->sizes[i] > 65536)
			continue;
		do {
			if (seal(op, buf, o->sizes[i], n)) {
				fprintf(stderr, "kcpg-bench: AF_ALG encrypt: %s\n", strerror(errno));
				r.ok = 0;
				rc = 1;
				break;
			}
			n++;
			t = bench_now_ns();
		} while (t - t0 < MIN_NS);
		r.seconds = (t - t0) / 1e9;
		r.mb_per_s = r.ok ? (double)n * o->sizes[i] / r.seconds / 1e6 : 0;
		report(o, NULL, &r);
	}
	free(buf);
	close(op);
	return rc;
}
