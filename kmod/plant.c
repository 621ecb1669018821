// SPDX-License-Identifier: GPL-2.0
/*
 * kcpg: planted bugs, to show that the debug-kernel lane catches them.
 *
 * Test-only: this file is compiled only with `make module KCPG_PLANT=uaf`
 * or `KCPG_PLANT=lock_inversion` (kmod/Kbuild), which scripts/check-debug
 * --planted does; a normal build has neither the file nor the calls (the
 * hooks are empty inlines in kcpg.h).  Each hook is called from one place.
 */
#include <linux/mutex.h>

#include "kcpg.h"

#ifdef KCPG_PLANT_UAF
/*
 * Called by KCPG_IOC_MCAST right after it freed its copy of the payload:
 * reads the first byte of the freed buffer.  KASAN reports
 * "use-after-free" (the object sits in KASAN's quarantine).
 */
void kcpg_plant_uaf(const void *freed)
{
	pr_info("kcpg: planted use-after-free: read %u\n",
		READ_ONCE(*(const u8 *)freed));
}
#endif

#ifdef KCPG_PLANT_LOCK_INVERSION
/*
 * Called by KCPG_IOC_JOIN and KCPG_IOC_LEAVE with kn->lock held: takes
 * h->setup_lock inside kn->lock, while KCPG_IOC_SETUP takes kn->lock
 * inside h->setup_lock.  Two handles doing both at once could deadlock;
 * lockdep reports the inversion as soon as both orders were seen once.
 */
void kcpg_plant_lock_inversion(struct kcpg_handle *h)
{
	lockdep_assert_held(&h->kn->lock);
	mutex_lock(&h->setup_lock);
	mutex_unlock(&h->setup_lock);
}
#endif
