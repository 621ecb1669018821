// SPDX-License-Identifier: GPL-2.0
/*
 * kcpg: memory shared with user space.
 *
 * Rings and pools are arrays of individually allocated pages: user space
 * maps them with vm_insert_page() and the kernel reads and writes them
 * through one vmap() each, so a message is always contiguous for both.
 */
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/slab.h>

#include "kcpg.h"

int kcpg_pages_alloc(struct page ***pagesp, unsigned int nr, void **vaddr)
{
	struct page **pages;
	unsigned int i;

	pages = kvcalloc(nr, sizeof(*pages), GFP_KERNEL_ACCOUNT);
	if (!pages)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		pages[i] = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
		if (!pages[i])
			goto fail;
	}
	*vaddr = vmap(pages, nr, VM_MAP, PAGE_KERNEL);
	if (!*vaddr)
		goto fail;
	*pagesp = pages;
	return 0;

fail:
	while (i--)
		__free_page(pages[i]);
	kvfree(pages);
	return -ENOMEM;
}

void kcpg_pages_free(struct page **pages, unsigned int nr, void *vaddr)
{
	unsigned int i;

	if (!pages)
		return;
	vunmap(vaddr);
	for (i = 0; i < nr; i++)
		__free_page(pages[i]);
	kvfree(pages);
}

int kcpg_pool_alloc(struct kcpg_pool *p, u32 size)
{
	int ret;

	if (!size)
		return 0;
	ret = kcpg_pages_alloc(&p->pages, size >> PAGE_SHIFT, &p->data);
	if (ret)
		return ret;
	p->nr_pages = size >> PAGE_SHIFT;
	p->size = size;
	return 0;
}

void kcpg_pool_free(struct kcpg_pool *p)
{
	kcpg_pages_free(p->pages, p->nr_pages, p->data);
	p->pages = NULL;
	p->data = NULL;
	p->nr_pages = 0;
	p->size = 0;
}
