/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcpg: kernel compatibility layer.
 *
 * Force-included before every file of the module (kmod/Kbuild: -include),
 * so no logic file tests a kernel version.  The logic files are written
 * against the newest kernel API; each entry below maps one such API back to
 * the kernels that predate it, down to 6.1 (Debian 12), gated here by
 * LINUX_VERSION_CODE and nowhere else.
 *
 * Only <linux/version.h> is included: the protocol core (kmod/proto/) is
 * built with the same flags and must stay free of kernel headers, so the
 * helpers are macros that name kernel types only where they are expanded.
 *
 * Known breaks between 6.1 and 6.16 and what this file does about them:
 *
 *   6.3   vma->vm_flags became read-only; vm_flags_set()/vm_flags_clear()
 *         change it.  Mapped below for older kernels (kmod/mmap.c).
 *   6.4   class_create() lost its module argument.  Not used: /dev/kcpg is
 *         a misc device, which owns its class.
 *   6.5   ->sendpage() and kernel_sendpage() removed.  Not used: the
 *         transport sends skbs with udp_tunnel_xmit_skb() and
 *         udp_tunnel6_xmit_skb().
 *   6.8   strlcpy() removed.  Not used (strscpy() where needed).
 *   6.10  __assign_str() lost its source argument.  Trace events use
 *         kcpg_assign_str(dst, src), defined below for both forms.
 *   6.12  no_llseek removed.  The handle leaves ->llseek NULL and opens
 *         with stream_open(), which clears FMODE_LSEEK: lseek() fails with
 *         ESPIPE on every version without any mapping (kmod/handle.c).
 *   6.13  hrtimer_setup() added; hrtimer_init() removed in 6.15.  Mapped
 *         below for older kernels (kmod/timers.c).
 *   6.15  del_timer() removed (timer_delete() is in 6.2 and in 6.1.y
 *   6.16  stable), from_timer() renamed timer_container_of().  Not used:
 *         the core's timers are hrtimers.  A timer_list added later calls
 *         timer_delete*() and gets a timer_container_of() mapping here.
 *   6.17  udp_tunnel_xmit_skb() and udp_tunnel6_xmit_skb() gained a last
 *         argument, flags for the IP control block (u16 ipcb_flags /
 *         ip6cb_flags), and udp_tunnel6_xmit_skb() returns void (it always
 *         returned 0).  Their 6.1 argument lists hold through 6.16.  The
 *         transport calls kcpg_udp_tunnel_xmit_skb() and
 *         kcpg_udp_tunnel6_xmit_skb() with the 6.17 arguments (flags 0),
 *         defined below for both forms (kmod/send.c).
 *
 * Checked against kernel source: the 6.17 change is netdev's "vxlan:
 * Support MC routing in the underlay" series (net-next, June 2025, first
 * in 6.17), and a 6.19-rc5 include/net/udp_tunnel.h declares both
 * functions with the flags argument.  Not yet mapped, reported by other
 * out-of-tree modules' compat layers but not checked against kernel
 * source here: ipv6_stub removed in 7.1 (ip6_dst_lookup_flow() called
 * directly), and setup_udp_tunnel_sock()/udp_tunnel_sock_release() taking
 * a struct sock in 7.2 (and 7.1.y stable).  DKMS still tries those
 * kernels (dkms.conf) and fails at compile time (docs/install.md).
 *
 * A name that a stable update backports would clash with its macro here;
 * every gate was checked against the newest Debian 6.1 headers, and such a
 * backport moves the gate to that sublevel.
 */
#ifndef KCPG_COMPAT_H
#define KCPG_COMPAT_H

#include <linux/version.h>

/* True when building against a kernel older than a.b.c. */
#define KCPG_KERNEL_BEFORE(a, b, c)	(KERNEL_VERSION(a, b, c) > LINUX_VERSION_CODE)

#if KCPG_KERNEL_BEFORE(6, 3, 0)
#define vm_flags_set(vma, flags)	((vma)->vm_flags |= (flags))
#define vm_flags_clear(vma, flags)	((vma)->vm_flags &= ~(flags))
#endif

#if KCPG_KERNEL_BEFORE(6, 10, 0)
#define kcpg_assign_str(dst, src)	__assign_str(dst, src)
#else
/* __string(dst, src) already recorded the source. */
#define kcpg_assign_str(dst, src)	__assign_str(dst)
#endif

#if KCPG_KERNEL_BEFORE(6, 13, 0)
#define hrtimer_setup(timer, fn, clock, mode)				\
	do {								\
		struct hrtimer *__kcpg_t = (timer);			\
									\
		hrtimer_init(__kcpg_t, (clock), (mode));		\
		__kcpg_t->function = (fn);				\
	} while (0)
#endif

/*
 * The IP control block flags exist only from 6.17 on; the transport passes
 * 0, which is what older kernels do.
 */
#if KCPG_KERNEL_BEFORE(6, 17, 0)
#define kcpg_udp_tunnel_xmit_skb(rt, sk, skb, src, dst, tos, ttl, df,	\
				 sport, dport, xnet, nocheck, ipcb_flags)	\
	udp_tunnel_xmit_skb(rt, sk, skb, src, dst, tos, ttl, df,		\
			    sport, dport, xnet, nocheck)
#define kcpg_udp_tunnel6_xmit_skb(dst, sk, skb, dev, saddr, daddr, prio,	\
				  ttl, label, sport, dport, nocheck,		\
				  ip6cb_flags)					\
	((void)udp_tunnel6_xmit_skb(dst, sk, skb, dev, saddr, daddr, prio,	\
				    ttl, label, sport, dport, nocheck))
#else
#define kcpg_udp_tunnel_xmit_skb	udp_tunnel_xmit_skb
#define kcpg_udp_tunnel6_xmit_skb	udp_tunnel6_xmit_skb
#endif

#endif /* KCPG_COMPAT_H */
