/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory shared by the processes of one benchmark point, and the futex
 * waits they use to meet.  The processes are forked from one parent, so an
 * anonymous shared mapping made before fork() is all they need.
 */
#ifndef KCPG_BENCH_SHARED_H
#define KCPG_BENCH_SHARED_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

void *shared_alloc(size_t size);
void shared_free(void *p, size_t size);

/*
 * Sleeps while *word == @expected, at most @timeout_ms (0: forever).
 * Returns 1 if the time ran out, else 0 (woken, signalled, or the word had
 * changed): callers re-check their condition either way.
 */
int shared_wait(_Atomic uint32_t *word, uint32_t expected, unsigned int timeout_ms);
void shared_wake(_Atomic uint32_t *word);

#endif
