// SPDX-License-Identifier: GPL-2.0
/*
 * Shared memory and futexes between the benchmark's processes.  Futexes are
 * used instead of polling so that a waiting process leaves the CPU to the
 * ones doing the work: the VM has two vCPUs for everything.
 */
#include <errno.h>
#include <limits.h>
#include <time.h>
#include <unistd.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include "shared.h"

void *shared_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void shared_free(void *p, size_t size)
{
	if (p)
		munmap(p, size);
}

/* Not FUTEX_PRIVATE: the word is shared between processes. */
int shared_wait(_Atomic uint32_t *word, uint32_t expected, unsigned int timeout_ms)
{
	struct timespec ts = {
		.tv_sec = timeout_ms / 1000,
		.tv_nsec = (long)(timeout_ms % 1000) * 1000000L,
	};

	if (syscall(SYS_futex, word, FUTEX_WAIT, expected, timeout_ms ? &ts : NULL,
		    NULL, 0) < 0 && errno == ETIMEDOUT)
		return 1;
	return 0;
}

void shared_wake(_Atomic uint32_t *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}
