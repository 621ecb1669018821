/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The test tables of the protocol core's unit tests. */
#ifndef KP_TEST_TESTS_H
#define KP_TEST_TESTS_H

#include "th.h"

extern const struct th_test tests_alone[];
extern const struct th_test tests_ring[];
extern const struct th_test tests_hold[];
extern const struct th_test tests_wire[];

#endif /* KP_TEST_TESTS_H */
