// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include <string.h>
#include "hmap.h"
#include "vec.h"

void hmap_init(struct hmap *m)
{
	memset(m, 0, sizeof(*m));
}

void hmap_free(struct hmap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

static uint32_t slot_of(const struct hmap *m, uint64_t key)
{
	uint32_t i = (uint32_t)mix64(key) & (m->cap - 1);

	while (m->keys[i] && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	return i;
}

uint64_t *hmap_get(const struct hmap *m, uint64_t key)
{
	uint32_t i;

	if (!m->cap)
		return NULL;
	i = slot_of(m, key);
	return m->keys[i] ? &m->vals[i] : NULL;
}

static void grow(struct hmap *m)
{
	struct hmap nm;
	uint32_t i;

	nm.cap = m->cap ? m->cap * 2 : 64;
	nm.n = m->n;
	nm.keys = xcalloc(nm.cap, sizeof(uint64_t));
	nm.vals = xcalloc(nm.cap, sizeof(uint64_t));
	for (i = 0; i < m->cap; i++) {
		if (m->keys[i]) {
			uint32_t j = slot_of(&nm, m->keys[i]);

			nm.keys[j] = m->keys[i];
			nm.vals[j] = m->vals[i];
		}
	}
	free(m->keys);
	free(m->vals);
	*m = nm;
}

uint64_t *hmap_put(struct hmap *m, uint64_t key, uint64_t dflt, int *fresh)
{
	uint32_t i;

	if ((m->n + 1) * 4 >= m->cap * 3)
		grow(m);
	i = slot_of(m, key);
	if (fresh)
		*fresh = !m->keys[i];
	if (!m->keys[i]) {
		m->keys[i] = key;
		m->vals[i] = dflt;
		m->n++;
	}
	return &m->vals[i];
}
