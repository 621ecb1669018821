// SPDX-License-Identifier: GPL-2.0
/*
 * "key set FILE [encrypt]" and "key clear": the cluster key that
 * authenticates (and optionally encrypts) every datagram of the node.
 *
 * The file holds KCPG_KEY_LEN raw bytes or as many bytes in hex (one line).
 * The key is wiped from this process's memory once sent; the module never
 * reports it back.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <libmnl/libmnl.h>
#include <linux/kcpg.h>

#include "cmd.h"

struct key_arg {
	unsigned char key[KCPG_KEY_LEN];
	int has_key;
	int encrypt;
};

static const struct kc_hint key_hints[] = {
	{ EBUSY, "the node is up: run 'kcpgctl down' first" },
	{ ENOENT, "the kernel lacks gcm(aes) or hmac(sha256)" },
	{ 0, NULL },
};

static void put_key(struct nlmsghdr *nlh, const void *arg)
{
	const struct key_arg *k = arg;

	if (!k->has_key)
		return;
	mnl_attr_put(nlh, KCPG_A_KEY, sizeof(k->key), k->key);
	mnl_attr_put_u8(nlh, KCPG_A_ENCRYPT, k->encrypt);
}

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = tolower(ch);
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* Raw bytes or hex; 0 on success. */
static int key_parse(const unsigned char *buf, size_t len, unsigned char *key)
{
	size_t i;

	if (len == KCPG_KEY_LEN) {
		memcpy(key, buf, KCPG_KEY_LEN);
		return 0;
	}
	while (len && isspace(buf[len - 1]))
		len--;
	if (len != 2 * KCPG_KEY_LEN)
		return -1;
	for (i = 0; i < KCPG_KEY_LEN; i++) {
		int hi = hexval(buf[2 * i]), lo = hexval(buf[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		key[i] = hi << 4 | lo;
	}
	return 0;
}

static int key_read(struct kc_ctx *c, const char *path, unsigned char *key)
{
	unsigned char buf[4 * KCPG_KEY_LEN];
	struct stat st;
	ssize_t n;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kc_usage_error(c, "key: cannot open '%s': %s", path,
				      strerror(errno));
	if (!fstat(fd, &st) && (st.st_mode & 0077))
		fprintf(stderr, "kcpgctl: warning: key file '%s' is readable by others\n",
			path);
	n = read(fd, buf, sizeof(buf));
	close(fd);
	ret = n < 0 ? -1 : key_parse(buf, n, key);
	explicit_bzero(buf, sizeof(buf));
	if (ret)
		return kc_usage_error(c, "key: '%s' must hold %d raw bytes or %d hex digits",
				      path, KCPG_KEY_LEN, 2 * KCPG_KEY_LEN);
	return 0;
}

int kc_cmd_key(struct kc_ctx *c, int argc, char **argv)
{
	struct key_arg k = { 0 };
	int ret;

	if (argc >= 2 && !strcmp(argv[0], "set")) {
		if (argc > 3 || (argc == 3 && strcmp(argv[2], "encrypt")))
			return kc_usage_error(c, "key set FILE [encrypt]: unexpected '%s'",
					      argv[argc - 1]);
		if (key_read(c, argv[1], k.key))
			return -1;
		k.has_key = 1;
		k.encrypt = argc == 3;
	} else if (argc != 1 || strcmp(argv[0], "clear")) {
		return kc_usage_error(c, "key: expected 'set FILE [encrypt]' or 'clear'");
	}
	ret = kc_request(c, KCPG_CMD_KEY_SET, false, put_key, &k, NULL, NULL,
			 "key", key_hints);
	explicit_bzero(&k, sizeof(k));
	return ret;
}
