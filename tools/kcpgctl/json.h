/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small streaming JSON writer for "-j": the caller opens and closes objects
 * and arrays, the writer places commas and escapes strings.  Keys are given
 * inside objects and NULL inside arrays.
 */
#ifndef KCPGCTL_JSON_H
#define KCPGCTL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define KC_JSON_DEPTH	16

struct kc_json {
	FILE *f;
	int depth;
	bool need_comma[KC_JSON_DEPTH];
};

void kc_json_init(struct kc_json *j, FILE *f);
void kc_json_open_object(struct kc_json *j, const char *key);
void kc_json_close_object(struct kc_json *j);
void kc_json_open_array(struct kc_json *j, const char *key);
void kc_json_close_array(struct kc_json *j);
void kc_json_u64(struct kc_json *j, const char *key, uint64_t v);
void kc_json_bool(struct kc_json *j, const char *key, bool v);
void kc_json_str(struct kc_json *j, const char *key, const char *s);
/* Bytes that may not be text (a group name): escaped, \u00XX for non-ASCII. */
void kc_json_bytes(struct kc_json *j, const char *key, const void *b, size_t len);
/* Ends the document with a newline (after the outermost close). */
void kc_json_end(struct kc_json *j);

#endif
