/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Error text collected where a problem is found (a bad token, a bad line of a
 * configuration file, a netlink error) and printed once by main().  Parsers
 * write here instead of to stderr so the unit tests can check the message.
 */
#ifndef KCPGCTL_ERR_H
#define KCPGCTL_ERR_H

struct kc_err {
	char msg[512];
};

/* Sets the message (printf-style); returns -1 so callers can "return kc_fail(...)". */
int kc_fail(struct kc_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
