/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcpg: kernel compatibility layer.
 *
 * Force-included before every file of the module (kmod/Kbuild: -include),
 * so no logic file tests a kernel version.  The logic files are written
 * against the newest kernel API; each entry below maps one such API back to
 * the kernels that predate it, down to 6.1 (Debian 12), gated here and
 * nowhere else: by LINUX_VERSION_CODE, or by what the kernel's headers
 * declare where the release that changed an interface is not known.
 *
 * Only <linux/version.h> is included: the protocol core (kmod/proto/) is
 * built with the same flags and must stay free of kernel headers, so the
 * helpers are macros that name kernel types only where they are expanded.
 *
 * Known breaks between 6.1 and 7.3 and what this file does about them.
 * Each was checked in real kernel trees, Debian's packages of them:
 * linux-headers 6.1.192 (6.1.0-56, Debian 12), 6.12.95 (bookworm-backports),
 * 7.2.6 and linux-source 7.3.4 (trixie-backports).  Those show on
 * which side of each change a tree is; the release that made the change
 * (the number in the left column) is the kernel's history as reported, not
 * checked here: no tree between 6.12 and 7.2 could be had (the kernel's
 * git history is too large to fetch here).
 *
 *   6.3   vma->vm_flags became read-only; vm_flags_set()/vm_flags_clear()
 *         change it (absent in 6.1.192, in 6.12.95).  Mapped below for
 *         older kernels (kmod/mmap.c).
 *   6.4   class_create() lost its module argument (6.1.192: a macro taking
 *         the owner; 6.12.95: a function of the name alone).  Not used:
 *         /dev/kcpg is a misc device, which owns its class.
 *   6.5   ->sendpage() and kernel_sendpage() removed (in 6.1.192, absent
 *         in 6.12.95).  Not used: the transport sends skbs with
 *         udp_tunnel_xmit_skb() and udp_tunnel6_xmit_skb().
 *   6.8   strlcpy() removed (in 6.1.192, absent in 6.12.95).  Not used
 *         (strscpy() where needed).
 *   6.10  __assign_str() lost its source argument (two in 6.1.192, one in
 *         6.12.95).  Trace events use kcpg_assign_str(dst, src), below.
 *   6.12  no_llseek removed (in 6.1.192, absent in 6.12.95).  The handle
 *         leaves ->llseek NULL and opens with stream_open(), which clears
 *         FMODE_LSEEK: lseek() fails with ESPIPE on every version without
 *         any mapping (kmod/handle.c).
 *   6.13  hrtimer_setup() added; hrtimer_init() removed in 6.15 (6.12.95
 *   6.15  has only hrtimer_init(), 7.3.4 only hrtimer_setup()).  Mapped
 *         below for older kernels (kmod/timers.c).
 *   6.15  del_timer() removed (timer_delete() is in 6.2 and in 6.1.y
 *   6.16  stable), from_timer() renamed timer_container_of() (6.12.95 has
 *         del_timer() and from_timer(); 7.3.4 has neither, and has
 *         timer_container_of()).  Not used: the core's timers are
 *         hrtimers.  A timer_list added later calls timer_delete*() and
 *         gets a timer_container_of() mapping here.
 *   6.17  udp_tunnel_xmit_skb() and udp_tunnel6_xmit_skb() gained a last
 *         argument, flags for the IP control block (u16 ipcb_flags /
 *         ip6cb_flags), and udp_tunnel6_xmit_skb() returns void (6.12.95:
 *         the 6.1 argument lists, 7.2.6 and 7.3.4: the flags).  The
 *         transport calls kcpg_udp_tunnel_xmit_skb() and
 *         kcpg_udp_tunnel6_xmit_skb() with the new arguments (flags 0),
 *         below for both forms (kmod/send.c).
 *   7.x   ipv6_stub and <net/ipv6_stubs.h> removed (present in 6.12.95,
 *         absent in 7.2.6 and 7.3.4), and ip6_dst_lookup_flow() itself
 *         answers -EAFNOSUPPORT when IPv6 is disabled at boot (7.3.4
 *         net/ipv6/ip6_output.c), which is what the stub was for.  The
 *         transport calls kcpg_ip6_dst_lookup_flow(), below: the stub
 *         where the header exists (__has_include), the function where not.
 *   7.x   setup_udp_tunnel_sock() and udp_tunnel_sock_release() take the
 *         struct sock, not the struct socket (6.12.95: socket; 7.2.6 and
 *         7.3.4: sock, and 7.3.4's release frees sk->sk_socket).  The
 *         release that changed it, 7.1 or 7.2 (and a 7.1.y stable update,
 *         as others report), could not be checked, so the type of the
 *         kernel's own declaration picks the form, not a version number.
 *         The transport calls kcpg_setup_udp_tunnel_sock() and
 *         kcpg_udp_tunnel_sock_release() with the struct sock (kmod/socket.c).
 *
 * The module, built with W=1 against the 6.12.95 and 7.3.4 headers (see
 * docs/install.md), compiles and links with no warning; nothing else the
 * module calls (generic netlink, dst_cache, crypto AEAD, misc device,
 * vm_insert_page(), workqueues, tracepoints, routing) changed in a way that
 * breaks it up to 7.3.4.
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

/*
 * The file that declares the IPv6 route lookup the transport calls: it is
 * included as #include KCPG_IP6_LOOKUP_H, so the logic file names no
 * header that a kernel lacks.  (sparse 0.6.4 has no __has_include, and
 * checks the direct call, which every kernel declares.)
 */
#ifdef __has_include
#if __has_include("net/ipv6_stubs.h")
#define KCPG_HAVE_IPV6_STUB
#endif
#endif
#ifdef KCPG_HAVE_IPV6_STUB
#define KCPG_IP6_LOOKUP_H		"net/ipv6_stubs.h"
#define kcpg_ip6_dst_lookup_flow(net, sk, fl6, final_dst)		\
	(ipv6_stub->ipv6_dst_lookup_flow(net, sk, fl6, final_dst))
#else
#define KCPG_IP6_LOOKUP_H		"net/ipv6.h"
#define kcpg_ip6_dst_lookup_flow	ip6_dst_lookup_flow
#endif

/*
 * True when the kernel's udp_tunnel_sock_release() takes the struct sock.
 * The argument passed is the sock or its socket, whichever the kernel's
 * declaration takes: a wrong choice does not compile.
 */
#define KCPG_UDP_TUNNEL_TAKES_SK					\
	__builtin_types_compatible_p(typeof(udp_tunnel_sock_release),	\
				     void (struct sock *))
/* The sock, or its socket: what the kernel's calls take.  __kcpg_sk is set. */
#define KCPG_UDP_TUNNEL_SK						\
	__builtin_choose_expr(KCPG_UDP_TUNNEL_TAKES_SK, __kcpg_sk,	\
			      __kcpg_sk->sk_socket)
#define kcpg_setup_udp_tunnel_sock(ns, sk, cfg)				\
	do {								\
		struct sock *__kcpg_sk = (sk);				\
									\
		setup_udp_tunnel_sock(ns, KCPG_UDP_TUNNEL_SK, cfg);	\
	} while (0)
#define kcpg_udp_tunnel_sock_release(sk)				\
	do {								\
		struct sock *__kcpg_sk = (sk);				\
									\
		udp_tunnel_sock_release(KCPG_UDP_TUNNEL_SK);		\
	} while (0)

#endif /* KCPG_COMPAT_H */
