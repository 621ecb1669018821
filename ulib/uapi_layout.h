/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Two uapi structs whose layout is not the same for i386 and x86_64, and
 * the forms this library sends instead.
 *
 * struct kcpg_membership and struct kcpg_iterate end with a __u64 after an
 * odd number of __u32s (struct kcpg_name is 132 bytes).  x86_64 aligns that
 * __u64 to 8 and pads before it; i386 aligns it to 4 and does not.  So a
 * 32-bit process built against the header passes a shorter struct, with the
 * pointer where the 64-bit kernel expects padding: the kernel reads a NULL
 * pointer and the call fails with EFAULT.  (Reported; the header says the
 * layouts are the same for both, which these two break.)
 *
 * The structs below spell the x86_64 layout out with explicit padding, so
 * they are the same in both builds and identical to the header's on 64-bit.
 * The ioctl numbers encode their size, which is the 64-bit one.  Should the
 * header gain the same explicit padding, nothing here changes.
 */
#ifndef KCPG_ULIB_UAPI_LAYOUT_H
#define KCPG_ULIB_UAPI_LAYOUT_H

#include <stddef.h>
#include <linux/kcpg.h>

struct kcpg_membership_wire {
	struct kcpg_name group;
	__u32 capacity;
	__u32 count;
	__u32 pad;		/* x86_64's implicit padding, must be zero */
	__u64 members;
};

struct kcpg_iterate_wire {
	__u32 type;
	__u32 capacity;
	__u32 count;
	__u32 reserved;
	struct kcpg_name group;
	__u32 pad;		/* x86_64's implicit padding, must be zero */
	__u64 entries;
};

#define KCPG_IOC_MEMBERSHIP_WIRE _IOWR(KCPG_IOC_MAGIC, 0x06, struct kcpg_membership_wire)
#define KCPG_IOC_ITERATE_WIRE	_IOWR(KCPG_IOC_MAGIC, 0x07, struct kcpg_iterate_wire)

_Static_assert(sizeof(struct kcpg_membership_wire) == 152, "membership wire size");
_Static_assert(offsetof(struct kcpg_membership_wire, members) == 144, "membership wire layout");
_Static_assert(sizeof(struct kcpg_iterate_wire) == 160, "iterate wire size");
_Static_assert(offsetof(struct kcpg_iterate_wire, entries) == 152, "iterate wire layout");
#if defined(__x86_64__)
_Static_assert(sizeof(struct kcpg_membership) == sizeof(struct kcpg_membership_wire) &&
	       offsetof(struct kcpg_membership, members) ==
	       offsetof(struct kcpg_membership_wire, members), "membership: the header's 64-bit layout");
_Static_assert(sizeof(struct kcpg_iterate) == sizeof(struct kcpg_iterate_wire) &&
	       offsetof(struct kcpg_iterate, entries) ==
	       offsetof(struct kcpg_iterate_wire, entries), "iterate: the header's 64-bit layout");
_Static_assert(KCPG_IOC_MEMBERSHIP == KCPG_IOC_MEMBERSHIP_WIRE, "membership ioctl");
_Static_assert(KCPG_IOC_ITERATE == KCPG_IOC_ITERATE_WIRE, "iterate ioctl");
#endif

#endif
