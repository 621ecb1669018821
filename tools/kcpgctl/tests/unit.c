// SPDX-License-Identifier: GPL-2.0
/* The runner of tests/unit.h. */
#include <stdio.h>
#include <stdlib.h>

#include "unit.h"

#define MAX_CASES	512

static struct {
	const char *name;
	void (*fn)(void);
} cases[MAX_CASES];
static int n_cases;
static bool current_failed;

void unit_register(const char *name, void (*fn)(void))
{
	if (n_cases == MAX_CASES) {
		fprintf(stderr, "too many test cases\n");
		exit(2);
	}
	cases[n_cases].name = name;
	cases[n_cases++].fn = fn;
}

void unit_failed(const char *file, int line, const char *what)
{
	printf("#   %s:%d: check failed: %s\n", file, line, what);
	current_failed = true;
}

void unit_note(const char *label, const char *text)
{
	printf("#   %s: \"%s\"\n", label, text);
}

bool unit_case_failed(void)
{
	return current_failed;
}

int main(void)
{
	int i, passed = 0, failed = 0;

	for (i = 0; i < n_cases; i++) {
		current_failed = false;
		cases[i].fn();
		if (current_failed) {
			printf("not ok %d %s\n", i + 1, cases[i].name);
			failed++;
		} else {
			printf("ok %d %s\n", i + 1, cases[i].name);
			passed++;
		}
	}
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
