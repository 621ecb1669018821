// SPDX-License-Identifier: GPL-2.0
/* JSON writer: see json.h. */
#include <inttypes.h>
#include <string.h>

#include "json.h"

void kc_json_init(struct kc_json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

static void put_bytes(FILE *f, const unsigned char *b, size_t len)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i < len; i++) {
		unsigned char c = b[i];

		switch (c) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\t': fputs("\\t", f); break;
		case '\r': fputs("\\r", f); break;
		default:
			/* Bytes, not UTF-8: anything outside printable ASCII is escaped. */
			if (c < 0x20 || c >= 0x7f)
				fprintf(f, "\\u%04x", c);
			else
				fputc(c, f);
		}
	}
	fputc('"', f);
}

/* The comma before a value and its key, if any. */
static void prefix(struct kc_json *j, const char *key)
{
	if (j->need_comma[j->depth])
		fputc(',', j->f);
	j->need_comma[j->depth] = true;
	if (key) {
		put_bytes(j->f, (const unsigned char *)key, strlen(key));
		fputc(':', j->f);
	}
}

static void open_level(struct kc_json *j, const char *key, char c)
{
	prefix(j, key);
	fputc(c, j->f);
	if (j->depth < KC_JSON_DEPTH - 1)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void close_level(struct kc_json *j, char c)
{
	if (j->depth > 0)
		j->depth--;
	fputc(c, j->f);
}

void kc_json_open_object(struct kc_json *j, const char *key)
{
	open_level(j, key, '{');
}

void kc_json_close_object(struct kc_json *j)
{
	close_level(j, '}');
}

void kc_json_open_array(struct kc_json *j, const char *key)
{
	open_level(j, key, '[');
}

void kc_json_close_array(struct kc_json *j)
{
	close_level(j, ']');
}

void kc_json_u64(struct kc_json *j, const char *key, uint64_t v)
{
	prefix(j, key);
	fprintf(j->f, "%" PRIu64, v);
}

void kc_json_bool(struct kc_json *j, const char *key, bool v)
{
	prefix(j, key);
	fputs(v ? "true" : "false", j->f);
}

void kc_json_str(struct kc_json *j, const char *key, const char *s)
{
	prefix(j, key);
	put_bytes(j->f, (const unsigned char *)s, strlen(s));
}

void kc_json_bytes(struct kc_json *j, const char *key, const void *b, size_t len)
{
	prefix(j, key);
	put_bytes(j->f, b, len);
}

void kc_json_end(struct kc_json *j)
{
	fputc('\n', j->f);
	fflush(j->f);
}
