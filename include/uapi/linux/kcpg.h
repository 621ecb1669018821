/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kcpg: closed process groups in the kernel.  The kernel <-> user contract.
 *
 * Each open() of /dev/kcpg is one CPG handle, bound to the opener's network
 * namespace and process.  The handle is driven by ioctl()s and shares memory
 * with user space through three mmap() areas at fixed offsets:
 *
 *   KCPG_OFF_CTRL  one page, read-write: ring indexes (struct kcpg_ring_ctrl)
 *   KCPG_OFF_RING  ring_size bytes, read-only: records (struct kcpg_rec)
 *   KCPG_OFF_POOL  pool_size bytes, read-write: zero-copy send buffers
 *
 * Sizes are fixed by KCPG_IOC_SETUP, which must come before mmap() and before
 * any other ioctl except KCPG_IOC_INFO.  Every mapping must be MAP_SHARED.
 *
 * Extensibility: an ioctl's argument size is encoded in its number; the
 * kernel accepts a smaller (older) or larger (newer) struct as openat2(2)
 * does: missing trailing fields read as zero, extra trailing bytes must be
 * zero.  Every field named "reserved" must be zero.  No pointer, long or
 * struct iovec appears here: addresses are __u64 and the layouts are the same
 * for i386 and x86_64.
 */
#ifndef _UAPI_LINUX_KCPG_H
#define _UAPI_LINUX_KCPG_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define KCPG_ABI_VERSION	1
#define KCPG_DEVICE_NAME	"kcpg"

#define KCPG_NAME_MAX		128
#define KCPG_MEMBERS_MAX	128	/* members per confchg record */

/* struct cpg_name: not NUL-terminated. */
struct kcpg_name {
	__u32 length;
	__u8 value[KCPG_NAME_MAX];
};

/* struct cpg_address. */
struct kcpg_address {
	__u32 nodeid;
	__u32 pid;
	__u32 reason;
};

/* cpg_guarantee_t */
enum kcpg_guarantee {
	KCPG_UNORDERED = 0,
	KCPG_FIFO = 1,
	KCPG_AGREED = 2,
	KCPG_SAFE = 3,
};

/* ---- mmap layout ---------------------------------------------------- */

#define KCPG_OFF_CTRL		0x00000000ULL
#define KCPG_OFF_RING		0x10000000ULL
#define KCPG_OFF_POOL		0x40000000ULL

/*
 * Ring indexes are free-running byte counts; the offset in the data area is
 * index & (ring_size - 1).  The kernel is the only producer, the library the
 * only consumer.  The kernel keeps its own copy of both indexes and never
 * trusts these: a consumer index that is not 8-aligned, goes backwards or
 * passes the producer breaks the handle (every ioctl then fails with EIO).
 */
struct kcpg_ring_ctrl {
	__u64 producer;		/* written by the kernel (store-release) */
	__u64 kernel_flags;	/* KCPG_CTRL_* written by the kernel */
	__u64 pad0[6];
	__u64 consumer;		/* written by user space (store-release) */
	__u64 pad1[7];
};

/*
 * The kernel holds events that did not fit in the ring: after consuming,
 * call KCPG_IOC_RING_KICK (poll() does the same).
 */
#define KCPG_CTRL_BACKLOG	(1ULL << 0)
/* The handle was expelled (slow consumer) or broken: no more events. */
#define KCPG_CTRL_DEAD		(1ULL << 1)

/* Records are 8-byte aligned and never wrap: see KCPG_REC_PAD. */
enum kcpg_rec_type {
	KCPG_REC_PAD = 0,	/* skip to the start of the ring */
	KCPG_REC_MSG = 1,	/* struct kcpg_rec_msg + payload */
	KCPG_REC_CONFCHG = 2,	/* struct kcpg_rec_confchg + addresses */
	KCPG_REC_TOTEM = 3,	/* struct kcpg_rec_totem + node ids */
	KCPG_REC_EXPELLED = 4,	/* header only: the handle was expelled */
};

struct kcpg_rec {
	__u32 len;		/* of the whole record incl. header, unaligned */
	__u16 type;		/* enum kcpg_rec_type */
	__u16 flags;
};

#define KCPG_REC_ALIGN		8
#define KCPG_REC_SPAN(len)	(((len) + KCPG_REC_ALIGN - 1) & ~(KCPG_REC_ALIGN - 1))

/*
 * A delivered message.  Its group is the group of the last confchg record
 * before it (a handle is in one group at a time).
 */
struct kcpg_rec_msg {
	struct kcpg_rec hdr;
	__u32 nodeid;
	__u32 pid;
	__u32 guarantee;
	__u32 data_len;
	/* followed by data_len bytes */
};

/* Three address arrays follow, in this order: members, left, joined. */
struct kcpg_rec_confchg {
	struct kcpg_rec hdr;
	struct kcpg_name group;
	__u32 n_members;
	__u32 n_left;
	__u32 n_joined;
	__u32 reserved;
};

struct kcpg_rec_totem {
	struct kcpg_rec hdr;
	__u32 ring_nodeid;	/* representative */
	__u32 n_nodes;
	__u64 ring_seq;
	/* followed by n_nodes __u32 node ids */
};

/* ---- ioctls ---------------------------------------------------------- */

#define KCPG_IOC_MAGIC		0xCB

/* Feature bits in kcpg_info.features. */
#define KCPG_FEAT_ZCB		(1ULL << 0)
#define KCPG_FEAT_SAFE		(1ULL << 1)
#define KCPG_FEAT_ITERATE	(1ULL << 2)

struct kcpg_info {
	__u32 abi_version;	/* KCPG_ABI_VERSION */
	__u32 nodeid;		/* this node */
	__u64 features;
	__u32 max_msg_size;	/* largest atomic message */
	__u32 max_iovcnt;
	__u32 default_ring_size;
	__u32 default_pool_size;
	__u32 max_ring_size;
	__u32 max_pool_size;
};

/* Handle setup flags. */
/* Deliver a totem confchg with the first confchg (CPG_MODEL_V1_DELIVER_INITIAL_TOTEM_CONF). */
#define KCPG_SETUP_INITIAL_TOTEM	(1U << 0)

struct kcpg_setup {
	__u32 flags;
	__u32 ring_size;	/* in: 0 = default; out: actual (power of 2) */
	__u32 pool_size;	/* in: 0 = default, may be 0 after; out: actual */
	__u32 reserved;
};

struct kcpg_join {
	struct kcpg_name group;
	__u32 reserved;
};

/* Our own iovec: the same layout for 32- and 64-bit processes. */
struct kcpg_iovec {
	__u64 base;
	__u64 len;
};

#define KCPG_IOV_MAX		64

struct kcpg_mcast {
	__u32 guarantee;	/* enum kcpg_guarantee */
	__u32 iovcnt;		/* 1..KCPG_IOV_MAX */
	__u64 iov;		/* address of struct kcpg_iovec[iovcnt] */
};

struct kcpg_zcb_mcast {
	__u32 guarantee;
	__u32 reserved;
	__u64 offset;		/* in the pool area */
	__u64 len;
};

struct kcpg_membership {
	struct kcpg_name group;
	__u32 capacity;		/* in: entries at members */
	__u32 count;		/* out: members in all (may exceed capacity) */
	__u32 reserved;		/* aligns members the same on i386 */
	__u64 members;		/* address of struct kcpg_address[capacity] */
};

enum kcpg_iter_type {
	KCPG_ITER_NAME_ONLY = 1,
	KCPG_ITER_ONE_GROUP = 2,
	KCPG_ITER_ALL = 3,
};

struct kcpg_iter_entry {
	struct kcpg_name group;
	__u32 nodeid;
	__u32 pid;
};

struct kcpg_iterate {
	__u32 type;		/* enum kcpg_iter_type */
	__u32 capacity;		/* in: entries at entries */
	__u32 count;		/* out: entries in all (may exceed capacity) */
	__u32 reserved;
	struct kcpg_name group;	/* ONE_GROUP only; zero otherwise */
	__u32 reserved2;	/* aligns entries the same on i386 */
	__u64 entries;		/* address of struct kcpg_iter_entry[capacity] */
};

struct kcpg_flow {
	__u32 state;		/* 1 while a send would get EAGAIN */
	__u32 reserved;
};

struct kcpg_totem {
	__u32 ring_nodeid;
	__u32 n_nodes;		/* out: in all (may exceed capacity) */
	__u64 ring_seq;
	__u32 capacity;
	__u32 reserved;
	__u64 nodes;		/* address of __u32[capacity] */
};

/* Payload bytes copied, per path (for tests and kcpgctl stats). */
struct kcpg_copy_stats {
	__u64 sender_bytes;	/* user -> kernel on the send path */
	__u64 ring_bytes;	/* into receive rings (one per receiver) */
	__u64 retained_bytes;	/* into kernel buffers that outlive a call */
	__u64 zcb_sends;
	__u64 copy_sends;
};

#define KCPG_IOC_INFO		_IOR(KCPG_IOC_MAGIC, 0x00, struct kcpg_info)
#define KCPG_IOC_SETUP		_IOWR(KCPG_IOC_MAGIC, 0x01, struct kcpg_setup)
#define KCPG_IOC_JOIN		_IOW(KCPG_IOC_MAGIC, 0x02, struct kcpg_join)
#define KCPG_IOC_LEAVE		_IOW(KCPG_IOC_MAGIC, 0x03, struct kcpg_join)
#define KCPG_IOC_MCAST		_IOW(KCPG_IOC_MAGIC, 0x04, struct kcpg_mcast)
#define KCPG_IOC_ZCB_MCAST	_IOW(KCPG_IOC_MAGIC, 0x05, struct kcpg_zcb_mcast)
#define KCPG_IOC_MEMBERSHIP	_IOWR(KCPG_IOC_MAGIC, 0x06, struct kcpg_membership)
#define KCPG_IOC_ITERATE	_IOWR(KCPG_IOC_MAGIC, 0x07, struct kcpg_iterate)
#define KCPG_IOC_FLOW		_IOR(KCPG_IOC_MAGIC, 0x08, struct kcpg_flow)
#define KCPG_IOC_TOTEM		_IOWR(KCPG_IOC_MAGIC, 0x09, struct kcpg_totem)
#define KCPG_IOC_RING_KICK	_IO(KCPG_IOC_MAGIC, 0x0a)
#define KCPG_IOC_COPY_STATS	_IOR(KCPG_IOC_MAGIC, 0x0b, struct kcpg_copy_stats)

/* ---- generic netlink: configuration and status ----------------------- */

/*
 * Family KCPG_GENL_NAME, per network namespace (each namespace is a node).
 * Changing commands need CAP_NET_ADMIN in the namespace's user namespace.
 * Configuration is applied with KCPG_CMD_UP and may only change while the
 * node is down (KCPG_CMD_DOWN); a node that is down is the one-node cluster
 * of its node id and sends nothing.
 */
#define KCPG_GENL_NAME		"kcpg"
#define KCPG_GENL_VERSION	1
#define KCPG_GENL_MCGRP		"events"	/* membership changes */
#define KCPG_DEFAULT_PORT	5420
#define KCPG_KEY_LEN		32	/* bytes of cluster key */

enum kcpg_cmd {
	KCPG_CMD_UNSPEC,
	KCPG_CMD_NODE_SET,	/* NODEID [ADDR PORT MTU timeouts] */
	KCPG_CMD_PEER_ADD,	/* NODEID ADDR [PORT] */
	KCPG_CMD_PEER_DEL,	/* NODEID */
	KCPG_CMD_UP,
	KCPG_CMD_DOWN,
	KCPG_CMD_STATUS_GET,	/* reply: node, ring, members, state */
	KCPG_CMD_PEER_GET,	/* dump: one PEER nest per message */
	KCPG_CMD_GROUP_GET,	/* dump: GROUP + MEMBER nests per message */
	KCPG_CMD_STATS_GET,	/* reply: STATS nest */
	KCPG_CMD_EVENT,		/* multicast: RING_* + MEMBERS after a change */
	KCPG_CMD_KEY_SET,	/* KEY [ENCRYPT]; without KEY: no key (down only) */
	__KCPG_CMD_MAX,
};

#define KCPG_CMD_MAX	(__KCPG_CMD_MAX - 1)

enum kcpg_attr {
	KCPG_A_UNSPEC,
	KCPG_A_NODEID,		/* u32 */
	KCPG_A_ADDR,		/* binary: 4 (IPv4) or 16 (IPv6) bytes */
	KCPG_A_PORT,		/* u16, host order */
	KCPG_A_MTU,		/* u32: largest datagram payload */
	KCPG_A_STATE,		/* u8: 0 down, 1 up */
	KCPG_A_RING_REP,	/* u32 */
	KCPG_A_RING_SEQ,	/* u64 */
	KCPG_A_MEMBERS,		/* nest of KCPG_A_NODEID */
	KCPG_A_PEER,		/* nest: NODEID ADDR PORT + PEER_* counters */
	KCPG_A_GROUP,		/* binary: group name bytes (no length prefix) */
	KCPG_A_MEMBER,		/* nest: NODEID PID */
	KCPG_A_PID,		/* u32 */
	KCPG_A_STATS,		/* nest of KCPG_STAT_* u64 */
	KCPG_A_TOKEN_MS,	/* u32: token loss timeout */
	KCPG_A_JOIN_MS,		/* u32: join timeout */
	KCPG_A_CONSENSUS_MS,	/* u32 */
	KCPG_A_HOLD_MS,		/* u32: idle token hold */
	KCPG_A_KEYED,		/* u8: 1 when packets are authenticated */
	KCPG_A_PEER_TX,		/* u64 datagrams sent to the peer */
	KCPG_A_PEER_RX,		/* u64 datagrams received from it */
	KCPG_A_PEER_DROP,	/* u64 datagrams from it dropped */
	KCPG_A_PAD,
	KCPG_A_KEY,		/* binary, KCPG_KEY_LEN: the cluster key (never dumped) */
	KCPG_A_ENCRYPT,		/* u8: 1 encrypts payloads, 0 authenticates only */
	KCPG_A_MTU_USED,	/* u32: the core's datagram payload, MTU lowered to
				 * the path MTU toward the peers at up
				 */
	__KCPG_A_MAX,
};

#define KCPG_A_MAX	(__KCPG_A_MAX - 1)

/*
 * KCPG_A_MTU accepts KCPG_MTU_MIN to KCPG_MTU_MAX.  The maximum leaves room
 * for the key's envelope in the largest UDP payload (65507 bytes over IPv4).
 */
#define KCPG_MTU_MIN	512
#define KCPG_MTU_MAX	65000

enum kcpg_stat {
	KCPG_STAT_UNSPEC,
	KCPG_STAT_MSGS_SENT,
	KCPG_STAT_MSGS_DELIVERED,
	KCPG_STAT_PKTS_SENT,
	KCPG_STAT_PKTS_RECEIVED,
	KCPG_STAT_PKTS_DROPPED,	/* malformed, wrong ring, duplicate (core) */
	KCPG_STAT_RETRANSMITS,
	KCPG_STAT_TOKEN_LOSSES,
	KCPG_STAT_CONFIGS,
	KCPG_STAT_EXPELLED,
	KCPG_STAT_DROP_UNKNOWN_PEER,	/* source address not configured */
	KCPG_STAT_DROP_QUEUE_FULL,	/* per-peer receive queue full */
	KCPG_STAT_DROP_NOT_UP,
	KCPG_STAT_SENDER_BYTES,
	KCPG_STAT_RING_BYTES,
	KCPG_STAT_RETAINED_BYTES,
	KCPG_STAT_SEND_ERRORS,
	KCPG_STAT_PAD,
	KCPG_STAT_DROP_MALFORMED,	/* datagrams the core refused */
	KCPG_STAT_DROP_RING_FULL,	/* events refused by a full ring */
	KCPG_STAT_DROP_BAD_CONSUMER,	/* lying consumer indexes */
	KCPG_STAT_DROP_BAD_TAG,		/* failed authentication or format */
	KCPG_STAT_DROP_REPLAY,		/* seen counter or an older epoch */
	__KCPG_STAT_MAX,
};

#define KCPG_STAT_MAX	(__KCPG_STAT_MAX - 1)

#endif /* _UAPI_LINUX_KCPG_H */
