/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal unit-test runner for kcpgctl's host tests.  Each TEST(name) is a
 * function registered at start-up; CHECK failures are reported with their
 * line and make the case fail, and the runner ends with "N passed, N failed".
 */
#ifndef KCPGCTL_UNIT_H
#define KCPGCTL_UNIT_H

#include <stdbool.h>
#include <string.h>

void unit_register(const char *name, void (*fn)(void));
void unit_failed(const char *file, int line, const char *what);
/* Whether the current case failed already (to stop after a failed step). */
bool unit_case_failed(void);

#define TEST(name)							\
	static void name(void);						\
	__attribute__((constructor)) static void register_##name(void)	\
	{								\
		unit_register(#name, name);				\
	}								\
	static void name(void)

#define CHECK(cond) do {						\
	if (!(cond))							\
		unit_failed(__FILE__, __LINE__, #cond);			\
} while (0)

/* Checks that haystack contains needle, showing both when it does not. */
#define CHECK_CONTAINS(haystack, needle) do {				\
	if (!strstr((haystack), (needle))) {				\
		unit_failed(__FILE__, __LINE__, "missing \"" needle "\"");	\
		unit_note("in", (haystack));				\
	}								\
} while (0)

#define CHECK_STR(got, want) do {					\
	if (strcmp((got), (want))) {					\
		unit_failed(__FILE__, __LINE__, #got " == " #want);	\
		unit_note("got ", (got));				\
		unit_note("want", (want));				\
	}								\
} while (0)

void unit_note(const char *label, const char *text);

#endif
