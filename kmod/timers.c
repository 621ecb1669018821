// SPDX-License-Identifier: GPL-2.0
/*
 * kcpg: the protocol core's timers.
 *
 * The core asks for one absolute deadline per kind (token loss, retransmit,
 * hold, join, consensus, merge).  Each is a soft hrtimer whose callback only
 * marks it fired and queues the instance's worker: the core runs in process
 * context, never in the timer.  The worker checks the deadline again under
 * the instance lock, so a timer re-armed or cancelled after it fired is not
 * reported to the core.
 */
#include <linux/hrtimer.h>
#include <linux/workqueue.h>

#include "kcpg.h"

static enum hrtimer_restart kcpg_timer_fn(struct hrtimer *t)
{
	struct kcpg_timer *kt = container_of(t, struct kcpg_timer, timer);
	struct kcpg_net *kn = kt->kn;

	set_bit(kt->which, &kn->fired);
	queue_work(system_unbound_wq, &kn->work);
	return HRTIMER_NORESTART;
}

void kcpg_timers_init(struct kcpg_net *kn)
{
	unsigned int i;

	for (i = 0; i < KP_TIMER_NR; i++) {
		kn->timers[i].kn = kn;
		kn->timers[i].which = i;
		hrtimer_setup(&kn->timers[i].timer, kcpg_timer_fn,
			      CLOCK_MONOTONIC, HRTIMER_MODE_ABS_SOFT);
		kn->deadline[i] = 0;
	}
}

/* Under kn->lock.  @when is in kcpg_now()'s clock (CLOCK_MONOTONIC). */
void kcpg_timers_arm(struct kcpg_net *kn, enum kp_timer which, u64 when)
{
	if (which >= KP_TIMER_NR)
		return;
	if (when == KP_NO_TIMER || kn->dying) {
		kn->deadline[which] = 0;
		hrtimer_try_to_cancel(&kn->timers[which].timer);
		return;
	}
	kn->deadline[which] = when;
	hrtimer_start(&kn->timers[which].timer, ns_to_ktime(when),
		      HRTIMER_MODE_ABS_SOFT);
}

/* Not under kn->lock; kn->dying is set, so nothing re-arms them. */
void kcpg_timers_cancel_all(struct kcpg_net *kn)
{
	unsigned int i;

	for (i = 0; i < KP_TIMER_NR; i++)
		hrtimer_cancel(&kn->timers[i].timer);
}

/* Worker, under kn->lock: report the timers whose deadline has passed. */
void kcpg_timers_run(struct kcpg_net *kn)
{
	unsigned int i;
	u64 now;

	for (i = 0; i < KP_TIMER_NR; i++) {
		if (!test_and_clear_bit(i, &kn->fired))
			continue;
		now = kcpg_now();
		if (!kn->deadline[i] || now < kn->deadline[i])
			continue;
		kn->deadline[i] = 0;
		kp_timer_fired(kn->node, i, now);
	}
}
