// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Unit tests of the protocol core.  Usage: kp-test [NAME-SUBSTRING]
 * Ends with "N passed, N failed"; exits non-zero when a test failed.
 */
#include "tests.h"

static const struct th_test *const tables[] = {
	tests_alone,
	tests_ring,
	tests_hold,
	tests_wire,
};

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;
	size_t t;

	th_trace_on = getenv("KP_TEST_TRACE") != NULL;
	for (t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		const struct th_test *tc;

		for (tc = tables[t]; tc->name; tc++) {
			int before = th_failed_checks;

			if (argc > 1 && !strstr(tc->name, argv[1]))
				continue;
			th_current = tc->name;
			tc->fn();
			if (th_failed_checks != before) {
				printf("FAIL %s\n", tc->name);
				failed++;
			} else {
				printf("ok   %s\n", tc->name);
				passed++;
			}
			fflush(stdout);
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
