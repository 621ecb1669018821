/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kselftest harness with a hang guard instead of its 30 s default:
 * under software emulation timings move 2-3x from boot to boot, and a test
 * must never fail for being slow.  Include this instead of
 * kselftest_harness.h.
 */
#ifndef KCPG_HARNESS_H
#define KCPG_HARNESS_H
#include "kselftest_harness.h"
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 600
#endif
