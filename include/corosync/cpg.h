/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cpg.h: closed process groups, as provided by kcpg's libcpg-kshim.
 *
 * Written for kcpg from the API contract (reference/cpg-api.md); source- and
 * binary-compatible with corosync 3.x's libcpg.so.4.  Types, enum values and
 * struct layouts here are ABI.
 *
 * A process opens a handle, joins one group per handle, multicasts messages
 * to the group and receives, through callbacks run by cpg_dispatch(), the
 * group's messages and membership changes as one totally ordered stream.
 *
 * Where kcpg differs from (or pins down) corosync's behaviour:
 *
 *  - Expulsion.  A handle that stops dispatching while its group keeps
 *    sending is expelled once its kernel backlog is full: the other members
 *    see it leave with reason CPG_REASON_PROCDOWN, at the same point of their
 *    streams.  The expelled handle first receives every event that preceded
 *    its expulsion; after that cpg_dispatch() returns
 *    CS_ERR_FAILED_OPERATION, and so do the calls that need the group
 *    (cpg_join, cpg_leave, cpg_mcast_joined, cpg_zcb_mcast_joined).  The
 *    handle stays valid: call cpg_finalize() and open a new one.
 *    (CS_ERR_LIBRARY is not used for this because applications retry on it.)
 *  - The msg pointer given to the deliver callback points into the read-only
 *    receive ring shared with the kernel: it is valid during the callback only
 *    and must not be written to.  Setting KCPG_COPY_DELIVER=1 in the
 *    environment (read at cpg_initialize) hands the callback a private
 *    writable copy instead, for applications that modify messages in place.
 *  - Handles belong to the process that created them.  After fork() every
 *    call on an inherited handle returns CS_ERR_BAD_HANDLE in the child,
 *    except cpg_finalize(), which releases the child's copy of the handle
 *    without affecting the parent.
 *  - cpg_membership_get() treats *member_list_entries as the capacity of
 *    member_list; when the group has more members it fills the first ones and
 *    returns CS_ERR_NO_SPACE.
 *  - cpg_mcast_joined() without a joined group returns CS_ERR_NOT_EXIST.
 *  - cpg_dispatch() called from inside one of its own callbacks on the same
 *    handle returns CS_ERR_BAD_OPERATION.
 *  - All four delivery guarantees are implemented; see cpg_guarantee_t.
 */
#ifndef COROSYNC_CPG_H_DEFINED
#define COROSYNC_CPG_H_DEFINED

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <corosync/corotypes.h>

#ifdef __cplusplus
extern "C" {
#endif

/* An open connection to the CPG service. */
typedef uint64_t cpg_handle_t;

/* An open snapshot of the cluster's process list (cpg_iteration_*). */
typedef uint64_t cpg_iteration_handle_t;

typedef enum {
	CPG_TYPE_UNORDERED,	/* each member gets it once, in any order */
	CPG_TYPE_FIFO,		/* in the order each sender sent */
	CPG_TYPE_AGREED,	/* one total order at every member */
	CPG_TYPE_SAFE		/* agreed, and only once every member has it */
} cpg_guarantee_t;

typedef enum {
	CPG_FLOW_CONTROL_DISABLED,	/* sends are accepted */
	CPG_FLOW_CONTROL_ENABLED	/* a send now would get TRY_AGAIN */
} cpg_flow_control_state_t;

/* Why a process appears in a left or joined list. */
typedef enum {
	CPG_REASON_UNDEFINED = 0,
	CPG_REASON_JOIN = 1,
	CPG_REASON_LEAVE = 2,
	CPG_REASON_NODEDOWN = 3,
	CPG_REASON_NODEUP = 4,
	CPG_REASON_PROCDOWN = 5
} cpg_reason_t;

typedef enum {
	CPG_ITERATION_NAME_ONLY = 1,	/* one entry per group, pid 0 */
	CPG_ITERATION_ONE_GROUP = 2,	/* the processes of one group */
	CPG_ITERATION_ALL = 3		/* every process of every group */
} cpg_iteration_type_t;

typedef enum {
	CPG_MODEL_V1 = 1
} cpg_model_t;

/* One process of a group. */
struct cpg_address {
	uint32_t nodeid;
	uint32_t pid;
	uint32_t reason;	/* cpg_reason_t; 0 in a member list */
};

#define CPG_MAX_NAME_LENGTH	128

/* A group name: length bytes of value, not NUL-terminated. */
struct cpg_name {
	uint32_t length;
	char value[CPG_MAX_NAME_LENGTH];
};

#define CPG_MEMBERS_MAX		128

struct cpg_iteration_description_t {
	struct cpg_name group;
	uint32_t nodeid;
	uint32_t pid;
};

/* A cluster configuration: its representative node and sequence number. */
struct cpg_ring_id {
	uint32_t nodeid;
	uint64_t seq;
};

/*
 * A message of the handle's group.  msg is valid only until the callback
 * returns and is read-only (see the top of this file).
 */
typedef void (*cpg_deliver_fn_t)(
	cpg_handle_t handle,
	const struct cpg_name *group_name,
	uint32_t nodeid,
	uint32_t pid,
	void *msg,
	size_t msg_len);

/*
 * A change of the group's membership: member_list is the membership after
 * the change, sorted by (nodeid, pid); left_list and joined_list say who
 * left or joined, and why.  The lists are valid during the callback only.
 */
typedef void (*cpg_confchg_fn_t)(
	cpg_handle_t handle,
	const struct cpg_name *group_name,
	const struct cpg_address *member_list, size_t member_list_entries,
	const struct cpg_address *left_list, size_t left_list_entries,
	const struct cpg_address *joined_list, size_t joined_list_entries);

/* A change of the cluster's node membership; ring_id.seq only grows. */
typedef void (*cpg_totem_confchg_fn_t)(
	cpg_handle_t handle,
	struct cpg_ring_id ring_id,
	uint32_t member_list_entries,
	const uint32_t *member_list);

typedef struct {
	cpg_deliver_fn_t cpg_deliver_fn;
	cpg_confchg_fn_t cpg_confchg_fn;
} cpg_callbacks_t;

/* The head every model's data starts with. */
typedef struct {
	cpg_model_t model;
} cpg_model_data_t;

/* Deliver a totem confchg with the current ring along with the first confchg. */
#define CPG_MODEL_V1_DELIVER_INITIAL_TOTEM_CONF 0x01

typedef struct {
	cpg_model_t model;			/* CPG_MODEL_V1 */
	cpg_deliver_fn_t cpg_deliver_fn;
	cpg_confchg_fn_t cpg_confchg_fn;
	cpg_totem_confchg_fn_t cpg_totem_confchg_fn;
	unsigned int flags;			/* CPG_MODEL_V1_* */
} cpg_model_v1_data_t;

/*
 * Open a handle with deliver and confchg callbacks (callbacks may be NULL).
 * CS_ERR_LIBRARY when the service (/dev/kcpg) is not there.
 */
cs_error_t cpg_initialize(cpg_handle_t *handle, cpg_callbacks_t *callbacks);

/*
 * Open a handle for a callback model (only CPG_MODEL_V1, whose data is a
 * cpg_model_v1_data_t; model_data may be NULL).  context is returned by
 * cpg_context_get().  Another model or unknown flags: CS_ERR_INVALID_PARAM.
 */
cs_error_t cpg_model_initialize(cpg_handle_t *handle, cpg_model_t model,
				cpg_model_data_t *model_data, void *context);

/*
 * Close the handle: leave its group, free its buffers and iterations.
 * Called from one of the handle's callbacks, it makes the running
 * cpg_dispatch() return CS_ERR_BAD_HANDLE.
 */
cs_error_t cpg_finalize(cpg_handle_t handle);

/* The descriptor to poll() for events (POLLIN); the same one every time. */
cs_error_t cpg_fd_get(cpg_handle_t handle, int *fd);

/* The largest message that is delivered as one unit. */
cs_error_t cpg_max_atomic_msgsize_get(cpg_handle_t handle, uint32_t *size);

cs_error_t cpg_context_get(cpg_handle_t handle, void **context);
cs_error_t cpg_context_set(cpg_handle_t handle, void *context);

/*
 * Run callbacks for queued events (see cs_dispatch_flags_t).  Safe while
 * other threads send on the same handle.  CS_DISPATCH_ALL handles at most the
 * events that were queued when it was called, so a busy group cannot keep it
 * running.  Dispatches of one handle from several threads take turns; while
 * another thread is dispatching, CS_DISPATCH_ALL returns CS_OK and
 * CS_DISPATCH_ONE_NONBLOCKING CS_ERR_TRY_AGAIN at once (that thread runs the
 * callbacks).  Returns CS_ERR_FAILED_OPERATION once the handle was expelled.
 */
cs_error_t cpg_dispatch(cpg_handle_t handle, cs_dispatch_flags_t dispatch_types);

/*
 * Join a group (one per handle).  CS_ERR_EXIST when this handle has a group
 * or this process is already in that group; CS_ERR_TRY_AGAIN while the
 * handle's previous leave is not yet delivered; CS_ERR_NAME_TOO_LONG when
 * group->length > CPG_MAX_NAME_LENGTH.
 */
cs_error_t cpg_join(cpg_handle_t handle, const struct cpg_name *group);

/*
 * Leave the group.  CS_ERR_NOT_EXIST when not joined to it, CS_ERR_BUSY while
 * the join is still in progress.  The handle may join again afterwards.
 */
cs_error_t cpg_leave(cpg_handle_t handle, const struct cpg_name *group);

/*
 * Send the concatenation of iov[0..iov_len) to every member of the group,
 * the sender included.  Returns once queued; CS_ERR_TRY_AGAIN under
 * back-pressure, CS_ERR_TOO_BIG above cpg_max_atomic_msgsize_get(),
 * CS_ERR_NOT_EXIST when not joined.
 */
cs_error_t cpg_mcast_joined(cpg_handle_t handle, cpg_guarantee_t guarantee,
			    const struct iovec *iovec, unsigned int iov_len);

/*
 * The members of any group (joined or not).  *member_list_entries: in, the
 * capacity of member_list; out, the entries written.  CS_ERR_NO_SPACE when
 * the group has more members than that.
 */
cs_error_t cpg_membership_get(cpg_handle_t handle, struct cpg_name *groupName,
			      struct cpg_address *member_list,
			      int *member_list_entries);

/* This node's id. */
cs_error_t cpg_local_get(cpg_handle_t handle, unsigned int *local_nodeid);

/* CPG_FLOW_CONTROL_ENABLED while a send would get CS_ERR_TRY_AGAIN. */
cs_error_t cpg_flow_control_state_get(cpg_handle_t handle,
				      cpg_flow_control_state_t *flow_control_enabled);

/*
 * A buffer for cpg_zcb_mcast_joined(), from memory shared with the kernel.
 * Free it with cpg_zcb_free(); buffers still allocated at cpg_finalize() or
 * exit are reclaimed.
 */
cs_error_t cpg_zcb_alloc(cpg_handle_t handle, size_t size, void **buffer);

/* Return a buffer of cpg_zcb_alloc(); anything else: CS_ERR_INVALID_PARAM. */
cs_error_t cpg_zcb_free(cpg_handle_t handle, void *buffer);

/*
 * Send msg_len bytes of a cpg_zcb_alloc() buffer, like cpg_mcast_joined()
 * but without copying them on the sender's side.  The buffer may be written
 * again as soon as this returns: receivers get the bytes as they were during
 * the call.  msg_len past the end of the buffer: CS_ERR_INVALID_PARAM.
 */
cs_error_t cpg_zcb_mcast_joined(cpg_handle_t handle, cpg_guarantee_t guarantee,
				void *msg, size_t msg_len);

/*
 * Take a snapshot of the cluster's process list.  group is required for
 * CPG_ITERATION_ONE_GROUP and must be NULL otherwise.
 */
cs_error_t cpg_iteration_initialize(cpg_handle_t handle,
				    cpg_iteration_type_t iteration_type,
				    const struct cpg_name *group,
				    cpg_iteration_handle_t *cpg_iteration_handle);

/* The next entry of the snapshot; CS_ERR_NO_SECTIONS after the last. */
cs_error_t cpg_iteration_next(cpg_iteration_handle_t handle,
			      struct cpg_iteration_description_t *description);

/* Free the snapshot (cpg_finalize() of its handle frees it too). */
cs_error_t cpg_iteration_finalize(cpg_iteration_handle_t handle);

#ifdef __cplusplus
}
#endif

#endif /* COROSYNC_CPG_H_DEFINED */
