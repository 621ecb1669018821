/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A minimal unit-test runner for the host tests of libcpg-kshim.  Each test
 * binary lists its cases with UNIT_MAIN(); every case prints "ok" or
 * "not ok" with the first failed check, and the binary ends with
 * "RESULT <passed> <failed>" for run-host-tests.sh to add up.
 */
#ifndef KCPG_ULIB_TESTS_UNIT_H
#define KCPG_ULIB_TESTS_UNIT_H

#include <stdio.h>
#include <stdlib.h>

struct unit_case {
	const char *name;
	void (*fn)(void);
};

/* Set by a failed check of the running case. */
extern int unit_case_failed;

void unit_fail(const char *file, int line, const char *what, long long a, long long b);
int unit_run(const char *suite, const struct unit_case *cases, size_t n);

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		unit_fail(__FILE__, __LINE__, #cond, 0, 0);		\
		return;							\
	}								\
} while (0)

/* Compare as integers and print both values on failure. */
#define CHECK_EQ(a, b) do {						\
	long long a_ = (long long)(a), b_ = (long long)(b);		\
	if (a_ != b_) {							\
		unit_fail(__FILE__, __LINE__, #a " == " #b, a_, b_);	\
		return;							\
	}								\
} while (0)

#define UNIT_CASE(fn) { #fn, fn }

#define UNIT_MAIN(suite, cases)						\
int main(void)								\
{									\
	return unit_run(suite, cases, sizeof(cases) / sizeof(cases[0])) ? 1 : 0; \
}

#endif
