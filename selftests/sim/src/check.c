// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include <stdarg.h>
#include <string.h>
#include "check.h"

static const char *const names[INV_NR] = {
	[INV_AGREED] = "agreed-order",
	[INV_FIFO] = "fifo-order",
	[INV_SAFE] = "safe-stability",
	[INV_DUP] = "no-duplicate",
	[INV_INTEGRITY] = "integrity",
	[INV_SELF] = "self-delivery",
	[INV_VS] = "virtual-synchrony",
	[INV_VIEW] = "view-delivery",
	[INV_CONFCHG] = "confchg-consistency",
	[INV_TOTEM] = "totem-confchg",
	[INV_LIVENESS] = "liveness",
	[INV_API] = "api-contract",
};

const char *inv_name(int inv)
{
	return inv >= 0 && inv < INV_NR ? names[inv] : "?";
}

int inv_lookup(const char *name)
{
	int i;

	for (i = 0; i < INV_NR; i++)
		if (!strcmp(names[i], name))
			return i;
	return -1;
}

void check_result_init(struct check_result *res)
{
	memset(res, 0, sizeof(*res));
}

void check_result_free(struct check_result *res)
{
	vec_free(&res->v);
}

void violation(struct check_result *res, int inv, const char *fmt, ...)
{
	struct violation *v;
	va_list ap;

	if (res->count[inv]++ >= CHECK_KEEP_PER_INV)
		return;
	v = vec_add(&res->v);
	v->inv = inv;
	va_start(ap, fmt);
	vsnprintf(v->text, sizeof(v->text), fmt, ap);
	va_end(ap);
}

uint32_t check_mask(const struct check_result *res)
{
	uint32_t m = 0;
	int i;

	for (i = 0; i < INV_NR; i++)
		if (res->count[i])
			m |= 1u << i;
	return m;
}

void check_report(FILE *f, const struct check_result *res)
{
	uint32_t i;
	int k;

	for (k = 0; k < INV_NR; k++) {
		if (!res->count[k])
			continue;
		for (i = 0; i < res->v.n; i++)
			if (res->v.v[i].inv == k)
				fprintf(f, "  %s: %s\n", names[k], res->v.v[i].text);
		if (res->count[k] > CHECK_KEEP_PER_INV)
			fprintf(f, "  %s: ... %u violations in all\n", names[k],
				res->count[k]);
	}
}

void check_run(const struct record_log *l, struct check_result *res)
{
	struct analysis a;

	analysis_build(&a, l);
	check_basic(&a, res);
	check_order(&a, res);
	check_sync(&a, res);
	check_membership(&a, res);
	check_safe(&a, res);
	check_live(&a, res);
	analysis_free(&a);
}
