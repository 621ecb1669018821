// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * kcpg protocol core: the CPG layer.
 *
 * Every change to a group's view happens here, in the order the ordering
 * layer hands messages up (on a node alone: at once, inside the request).
 * That single ordered stream is what makes every member see each confchg at
 * the same point relative to the messages of its group.
 */
#include "kp_int.h"

struct kp_group *kp_group_find(const struct kp_node *n,
			       const struct kp_name *g)
{
	struct kp_group *grp;

	for (grp = n->groups; grp; grp = grp->next) {
		int c = kp_name_cmp(&grp->name, g);

		if (!c)
			return grp;
		if (c > 0)
			break;
	}
	return KP_NULL;
}

/* Find or create @g; NULL on allocation failure. */
struct kp_group *kp_group_get(struct kp_node *n, const struct kp_name *g)
{
	struct kp_group **pp, *grp;

	for (pp = &n->groups; *pp; pp = &(*pp)->next) {
		int c = kp_name_cmp(&(*pp)->name, g);

		if (!c)
			return *pp;
		if (c > 0)
			break;
	}
	grp = kp_zalloc(n, sizeof(*grp));
	if (!grp)
		return KP_NULL;
	grp->name.length = g->length;
	kp_memcpy(grp->name.value, g->value, g->length);
	grp->next = *pp;
	*pp = grp;
	return grp;
}

/* Drop @grp when nothing refers to it any more. */
void kp_group_put(struct kp_node *n, struct kp_group *grp)
{
	struct kp_group **pp;

	if (grp->n_memb || grp->local)
		return;
	for (pp = &n->groups; *pp; pp = &(*pp)->next) {
		if (*pp == grp) {
			*pp = grp->next;
			break;
		}
	}
	kp_free(n, grp->memb);
	kp_free(n, grp);
}

/* Make room for @more members, so that applying a change cannot fail. */
int kp_group_reserve(struct kp_node *n, struct kp_group *grp, kp_u32 more)
{
	struct kp_address *a;
	kp_u32 cap;

	if (grp->n_memb + more <= grp->cap_memb)
		return 0;
	cap = kp_max32(grp->cap_memb * 2, grp->n_memb + more);
	cap = kp_max32(cap, 4);
	a = kp_alloc(n, (kp_size)cap * sizeof(*a));
	if (!a)
		return KP_ENOMEM;
	if (grp->n_memb)
		kp_memcpy(a, grp->memb, grp->n_memb * sizeof(*a));
	kp_free(n, grp->memb);
	grp->memb = a;
	grp->cap_memb = cap;
	return 0;
}

static int kp_view_find(const struct kp_group *grp, kp_u32 nodeid, kp_u32 pid)
{
	kp_u32 lo = 0, hi = grp->n_memb;

	while (lo < hi) {
		kp_u32 mid = lo + (hi - lo) / 2;
		const struct kp_address *a = &grp->memb[mid];
		int c = kp_addr_cmp(a->nodeid, a->pid, nodeid, pid);

		if (!c)
			return (int)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -(int)lo - 1;
}

/* The local process in @grp's view with @pid (there is at most one). */
static struct kp_lmember *kp_local_in_view(const struct kp_group *grp,
					   kp_u32 pid)
{
	struct kp_lmember *lm;

	for (lm = grp->local; lm; lm = lm->next)
		if (lm->in_view && lm->pid == pid)
			return lm;
	return KP_NULL;
}

/*
 * The local process of @grp with @pid whose join is on its way: the oldest
 * one (the list is in join order), since joins are ordered first in, first
 * out.  It may already be detached (then its PROCDOWN leave follows).
 */
static struct kp_lmember *kp_local_joining(const struct kp_group *grp,
					   kp_u32 pid)
{
	struct kp_lmember *lm;

	for (lm = grp->local; lm; lm = lm->next)
		if (!lm->in_view && lm->pid == pid)
			return lm;
	return KP_NULL;
}

/* A local process may still take events of its group. */
static int kp_lm_live(const struct kp_lmember *lm)
{
	return lm && lm->h && !lm->expelling;
}

/*
 * Expel a handle that cannot take an event: it gets nothing more of its
 * group, and leaves by an ordered PROCDOWN leave that every member sees at
 * the same point.  Never allocates (the leave was prepared at join time).
 */
void kp_cpg_expel(struct kp_node *n, struct kp_lmember *lm)
{
	struct kp_lmember **pp;

	if (lm->expelling)
		return;
	lm->expelling = 1;
	n->stats.expelled++;
	if (lm->state != KP_LM_LEAVING) {
		lm->state = KP_LM_LEAVING;
		lm->leave_reason = KP_REASON_PROCDOWN;
	}
	/* First expelled, first to leave. */
	for (pp = &n->expel_list; *pp; pp = &(*pp)->next_expel)
		;
	lm->next_expel = KP_NULL;
	*pp = lm;
}

static void kp_send_confchg(struct kp_node *n, struct kp_lmember *lm,
			    const struct kp_confchg *c)
{
	int rc;

	if (!kp_lm_live(lm))
		return;
	lm->h->had_confchg = 1;
	rc = n->ops->confchg(n->ctx, lm->h, c);
	if (rc == KP_EAGAIN)
		kp_cpg_expel(n, lm);
}

/*
 * Deliver @c to every live local process among the first @upto members of
 * @grp's view (pid order).
 */
void kp_cpg_confchg_local(struct kp_node *n, struct kp_group *grp,
			  const struct kp_confchg *c, kp_u32 upto)
{
	kp_u32 i;

	for (i = 0; i < upto; i++) {
		const struct kp_address *a = &grp->memb[i];

		if (a->nodeid != n->cfg.nodeid)
			continue;
		kp_send_confchg(n, kp_local_in_view(grp, a->pid), c);
	}
}

static void kp_fill_confchg(struct kp_confchg *c, const struct kp_group *grp)
{
	kp_memset(c, 0, sizeof(*c));
	c->group = &grp->name;
	c->members = grp->memb;
	c->n_members = grp->n_memb;
}

/* Totem confchg with the ring the CPG layer is in, to one handle. */
static void kp_send_totem(struct kp_node *n, struct kp_handle *h)
{
	struct kp_totem_conf t;
	int rc;

	t.ring_id = n->ring.id;
	t.nodes = n->ring.memb.id;
	t.n_nodes = n->ring.memb.n;
	rc = n->ops->totem_confchg(n->ctx, h, &t);
	if (rc == KP_EAGAIN && h->lm)
		kp_cpg_expel(n, h->lm);
}

/* The totem confchg goes to every handle whose join has completed. */
void kp_cpg_totem_all(struct kp_node *n)
{
	struct kp_handle *h;

	for (h = n->handles; h; h = h->next)
		if (h->lm && h->lm->in_view && kp_lm_live(h->lm))
			kp_send_totem(n, h);
}

/* Insert (@nodeid, @pid) in the view (room reserved); 1 if already in. */
int kp_cpg_view_insert(struct kp_group *grp, kp_u32 nodeid, kp_u32 pid)
{
	int pos = kp_view_find(grp, nodeid, pid);

	if (pos >= 0)
		return 1;
	pos = -pos - 1;
	if ((kp_u32)pos < grp->n_memb)
		__builtin_memmove(&grp->memb[pos + 1], &grp->memb[pos],
				  (grp->n_memb - pos) * sizeof(grp->memb[0]));
	grp->memb[pos].nodeid = nodeid;
	grp->memb[pos].pid = pid;
	grp->memb[pos].reason = 0;
	grp->n_memb++;
	return 0;
}

static int kp_apply_join(struct kp_node *n, const struct kp_cmsg *m)
{
	struct kp_address joined;
	struct kp_lmember *lm = KP_NULL;
	struct kp_group *grp;
	struct kp_confchg c;
	int first;

	grp = kp_group_get(n, m->group);
	if (!grp)
		return KP_ENOMEM;
	if (kp_view_find(grp, m->nodeid, m->pid) >= 0)
		return 0;	/* already a member: nothing changes */
	if (kp_group_reserve(n, grp, 1)) {
		kp_group_put(n, grp);
		return KP_ENOMEM;
	}
	kp_cpg_view_insert(grp, m->nodeid, m->pid);
	if (m->nodeid == n->cfg.nodeid) {
		lm = kp_local_joining(grp, m->pid);
		if (lm) {
			lm->in_view = 1;
			if (lm->state == KP_LM_JOINING)
				lm->state = KP_LM_JOINED;
		}
	}
	joined.nodeid = m->nodeid;
	joined.pid = m->pid;
	joined.reason = KP_REASON_JOIN;
	kp_fill_confchg(&c, grp);
	c.joined = &joined;
	c.n_joined = 1;
	first = lm && lm->h && lm->h->want_initial_totem &&
		!lm->h->had_confchg;
	kp_cpg_confchg_local(n, grp, &c, grp->n_memb);
	/* CPG_MODEL_V1_DELIVER_INITIAL_TOTEM_CONF: the ring, right after the
	 * handle's first confchg.
	 */
	if (first && kp_lm_live(lm))
		kp_send_totem(n, lm->h);
	return 0;
}

static void kp_apply_leave(struct kp_node *n, const struct kp_cmsg *m)
{
	struct kp_address left;
	struct kp_lmember *lm = KP_NULL;
	struct kp_group *grp;
	struct kp_confchg c;
	int pos;

	grp = kp_group_find(n, m->group);
	if (!grp)
		return;
	pos = kp_view_find(grp, m->nodeid, m->pid);
	if (pos < 0)
		return;
	if (m->nodeid == n->cfg.nodeid)
		lm = kp_local_in_view(grp, m->pid);
	grp->n_memb--;
	__builtin_memmove(&grp->memb[pos], &grp->memb[pos + 1],
			  (grp->n_memb - pos) * sizeof(grp->memb[0]));
	left.nodeid = m->nodeid;
	left.pid = m->pid;
	left.reason = m->arg;
	kp_fill_confchg(&c, grp);
	c.left = &left;
	c.n_left = 1;
	kp_cpg_confchg_local(n, grp, &c, grp->n_memb);
	if (lm) {
		lm->in_view = 0;
		/* The leaver sees its own leave; an expelled or dead one not. */
		kp_send_confchg(n, lm, &c);
		kp_lmember_free(n, lm);
	}
	kp_group_put(n, grp);
}

static void kp_apply_data(struct kp_node *n, const struct kp_cmsg *m)
{
	struct kp_group *grp;
	struct kp_msg msg;
	kp_u32 i;

	n->stats.msgs_delivered++;
	grp = kp_group_find(n, m->group);
	if (!grp)
		return;
	msg.group = &grp->name;
	msg.nodeid = m->nodeid;
	msg.pid = m->pid;
	msg.guarantee = m->arg;
	msg.len = m->len;
	msg.iov = m->iov;
	msg.iovcnt = m->iovcnt;
	for (i = 0; i < grp->n_memb; i++) {
		const struct kp_address *a = &grp->memb[i];
		struct kp_lmember *lm;

		if (a->nodeid != n->cfg.nodeid)
			continue;
		lm = kp_local_in_view(grp, a->pid);
		if (!kp_lm_live(lm))
			continue;
		if (n->ops->deliver(n->ctx, lm->h, &msg) == KP_EAGAIN)
			kp_cpg_expel(n, lm);
	}
}

/*
 * Apply one ordered message.  Returns KP_ENOMEM, with nothing changed and
 * nothing delivered, when it cannot be applied now; the caller retries the
 * same message later so that the order is kept.
 */
int kp_cpg_deliver(struct kp_node *n, const struct kp_cmsg *m)
{
	switch (m->kind) {
	case KP_CM_DATA:
		kp_apply_data(n, m);
		return 0;
	case KP_CM_JOIN:
		return kp_apply_join(n, m);
	case KP_CM_LEAVE:
		kp_apply_leave(n, m);
		return 0;
	default:
		return 0;
	}
}

/*
 * Free a local membership.  The handle (if still attached) goes back to
 * having no group; an expelled one is told now, after everyone else saw its
 * leave.
 */
void kp_lmember_free(struct kp_node *n, struct kp_lmember *lm)
{
	struct kp_group *grp = lm->group;
	struct kp_lmember **pp;
	struct kp_handle *h = lm->h;

	for (pp = &grp->local; *pp; pp = &(*pp)->next) {
		if (*pp == lm) {
			*pp = lm->next;
			break;
		}
	}
	for (pp = &n->expel_list; *pp; pp = &(*pp)->next_expel) {
		if (*pp == lm) {
			*pp = lm->next_expel;
			break;
		}
	}
	if (h) {
		h->lm = KP_NULL;
		if (lm->expelling)
			n->ops->expelled(n->ctx, h);
	}
	kp_sreq_free(n, lm->join_req);
	kp_sreq_free(n, lm->leave_req);
	kp_free(n, lm);
}

void kp_cpg_destroy(struct kp_node *n)
{
	while (n->groups) {
		struct kp_group *grp = n->groups;

		while (grp->local) {
			struct kp_lmember *lm = grp->local;

			grp->local = lm->next;
			kp_sreq_free(n, lm->join_req);
			kp_sreq_free(n, lm->leave_req);
			kp_free(n, lm);
		}
		n->groups = grp->next;
		kp_free(n, grp->memb);
		kp_free(n, grp);
	}
}
