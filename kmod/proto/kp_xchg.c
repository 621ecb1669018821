// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * kcpg protocol core: group membership across configuration changes.
 *
 * At a transitional configuration every process of a node that does not
 * come along leaves its group (NODEDOWN, one confchg per group).  When the
 * new ring holds nodes we did not know (a merge, or a previous exchange cut
 * short), each member sends a STATE message listing its own local
 * processes, before any other message of the new ring.  Once the STATE of
 * every member has been delivered (at the same point of the order for
 * everyone), the processes of the nodes we did not know join (NODEUP, one
 * confchg per group), and the totem confchg goes to every handle, last.
 *
 * A node only ever speaks for its own processes, so no process can survive
 * in a view after its node is gone: no ghosts.
 */
#include "kp_int.h"
#include "kp_wire.h"

/* One announced process, while an exchange completes. */
struct kp_xent {
	const kp_u8 *name;
	kp_u32 nl;
	kp_u32 nodeid;
	kp_u32 pid;
};

static void kp_xchg_free(struct kp_node *n)
{
	while (n->xstates) {
		struct kp_xstate *x = n->xstates;

		n->xstates = x->next;
		kp_free(n, x);
	}
}

/* Stable partition: members of nodes in @keep first, in order. */
static kp_u32 kp_partition(struct kp_group *grp, const struct kp_nodeset *keep)
{
	kp_u32 i, k = 0;

	for (i = 0; i < grp->n_memb; i++) {
		struct kp_address a = grp->memb[i];

		if (!kp_set_has(keep, a.nodeid))
			continue;
		if (i != k)
			__builtin_memmove(&grp->memb[k + 1], &grp->memb[k],
					  (i - k) * sizeof(a));
		grp->memb[k++] = a;
	}
	return k;
}

void kp_cpg_trans(struct kp_node *n, const struct kp_nodeset *trans)
{
	struct kp_group *grp, *next;
	struct kp_confchg c;
	kp_u32 k, i;

	for (grp = n->groups; grp; grp = next) {
		next = grp->next;
		k = kp_partition(grp, trans);
		if (k == grp->n_memb)
			continue;
		for (i = k; i < grp->n_memb; i++)
			grp->memb[i].reason = KP_REASON_NODEDOWN;
		kp_memset(&c, 0, sizeof(c));
		c.group = &grp->name;
		c.members = grp->memb;
		c.n_members = k;
		c.left = &grp->memb[k];
		c.n_left = grp->n_memb - k;
		kp_cpg_confchg_local(n, grp, &c, k);
		grp->n_memb = k;
		kp_group_put(n, grp);
	}
	kp_set_minus(&n->scratch_set2, &n->known, trans);
	kp_set_minus(&n->known, &n->known, &n->scratch_set2);
	/* An exchange cut short is abandoned; the next one redoes it. */
	n->xchg = 0;
	n->xchg_queued = 0;
	kp_xchg_free(n);
	kp_sq_drop_state(n);
}

/* Build our STATE message and queue it first. */
int kp_xchg_queue_state(struct kp_node *n)
{
	struct kp_group *grp;
	struct kp_lmember *lm;
	struct kp_gather g;
	struct kp_sreq *r;
	kp_u32 len = KP_ST_ENTRIES, cnt = 0, off;
	kp_u8 *body;

	for (grp = n->groups; grp; grp = grp->next)
		for (lm = grp->local; lm; lm = lm->next)
			if (lm->in_view) {
				len += 5 + grp->name.length;
				cnt++;
			}
	body = kp_alloc(n, len);
	if (!body)
		return KP_ENOMEM;
	kp_memset(body, 0, KP_ST_ENTRIES);
	kp_put8(body, KP_CP_KIND, KP_CM_STATE);
	kp_put32(body, KP_ST_COUNT, cnt);
	off = KP_ST_ENTRIES;
	for (grp = n->groups; grp; grp = grp->next) {
		for (lm = grp->local; lm; lm = lm->next) {
			if (!lm->in_view)
				continue;
			kp_put32(body, off, lm->pid);
			kp_put8(body, off + 4, (kp_u8)grp->name.length);
			kp_memcpy(body + off + 5, grp->name.value,
				  grp->name.length);
			off += 5 + grp->name.length;
		}
	}
	kp_memset(&g, 0, sizeof(g));
	g.hdr = body;
	g.hdr_len = len;
	r = kp_sreq_build(n, KP_SQ_STATE, 0, &g, len);
	kp_free(n, body);
	if (!r)
		return KP_ENOMEM;
	kp_sq_push_front(n, r);
	n->xchg_queued = 1;
	return 0;
}

void kp_cpg_regular(struct kp_node *n)
{
	if (kp_set_equal(&n->known, &n->ring.memb)) {
		kp_cpg_totem_all(n);
		return;
	}
	n->xchg = 1;
	n->xchg_memb = n->ring.memb;
	kp_set_clear(&n->xchg_got);
	if (n->ring.memb.n > 1)
		kp_xchg_queue_state(n);	/* retried by kp_after() */
}

/* Parse a STATE body into @out (may be NULL to count); -1 if malformed. */
static int kp_xstate_parse(const struct kp_xstate *x, struct kp_xent *out)
{
	kp_u32 cnt, i, off = KP_ST_ENTRIES;

	if (x->len < KP_ST_ENTRIES)
		return -1;
	cnt = kp_get32(x->body, KP_ST_COUNT);
	for (i = 0; i < cnt; i++) {
		kp_u32 nl;

		if (off + 5 > x->len)
			return -1;
		nl = kp_get8(x->body, off + 4);
		if (nl > KP_NAME_MAX || off + 5 + nl > x->len)
			return -1;
		if (out) {
			out[i].pid = kp_get32(x->body, off);
			out[i].nl = nl;
			out[i].name = x->body + off + 5;
			out[i].nodeid = x->nodeid;
		}
		off += 5 + nl;
	}
	return off == x->len ? (int)cnt : -1;
}

static int kp_xent_cmp(const struct kp_xent *a, const struct kp_xent *b)
{
	kp_u32 l = kp_min32(a->nl, b->nl);
	int c = l ? kp_memcmp(a->name, b->name, l) : 0;

	if (c)
		return c;
	if (a->nl != b->nl)
		return a->nl < b->nl ? -1 : 1;
	return kp_addr_cmp(a->nodeid, a->pid, b->nodeid, b->pid);
}

/* Heapsort: no recursion, no extra memory. */
static void kp_xent_sift(struct kp_xent *e, kp_u32 i, kp_u32 n)
{
	for (;;) {
		kp_u32 c = 2 * i + 1, m = i;
		struct kp_xent t;

		if (c < n && kp_xent_cmp(&e[c], &e[m]) > 0)
			m = c;
		if (c + 1 < n && kp_xent_cmp(&e[c + 1], &e[m]) > 0)
			m = c + 1;
		if (m == i)
			return;
		t = e[i];
		e[i] = e[m];
		e[m] = t;
		i = m;
	}
}

static void kp_xent_sort(struct kp_xent *e, kp_u32 n)
{
	kp_u32 i;

	for (i = n / 2; i-- > 0;)
		kp_xent_sift(e, i, n);
	for (i = n; i-- > 1;) {
		struct kp_xent t = e[0];

		e[0] = e[i];
		e[i] = t;
		kp_xent_sift(e, 0, i);
	}
}

static void kp_xent_name(const struct kp_xent *e, struct kp_name *nm)
{
	nm->length = e->nl;
	kp_memcpy(nm->value, e->name, e->nl);
}

/*
 * Reserve room in every group the announced processes go to.  Fails
 * without a trace (empty groups it made are dropped again).
 */
static int kp_xchg_reserve(struct kp_node *n, const struct kp_xent *e,
			   kp_u32 cnt)
{
	struct kp_name *nm = &n->scratch_name;
	kp_u32 i = 0, j;

	while (i < cnt) {
		struct kp_group *grp;

		for (j = i + 1; j < cnt && e[j].nl == e[i].nl &&
		     !kp_memcmp(e[j].name, e[i].name, e[i].nl); j++)
			;
		kp_xent_name(&e[i], nm);
		grp = kp_group_get(n, nm);
		if (!grp || kp_group_reserve(n, grp, j - i)) {
			struct kp_group *next;

			for (grp = n->groups; grp; grp = next) {
				next = grp->next;
				kp_group_put(n, grp);	/* empty ones only */
			}
			return KP_ENOMEM;
		}
		i = j;
	}
	return 0;
}

static void kp_xchg_apply(struct kp_node *n, const struct kp_xent *e,
			  kp_u32 cnt, struct kp_address *joined)
{
	struct kp_name *nm = &n->scratch_name;
	kp_u32 i = 0, j, k;

	while (i < cnt) {
		struct kp_group *grp;
		struct kp_confchg c;
		kp_u32 nj = 0;

		for (j = i + 1; j < cnt && e[j].nl == e[i].nl &&
		     !kp_memcmp(e[j].name, e[i].name, e[i].nl); j++)
			;
		kp_xent_name(&e[i], nm);
		grp = kp_group_find(n, nm);
		for (k = i; k < j && grp; k++) {
			if (kp_cpg_view_insert(grp, e[k].nodeid, e[k].pid))
				continue;	/* already there */
			joined[nj].nodeid = e[k].nodeid;
			joined[nj].pid = e[k].pid;
			joined[nj].reason = KP_REASON_NODEUP;
			nj++;
		}
		if (grp && nj) {
			kp_memset(&c, 0, sizeof(c));
			c.group = &grp->name;
			c.members = grp->memb;
			c.n_members = grp->n_memb;
			c.joined = joined;
			c.n_joined = nj;
			kp_cpg_confchg_local(n, grp, &c, grp->n_memb);
		}
		if (grp)
			kp_group_put(n, grp);
		i = j;
	}
}

/* Every STATE is in: NODEUP, then the totem confchg. */
static int kp_xchg_complete(struct kp_node *n)
{
	struct kp_address *joined = KP_NULL;
	struct kp_xent *e = KP_NULL;
	struct kp_xstate *x;
	kp_u32 cnt = 0, k = 0;
	int c;

	for (x = n->xstates; x; x = x->next) {
		c = kp_xstate_parse(x, KP_NULL);
		if (c > 0)
			cnt += (kp_u32)c;
	}
	if (cnt) {
		e = kp_alloc(n, cnt * sizeof(*e));
		joined = kp_alloc(n, cnt * sizeof(*joined));
		if (!e || !joined)
			goto nomem;
		for (x = n->xstates; x; x = x->next) {
			c = kp_xstate_parse(x, KP_NULL);
			if (c > 0)
				k += (kp_u32)kp_xstate_parse(x, e + k);
		}
		kp_xent_sort(e, cnt);
		if (kp_xchg_reserve(n, e, cnt))
			goto nomem;
		kp_xchg_apply(n, e, cnt, joined);
	}
	kp_free(n, e);
	kp_free(n, joined);
	kp_xchg_free(n);
	n->known = n->xchg_memb;
	n->xchg = 0;
	n->xchg_queued = 0;
	kp_cpg_totem_all(n);
	return 0;
nomem:
	kp_free(n, e);
	kp_free(n, joined);
	return KP_ENOMEM;
}

/* A STATE message, in order. */
int kp_xchg_state(struct kp_node *n, kp_u32 sender, const kp_u8 *p,
		  kp_u32 len)
{
	struct kp_xstate *x = KP_NULL;
	int rc;

	if (!n->xchg || !kp_set_has(&n->xchg_memb, sender) ||
	    kp_set_has(&n->xchg_got, sender))
		return 0;	/* of an exchange that is over */
	if (!kp_set_has(&n->known, sender)) {
		x = kp_alloc(n, sizeof(*x) + len);
		if (!x)
			return KP_ENOMEM;
		x->nodeid = sender;
		x->len = len;
		kp_memcpy(x->body, p, len);
		x->next = n->xstates;
		n->xstates = x;
	}
	kp_set_add(&n->xchg_got, sender);
	if (!kp_set_equal(&n->xchg_got, &n->xchg_memb))
		return 0;
	rc = kp_xchg_complete(n);
	if (rc) {
		/* Undo, so that the same message completes it next time. */
		kp_set_del(&n->xchg_got, sender);
		if (x) {
			n->xstates = x->next;
			kp_free(n, x);
		}
	}
	return rc;
}
