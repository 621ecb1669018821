// SPDX-License-Identifier: LGPL-2.1-or-later
/* The unit-test runner: see unit.h. */
#include "unit.h"

int unit_case_failed;

void unit_fail(const char *file, int line, const char *what, long long a, long long b)
{
	if (a || b)
		printf("#   %s:%d: check failed: %s (%lld vs %lld)\n", file, line, what, a, b);
	else
		printf("#   %s:%d: check failed: %s\n", file, line, what);
	unit_case_failed = 1;
}

int unit_run(const char *suite, const struct unit_case *cases, size_t n)
{
	int passed = 0, failed = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		unit_case_failed = 0;
		cases[i].fn();
		if (unit_case_failed) {
			failed++;
			printf("not ok %zu %s.%s\n", i + 1, suite, cases[i].name);
		} else {
			passed++;
			printf("ok %zu %s.%s\n", i + 1, suite, cases[i].name);
		}
		fflush(stdout);
	}
	printf("RESULT %d %d\n", passed, failed);
	return failed;
}
