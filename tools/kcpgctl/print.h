/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text and JSON output of what the module reports.  Text is one record per
 * line of "keyword value" pairs, easy to read and to pick apart in a shell
 * script; JSON (-j) is one document per command (one line per event for
 * monitor).
 */
#ifndef KCPGCTL_PRINT_H
#define KCPGCTL_PRINT_H

#include <stdbool.h>
#include <stdio.h>

#include "model.h"

void kc_print_status(FILE *f, const struct kc_status *st, bool json);
void kc_print_peers(FILE *f, const struct kc_peer *peers, size_t n, bool json);
void kc_print_groups(FILE *f, const struct kc_groups *g, bool json);
void kc_print_stats(FILE *f, const struct kc_stats *s, bool json);
/* what: "membership" for a change, "current" for the state monitor starts from. */
void kc_print_event(FILE *f, const struct kc_event *ev, const char *what, bool json);

#endif
