/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * corotypes.h: the basic types shared by the corosync client libraries, as
 * provided by kcpg's libcpg-kshim.
 *
 * Written for kcpg from the API contract (docs: reference/cpg-api.md).  It is
 * source- and binary-compatible with corosync 3.x: every value, width and
 * layout below is part of that ABI and must not change.
 */
#ifndef COROTYPES_H_DEFINED
#define COROTYPES_H_DEFINED

#include <stdint.h>
#include <inttypes.h>
#include <errno.h>
#include <time.h>
#include <unistd.h>
#include <sys/time.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A time or a duration in nanoseconds. */
typedef int64_t cs_time_t;

#define CS_FALSE		0
#define CS_TRUE			!CS_FALSE

/* The end of time: a timeout that never expires. */
#define CS_TIME_END		((cs_time_t)0x7FFFFFFFFFFFFFFFULL)

#define CS_MAX(x, y)		(((x) > (y)) ? (x) : (y))

#define CS_MAX_NAME_LENGTH	256

/* printf() formats for node ids and ring ids ("<rep>.<seq>", both in hex). */
#define CS_PRI_NODE_ID		"%" PRIu32
#define CS_PRI_NODE_ID_PADDED	"%10" PRIu32
#define CS_PRI_RING_ID_SEQ	"%" PRIx64
#define CS_PRI_RING_ID		"%" PRIx32 ".%" PRIx64

/* A counted name (not NUL-terminated). */
typedef struct {
	uint16_t length;
	uint8_t value[CS_MAX_NAME_LENGTH];
} cs_name_t;

typedef struct {
	char releaseCode;
	unsigned char majorVersion;
	unsigned char minorVersion;
} cs_version_t;

/* How much work one call of a *_dispatch() function does. */
typedef enum {
	CS_DISPATCH_ONE = 1,		/* wait for one event, handle it */
	CS_DISPATCH_ALL = 2,		/* handle what is queued, never wait */
	CS_DISPATCH_BLOCKING = 3,	/* handle events until an error */
	CS_DISPATCH_ONE_NONBLOCKING = 4	/* one event if queued, else TRY_AGAIN */
} cs_dispatch_flags_t;

#define CS_TRACK_CURRENT	0x01
#define CS_TRACK_CHANGES	0x02
#define CS_TRACK_CHANGES_ONLY	0x04

/* Result of every call.  Success is 1, not 0. */
typedef enum {
	CS_OK = 1,
	CS_ERR_LIBRARY = 2,
	CS_ERR_VERSION = 3,
	CS_ERR_INIT = 4,
	CS_ERR_TIMEOUT = 5,
	CS_ERR_TRY_AGAIN = 6,
	CS_ERR_INVALID_PARAM = 7,
	CS_ERR_NO_MEMORY = 8,
	CS_ERR_BAD_HANDLE = 9,
	CS_ERR_BUSY = 10,
	CS_ERR_ACCESS = 11,
	CS_ERR_NOT_EXIST = 12,
	CS_ERR_NAME_TOO_LONG = 13,
	CS_ERR_EXIST = 14,
	CS_ERR_NO_SPACE = 15,
	CS_ERR_INTERRUPT = 16,
	CS_ERR_NAME_NOT_FOUND = 17,
	CS_ERR_NO_RESOURCES = 18,
	CS_ERR_NOT_SUPPORTED = 19,
	CS_ERR_BAD_OPERATION = 20,
	CS_ERR_FAILED_OPERATION = 21,
	CS_ERR_MESSAGE_ERROR = 22,
	CS_ERR_QUEUE_FULL = 23,
	CS_ERR_QUEUE_NOT_AVAILABLE = 24,
	CS_ERR_BAD_FLAGS = 25,
	CS_ERR_TOO_BIG = 26,
	CS_ERR_NO_SECTIONS = 27,
	CS_ERR_CONTEXT_NOT_FOUND = 28,
	CS_ERR_TOO_MANY_GROUPS = 30,
	CS_ERR_SECURITY = 100
} cs_error_t;

/* IPC timeout of the corosync libraries: wait forever. */
#define CS_IPC_TIMEOUT_MS	-1

#define CS_TIME_MS_IN_SEC	1000ULL
#define CS_TIME_US_IN_SEC	1000000ULL
#define CS_TIME_NS_IN_SEC	1000000000ULL
#define CS_TIME_US_IN_MSEC	1000ULL
#define CS_TIME_NS_IN_MSEC	1000000ULL
#define CS_TIME_NS_IN_USEC	1000ULL

/*
 * Nanoseconds from an arbitrary fixed point: the monotonic clock where the
 * system has one, the wall clock otherwise.  Only differences mean anything.
 */
static inline uint64_t cs_timestamp_get(void)
{
#if defined(_POSIX_MONOTONIC_CLOCK) && _POSIX_MONOTONIC_CLOCK >= 0
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)now.tv_sec * CS_TIME_NS_IN_SEC + (uint64_t)now.tv_nsec;
#else
	struct timeval now;

	gettimeofday(&now, NULL);
	return (uint64_t)now.tv_sec * CS_TIME_NS_IN_SEC +
	       (uint64_t)now.tv_usec * CS_TIME_NS_IN_USEC;
#endif
}

/* A short English description of err (never NULL). */
const char *cs_strerror(cs_error_t err);

#ifdef __cplusplus
}
#endif

#endif /* COROTYPES_H_DEFINED */
