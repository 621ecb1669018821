/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the library's VM tests (test_api_*): handles whose callbacks
 * record every event, dispatch loops with a deadline, checksummed
 * messages, and shared memory for forked members to report what they saw.
 * Helpers return 0 / -1 (or a cs_error_t) and leave asserting to the test.
 */
#ifndef KCPG_ULIB_TEST_H
#define KCPG_ULIB_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <corosync/cpg.h>

/* Hang guard for waits: generous, software emulation is slow. */
#define UT_TIMEOUT_MS	60000

struct ut_event {
	char kind;		/* 'm' message, 'c' confchg, 't' totem */
	uint32_t nodeid, pid;	/* sender (m) */
	uint32_t len;		/* payload length (m) */
	uint64_t hash;		/* of the payload (m), or of the lists (c) */
	uint32_t sender, seq;	/* from struct ut_msg, if it is one (m) */
	bool intact;		/* the ut_msg checksum matched (m) */
	uint32_t n_members, n_left, n_joined;	/* (c), n_members also (t) */
	struct cpg_address members[16], left[16], joined[16];	/* first ones (c) */
	struct cpg_name group;	/* (m, c) */
	uint64_t ring_seq;	/* (t) */
	uint32_t ring_rep;	/* (t) */
};

/* Everything a handle's callbacks saw, in order. */
struct ut_rec {
	cpg_handle_t handle;
	struct ut_event *ev;
	size_t n, cap;
	size_t n_msgs, n_confchg, n_totem;
	uint32_t members_now;	/* n_members of the last confchg */
	uint32_t members_max;	/* the most n_members of any confchg */
	int finalize_after;	/* finalize the handle in event #n (-1: never) */
	const void *last_msg_ptr;
};

/* A message of the ordering tests: header, then len bytes of payload. */
struct ut_msg {
	uint32_t magic;
	uint32_t sender;	/* index of the sending process */
	uint32_t seq;		/* per sender, from 0 */
	uint32_t len;		/* payload bytes after the header */
	uint64_t csum;		/* of the payload */
};
#define UT_MSG_MAGIC	0x6b637067

uint64_t ut_hash(const void *data, size_t len, uint64_t seed);

/* A group name from a C string. */
struct cpg_name ut_name(const char *s);

/* Open a handle whose callbacks (deliver, confchg, totem) fill rec. */
cs_error_t ut_open(struct ut_rec *rec, unsigned int flags);
void ut_rec_free(struct ut_rec *rec);

/* Join, retrying TRY_AGAIN (a previous leave still in flight). */
cs_error_t ut_join(cpg_handle_t h, const char *group);

/*
 * Poll and dispatch (CS_DISPATCH_ALL) until done(rec, arg) holds: 0, or -1
 * on timeout or a dispatch error (the cs_error_t lands in *err if given).
 */
int ut_dispatch_until(struct ut_rec *rec, bool (*done)(struct ut_rec *rec, void *arg),
		      void *arg, int timeout_ms, cs_error_t *err);

/* Conditions for ut_dispatch_until(): arg points to a size_t/uint32_t. */
bool ut_has_members(struct ut_rec *rec, void *n_members);
/*
 * At least that many members in some confchg: for a process that must not
 * miss a view that later confchgs of the same dispatch call replace.
 */
bool ut_saw_members(struct ut_rec *rec, void *n_members);
bool ut_has_msgs(struct ut_rec *rec, void *n_msgs);
bool ut_has_confchgs(struct ut_rec *rec, void *n_confchg);

/* Fill buf with a ut_msg and len bytes of payload derived from (sender, seq). */
size_t ut_msg_build(void *buf, uint32_t sender, uint32_t seq, uint32_t len);

/* Send with retries while the kernel says TRY_AGAIN (dispatching meanwhile). */
cs_error_t ut_send(struct ut_rec *rec, cpg_guarantee_t g, const void *buf, size_t len);

/* Anonymous shared memory that forked children can write results into. */
void *ut_shared(size_t len);

/*
 * In a forked child: close every descriptor from 3 up except keep_a and
 * keep_b (-1 for none), so that the child sees EOF on its pipes when the
 * test process goes away, whatever way it goes.
 */
void ut_close_fds_except(int keep_a, int keep_b);

/* Milliseconds on the monotonic clock. */
uint64_t ut_now_ms(void);

/* The last event of a kind, or NULL. */
const struct ut_event *ut_last(const struct ut_rec *rec, char kind);

/* Whether a list contains (nodeid, pid) with the given reason. */
bool ut_in_list(const struct cpg_address *list, uint32_t n, uint32_t nodeid,
		uint32_t pid, uint32_t reason);

#endif
