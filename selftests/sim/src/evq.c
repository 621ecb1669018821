// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include <stdlib.h>
#include <string.h>
#include "evq.h"
#include "vec.h"

void evq_init(struct evq *q)
{
	memset(q, 0, sizeof(*q));
}

void evq_free(struct evq *q)
{
	uint32_t i;

	for (i = 0; i < q->n; i++)
		free(q->h[i].data);
	free(q->h);
	memset(q, 0, sizeof(*q));
}

static int before(const struct ev *a, const struct ev *b)
{
	return a->time < b->time || (a->time == b->time && a->order < b->order);
}

void evq_push_keep(struct evq *q, const struct ev *e)
{
	uint32_t i;

	if (q->n == q->cap)
		q->h = vec_grow_(q->h, &q->cap, sizeof(*q->h));
	i = q->n++;
	while (i) {
		uint32_t p = (i - 1) / 2;

		if (!before(e, &q->h[p]))
			break;
		q->h[i] = q->h[p];
		i = p;
	}
	q->h[i] = *e;
}

void evq_push(struct evq *q, struct ev *e)
{
	e->order = q->next_order++;
	evq_push_keep(q, e);
}

int evq_pop(struct evq *q, struct ev *out)
{
	struct ev last;
	uint32_t i = 0;

	if (!q->n)
		return 0;
	*out = q->h[0];
	last = q->h[--q->n];
	for (;;) {
		uint32_t c = 2 * i + 1;

		if (c >= q->n)
			break;
		if (c + 1 < q->n && before(&q->h[c + 1], &q->h[c]))
			c++;
		if (!before(&q->h[c], &last))
			break;
		q->h[i] = q->h[c];
		i = c;
	}
	if (q->n)
		q->h[i] = last;
	return 1;
}
