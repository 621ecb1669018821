// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * cpg_dispatch(): running callbacks for the records of the receive ring.
 *
 * Records are read in place: a message's payload is handed to the deliver
 * callback as a pointer into the ring, and the consumer index moves past a
 * record only after its callback returned, so the kernel cannot reuse that
 * memory while the application reads it.
 *
 * CS_DISPATCH_ALL takes a snapshot of the producer index when it starts and
 * stops there: a group that keeps sending cannot keep one call running (the
 * rest is for the next call; the descriptor stays readable).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "cpg_instance.h"
#include "ring_consumer.h"
#include "ring_reader.h"
#include "ulib.h"

/*
 * The dispatch calls running on this thread, innermost first: a callback
 * that calls cpg_dispatch() on the handle being dispatched would otherwise
 * deadlock on its dispatch_lock.
 */
struct dispatch_frame {
	const struct cpg_inst *inst;
	struct dispatch_frame *outer;
};
static _Thread_local struct dispatch_frame *dispatch_frames;

static bool dispatching_on_this_thread(const struct cpg_inst *inst)
{
	const struct dispatch_frame *f;

	for (f = dispatch_frames; f; f = f->outer)
		if (f->inst == inst)
			return true;
	return false;
}

bool ring_kick(struct cpg_inst *inst)
{
	inst->unchecked_bytes = 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!(ring_kernel_flags(inst) & KCPG_CTRL_BACKLOG))
		return false;
	/* An error here shows up as KCPG_CTRL_DEAD or on the next call. */
	(void)kcpg_dev_ioctl(&inst->dev, KCPG_IOC_RING_KICK, NULL);
	return true;
}

/* Dead with nothing left to read: remember it, so later calls agree. */
static bool ring_dead_and_drained(struct cpg_inst *inst)
{
	if (!(ring_kernel_flags(inst) & KCPG_CTRL_DEAD))
		return false;
	if (ring_producer(inst) != inst->consumer)
		return false;
	atomic_store(&inst->expelled, true);
	return true;
}

/*
 * Sleep until the ring may have something, or the handle was finalized.
 * *hangup is set when the kernel reported an error condition on the fd.
 */
static cs_error_t ring_wait(struct cpg_inst *inst, bool *hangup)
{
	struct pollfd pfd[2];
	nfds_t n = 1;
	int timeout = -1;
	int r;

	pthread_mutex_lock(&inst->lock);
	if (inst->wake_fd < 0)
		inst->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (atomic_load(&inst->finalized)) {
		pthread_mutex_unlock(&inst->lock);
		return CS_ERR_BAD_HANDLE;
	}
	pfd[1].fd = inst->wake_fd;
	pthread_mutex_unlock(&inst->lock);

	pfd[0].fd = inst->dev.fd;
	pfd[0].events = POLLIN;
	pfd[0].revents = 0;
	if (pfd[1].fd >= 0) {
		pfd[1].events = POLLIN;
		pfd[1].revents = 0;
		n = 2;
	} else {
		/* No descriptor to spare for the wake-up: poll finalize. */
		timeout = 100;
	}
	r = poll(pfd, n, timeout);
	if (r < 0)
		return errno == EINTR ? CS_OK : CS_ERR_LIBRARY;
	if (pfd[0].revents & POLLNVAL)
		return CS_ERR_LIBRARY;
	if (pfd[0].revents & (POLLERR | POLLHUP))
		*hangup = true;
	return CS_OK;
}

/* Room for a private copy of a message (KCPG_COPY_DELIVER). */
static void *copy_buffer(struct cpg_inst *inst, size_t len)
{
	if (len == 0)
		len = 1;	/* a real buffer even for an empty message */
	if (len > inst->copy_buf_len) {
		void *p = realloc(inst->copy_buf, len);

		if (!p)
			return NULL;
		inst->copy_buf = p;
		inst->copy_buf_len = len;
	}
	return inst->copy_buf;
}

/* Run the callback for one record; the consumer index then moves past it. */
static cs_error_t dispatch_event(struct cpg_inst *inst, const struct kcpg_ring_event *ev)
{
	const cpg_model_v1_data_t *m = &inst->model;

	switch (ev->type) {
	case KCPG_REC_MSG:
		if (m->cpg_deliver_fn) {
			void *msg = (void *)ev->msg.data;

			if (inst->copy_deliver) {
				msg = copy_buffer(inst, ev->msg.len);
				if (!msg)
					return CS_ERR_NO_MEMORY;
				memcpy(msg, ev->msg.data, ev->msg.len);
			}
			m->cpg_deliver_fn(inst->id, &inst->cur_group, ev->msg.rec->nodeid,
					  ev->msg.rec->pid, msg, ev->msg.len);
		}
		break;
	case KCPG_REC_CONFCHG:
		/* Later messages belong to this confchg's group. */
		memset(&inst->cur_group, 0, sizeof(inst->cur_group));
		inst->cur_group.length = ev->confchg.group_len;
		memcpy(inst->cur_group.value, ev->confchg.rec->group.value, ev->confchg.group_len);
		if (m->cpg_confchg_fn)
			m->cpg_confchg_fn(inst->id, &inst->cur_group,
					  (const struct cpg_address *)ev->confchg.members,
					  ev->confchg.n_members,
					  (const struct cpg_address *)ev->confchg.left,
					  ev->confchg.n_left,
					  (const struct cpg_address *)ev->confchg.joined,
					  ev->confchg.n_joined);
		break;
	case KCPG_REC_TOTEM:
		if (m->cpg_totem_confchg_fn) {
			struct cpg_ring_id rid = {
				.nodeid = ev->totem.ring_nodeid,
				.seq = ev->totem.ring_seq,
			};

			m->cpg_totem_confchg_fn(inst->id, rid, ev->totem.n_nodes, ev->totem.nodes);
		}
		break;
	case KCPG_REC_EXPELLED:
		ring_publish(inst, ev->next);
		atomic_store(&inst->expelled, true);
		return CS_ERR_FAILED_OPERATION;
	}

	/* fork() in the callback: this is the child, the ring is not mapped. */
	if (!cpg_inst_owned(inst))
		return CS_ERR_BAD_HANDLE;
	ring_publish(inst, ev->next);
	if (atomic_load(&inst->finalized))
		return CS_ERR_BAD_HANDLE;
	return CS_OK;
}

static cs_error_t dispatch_locked(struct cpg_inst *inst, cs_dispatch_flags_t mode)
{
	const struct kcpg_ring_view rv = {
		.data = inst->dev.ring,
		.size = inst->dev.setup.ring_size,
	};
	const bool bounded = mode == CS_DISPATCH_ALL;
	const bool just_one = mode == CS_DISPATCH_ONE || mode == CS_DISPATCH_ONE_NONBLOCKING;
	bool kicked = false, hangup = false;
	uint64_t limit = 0;
	cs_error_t res;

	if (bounded) {
		limit = ring_producer(inst);
		if (limit == inst->consumer && ring_kick(inst))
			limit = ring_producer(inst);
	}

	for (;;) {
		struct kcpg_ring_event ev;

		if (atomic_load(&inst->finalized) || !cpg_inst_owned(inst))
			return CS_ERR_BAD_HANDLE;
		if (atomic_load(&inst->expelled))
			return CS_ERR_FAILED_OPERATION;

		switch (kcpg_ring_next(&rv, inst->consumer, bounded ? limit : ring_producer(inst), &ev)) {
		case KCPG_RING_CORRUPT:
			return CS_ERR_LIBRARY;
		case KCPG_RING_EMPTY:
			ring_publish(inst, ev.next);	/* padding we skipped */
			if (bounded) {
				ring_kick(inst);
				return ring_dead_and_drained(inst) ? CS_ERR_FAILED_OPERATION : CS_OK;
			}
			if (!kicked && ring_kick(inst)) {
				kicked = true;
				continue;
			}
			if (ring_dead_and_drained(inst))
				return CS_ERR_FAILED_OPERATION;
			if (hangup)
				return CS_ERR_LIBRARY;
			if (mode == CS_DISPATCH_ONE_NONBLOCKING)
				return CS_ERR_TRY_AGAIN;
			res = ring_wait(inst, &hangup);
			if (res != CS_OK)
				return res;
			kicked = false;
			continue;
		case KCPG_RING_EVENT:
			break;
		}

		res = dispatch_event(inst, &ev);
		if (res != CS_OK)
			return res;
		kicked = false;
		if (just_one) {
			ring_kick(inst);
			return CS_OK;
		}
		if (inst->unchecked_bytes >= rv.size / 4)
			ring_kick(inst);
	}
}

KCPG_EXPORT cs_error_t cpg_dispatch(cpg_handle_t handle, cs_dispatch_flags_t dispatch_types)
{
	struct dispatch_frame frame;
	struct cpg_inst *inst;
	cs_error_t res;

	if (dispatch_types < CS_DISPATCH_ONE || dispatch_types > CS_DISPATCH_ONE_NONBLOCKING)
		return CS_ERR_INVALID_PARAM;
	res = cpg_inst_get(handle, &inst);
	if (res != CS_OK)
		return res;
	if (dispatching_on_this_thread(inst)) {
		cpg_inst_put(inst);
		return CS_ERR_BAD_OPERATION;
	}

	if (dispatch_types == CS_DISPATCH_ALL || dispatch_types == CS_DISPATCH_ONE_NONBLOCKING) {
		/*
		 * Never wait for another thread's dispatch (it may be BLOCKING
		 * forever): what is queued is already being handled there.
		 */
		if (pthread_mutex_trylock(&inst->dispatch_lock)) {
			cpg_inst_put(inst);
			return dispatch_types == CS_DISPATCH_ALL ? CS_OK : CS_ERR_TRY_AGAIN;
		}
	} else {
		pthread_mutex_lock(&inst->dispatch_lock);
	}
	frame.inst = inst;
	frame.outer = dispatch_frames;
	dispatch_frames = &frame;

	res = dispatch_locked(inst, dispatch_types);

	dispatch_frames = frame.outer;
	pthread_mutex_unlock(&inst->dispatch_lock);
	cpg_inst_put(inst);
	return res;
}
