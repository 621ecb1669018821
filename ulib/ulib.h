/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Things every file of libcpg-kshim needs.  The library is built with
 * -fvisibility=hidden: only functions marked KCPG_EXPORT (the cpg.h API and
 * cs_strerror) are visible, and the version script puts them all under the
 * node COROSYNC_CPG_1.0 that corosync's libcpg.so.4 uses.
 */
#ifndef KCPG_ULIB_H
#define KCPG_ULIB_H

#define KCPG_EXPORT __attribute__((visibility("default")))

#endif
