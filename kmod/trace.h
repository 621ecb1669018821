/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcpg tracepoints: deliveries, configuration changes, expulsions, drops
 * with their reason, token visits and retransmissions, for perf trace,
 * bpftrace and tracefs.  The token and retransmit events fire on every
 * token visit: cheap while nobody listens (a static branch), but a busy
 * ring makes many of them.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM kcpg

#if !defined(_KCPG_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _KCPG_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(kcpg_deliver,
	TP_PROTO(u32 to_pid, u32 nodeid, u32 pid, u32 guarantee, u32 len),
	TP_ARGS(to_pid, nodeid, pid, guarantee, len),
	TP_STRUCT__entry(
		__field(u32, to_pid)
		__field(u32, nodeid)
		__field(u32, pid)
		__field(u32, guarantee)
		__field(u32, len)
	),
	TP_fast_assign(
		__entry->to_pid = to_pid;
		__entry->nodeid = nodeid;
		__entry->pid = pid;
		__entry->guarantee = guarantee;
		__entry->len = len;
	),
	TP_printk("to=%u from=%u:%u guarantee=%u len=%u", __entry->to_pid,
		  __entry->nodeid, __entry->pid, __entry->guarantee,
		  __entry->len)
);

TRACE_EVENT(kcpg_confchg,
	TP_PROTO(u32 to_pid, u32 n_members, u32 n_left, u32 n_joined),
	TP_ARGS(to_pid, n_members, n_left, n_joined),
	TP_STRUCT__entry(
		__field(u32, to_pid)
		__field(u32, n_members)
		__field(u32, n_left)
		__field(u32, n_joined)
	),
	TP_fast_assign(
		__entry->to_pid = to_pid;
		__entry->n_members = n_members;
		__entry->n_left = n_left;
		__entry->n_joined = n_joined;
	),
	TP_printk("to=%u members=%u left=%u joined=%u", __entry->to_pid,
		  __entry->n_members, __entry->n_left, __entry->n_joined)
);

TRACE_EVENT(kcpg_totem_confchg,
	TP_PROTO(u32 rep, u64 seq, u32 n_nodes),
	TP_ARGS(rep, seq, n_nodes),
	TP_STRUCT__entry(
		__field(u32, rep)
		__field(u64, seq)
		__field(u32, n_nodes)
	),
	TP_fast_assign(
		__entry->rep = rep;
		__entry->seq = seq;
		__entry->n_nodes = n_nodes;
	),
	TP_printk("ring=%u.%llu nodes=%u", __entry->rep,
		  (unsigned long long)__entry->seq, __entry->n_nodes)
);

TRACE_EVENT(kcpg_expel,
	TP_PROTO(u32 pid),
	TP_ARGS(pid),
	TP_STRUCT__entry(
		__field(u32, pid)
	),
	TP_fast_assign(
		__entry->pid = pid;
	),
	TP_printk("pid=%u", __entry->pid)
);

TRACE_EVENT(kcpg_drop,
	TP_PROTO(const char *reason, u32 nodeid, u32 len),
	TP_ARGS(reason, nodeid, len),
	TP_STRUCT__entry(
		__string(reason, reason)
		__field(u32, nodeid)
		__field(u32, len)
	),
	TP_fast_assign(
		kcpg_assign_str(reason, reason);
		__entry->nodeid = nodeid;
		__entry->len = len;
	),
	TP_printk("reason=%s node=%u len=%u", __get_str(reason),
		  __entry->nodeid, __entry->len)
);

/* The token reached node @node (the node's id in its namespace). */
TRACE_EVENT(kcpg_token,
	TP_PROTO(u32 node, u64 ring_seq, u64 seq, u64 aru, u32 rtr_n),
	TP_ARGS(node, ring_seq, seq, aru, rtr_n),
	TP_STRUCT__entry(
		__field(u32, node)
		__field(u32, rtr_n)
		__field(u64, ring_seq)
		__field(u64, seq)
		__field(u64, aru)
	),
	TP_fast_assign(
		__entry->node = node;
		__entry->rtr_n = rtr_n;
		__entry->ring_seq = ring_seq;
		__entry->seq = seq;
		__entry->aru = aru;
	),
	TP_printk("node=%u ring=%llu seq=%llu aru=%llu rtr=%u", __entry->node,
		  (unsigned long long)__entry->ring_seq,
		  (unsigned long long)__entry->seq,
		  (unsigned long long)__entry->aru, __entry->rtr_n)
);

/* Node @node sent message @seq of its ring again, asked by the token. */
TRACE_EVENT(kcpg_retransmit,
	TP_PROTO(u32 node, u64 ring_seq, u64 seq),
	TP_ARGS(node, ring_seq, seq),
	TP_STRUCT__entry(
		__field(u32, node)
		__field(u64, ring_seq)
		__field(u64, seq)
	),
	TP_fast_assign(
		__entry->node = node;
		__entry->ring_seq = ring_seq;
		__entry->seq = seq;
	),
	TP_printk("node=%u ring=%llu seq=%llu", __entry->node,
		  (unsigned long long)__entry->ring_seq,
		  (unsigned long long)__entry->seq)
);

#endif /* _KCPG_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
