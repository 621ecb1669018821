// SPDX-License-Identifier: GPL-2.0
/*
 * kcpg: mmap() of a handle.
 *
 * Three areas at fixed offsets (uapi): the ring's control page (read-write),
 * the ring's data pages (read-only: the kernel is the only writer) and the
 * zero-copy pool (read-write).  Every mapping must be shared: a private
 * mapping would silently copy on write and the kernel would never see the
 * user's bytes.  Mappings are not inherited across fork (VM_DONTCOPY): the
 * handle belongs to its opener.
 */
#include <linux/mm.h>
#include <linux/fs.h>

#include "kcpg.h"

int kcpg_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct kcpg_handle *h = file->private_data;
	unsigned long off = vma->vm_pgoff << PAGE_SHIFT;
	unsigned long nr = vma_pages(vma);
	struct page **pages;
	unsigned int avail;
	unsigned long i;
	int ret;

	if (task_tgid(current) != h->owner)
		return -EPERM;
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	/* Pairs with the release in ioc_setup(). */
	if (!smp_load_acquire(&h->ready))
		return -EBADFD;

	switch (off) {
	case KCPG_OFF_CTRL:
		pages = &h->ring.ctrl_page;
		avail = 1;
		break;
	case KCPG_OFF_RING:
		if (vma->vm_flags & VM_WRITE)
			return -EPERM;
		vm_flags_clear(vma, VM_MAYWRITE);
		pages = h->ring.pages;
		avail = h->ring.nr_pages;
		break;
	case KCPG_OFF_POOL:
		pages = h->pool.pages;
		avail = h->pool.nr_pages;
		break;
	default:
		return -EINVAL;
	}
	if (!avail || nr != avail)
		return -EINVAL;

	vm_flags_set(vma, VM_DONTCOPY | VM_DONTEXPAND | VM_DONTDUMP);
	for (i = 0; i < nr; i++) {
		ret = vm_insert_page(vma, vma->vm_start + i * PAGE_SIZE,
				     pages[i]);
		if (ret)
			return ret;
	}
	return 0;
}
