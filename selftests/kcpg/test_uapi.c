// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel <-> user contract of /dev/kcpg, exercised without the library:
 * setup, mmap rules, ring records, zero copy, ownership, and a bad-input
 * campaign in which every call must fail with an errno, never crash or hang.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <sys/resource.h>

#include <linux/kcpg.h>
#include "kcpg_harness.h"
#include "kh.h"

TEST(info_before_setup_and_setup_rules)
{
	struct kcpg_info info = {};
	struct kcpg_setup s = {};
	struct kcpg_join j = { .group = gname("g") };
	int fd = open("/dev/kcpg", O_RDWR | O_CLOEXEC);
	void *p;

	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ioctl(fd, KCPG_IOC_INFO, &info));
	EXPECT_EQ(KCPG_ABI_VERSION, info.abi_version);
	EXPECT_EQ(1, info.nodeid);
	EXPECT_GE(info.max_msg_size, 1u << 20);
	EXPECT_TRUE(info.features & KCPG_FEAT_ZCB);

	/* Nothing but INFO and SETUP before SETUP. */
	EXPECT_EQ(-1, ioctl(fd, KCPG_IOC_JOIN, &j));
	EXPECT_EQ(EBADFD, errno);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, KCPG_OFF_CTRL);
	EXPECT_EQ(MAP_FAILED, p);

	s.flags = 0x80;
	EXPECT_EQ(-1, ioctl(fd, KCPG_IOC_SETUP, &s));
	EXPECT_EQ(EINVAL, errno);
	s.flags = 0;
	s.reserved = 1;
	EXPECT_EQ(-1, ioctl(fd, KCPG_IOC_SETUP, &s));
	EXPECT_EQ(EINVAL, errno);
	s.reserved = 0;
	s.pool_size = info.max_pool_size + 4096;
	EXPECT_EQ(-1, ioctl(fd, KCPG_IOC_SETUP, &s));
	EXPECT_EQ(EINVAL, errno);
	s.pool_size = 100;	/* rounded up to a page */
	ASSERT_EQ(0, ioctl(fd, KCPG_IOC_SETUP, &s));
	EXPECT_EQ(4096, s.pool_size);
	EXPECT_GE(s.ring_size, 2 * info.max_msg_size);
	EXPECT_EQ(0, s.ring_size & (s.ring_size - 1));
	EXPECT_EQ(-1, ioctl(fd, KCPG_IOC_SETUP, &s));
	EXPECT_EQ(EBUSY, errno);
	close(fd);
}

TEST(mmap_rules)
{
	struct kh k;
	void *p;

	ASSERT_EQ(0, kh_open(&k, 0));
	/* Private mappings would copy on write: refused. */
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, k.fd, KCPG_OFF_CTRL);
	EXPECT_EQ(MAP_FAILED, p);
	/* The ring is read-only for user space, now and later. */
	p = mmap(NULL, k.setup.ring_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 k.fd, KCPG_OFF_RING);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(-1, mprotect(k.ring, 4096, PROT_READ | PROT_WRITE));
	/* Wrong sizes and offsets. */
	p = mmap(NULL, 8192, PROT_READ, MAP_SHARED, k.fd, KCPG_OFF_CTRL);
	EXPECT_EQ(MAP_FAILED, p);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, k.fd, 4096);
	EXPECT_EQ(MAP_FAILED, p);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, k.fd, KCPG_OFF_POOL);
	EXPECT_EQ(MAP_FAILED, p);
	/* The mapping may not grow. */
	p = mremap(k.ctrl, 4096, 8192, MREMAP_MAYMOVE);
	EXPECT_EQ(MAP_FAILED, p);
	kh_close(&k);
}

TEST(join_leave_records_and_errors)
{
	struct kcpg_join j = {};
	struct kcpg_rec_confchg *c;
	struct kcpg_address *a;
	struct kh k;

	ASSERT_EQ(0, kh_open(&k, 0));
	j.group.length = KCPG_NAME_MAX + 1;
	EXPECT_EQ(-1, ioctl(k.fd, KCPG_IOC_JOIN, &j));
	EXPECT_EQ(ENAMETOOLONG, errno);
	j.group = gname("g");
	j.reserved = 1;
	EXPECT_EQ(-1, ioctl(k.fd, KCPG_IOC_JOIN, &j));
	EXPECT_EQ(EINVAL, errno);

	EXPECT_EQ(-ENOENT, kh_leave(&k, "g"));
	EXPECT_EQ(-ENOENT, kh_send(&k, "x", 1));
	ASSERT_EQ(0, kh_join(&k, "g"));
	EXPECT_EQ(-EEXIST, kh_join(&k, "g"));
	EXPECT_EQ(-EEXIST, kh_join(&k, "other"));

	c = (void *)kh_next_type(&k, KCPG_REC_CONFCHG);
	ASSERT_NE(NULL, c);
	EXPECT_EQ(1, c->group.length);
	EXPECT_EQ(1, c->n_members);
	EXPECT_EQ(0, c->n_left);
	ASSERT_EQ(1, c->n_joined);
	a = (void *)(c + 1);
	EXPECT_EQ(1, a[0].nodeid);
	EXPECT_EQ((uint32_t)getpid(), a[0].pid);
	EXPECT_EQ(0, a[0].reason);
	EXPECT_EQ(KCPG_REC_CONFCHG, c->hdr.type);
	EXPECT_EQ(1, a[1].nodeid);	/* joined list */
	EXPECT_EQ(1, a[1].reason);	/* CPG_REASON_JOIN */

	ASSERT_EQ(0, kh_leave(&k, "g"));
	c = (void *)kh_next_type(&k, KCPG_REC_CONFCHG);
	ASSERT_NE(NULL, c);
	EXPECT_EQ(0, c->n_members);
	ASSERT_EQ(1, c->n_left);
	a = (void *)(c + 1);
	EXPECT_EQ(2, a[0].reason);	/* CPG_REASON_LEAVE */
	/* And the handle may join again (corosync cannot). */
	EXPECT_EQ(0, kh_join(&k, "g"));
	kh_close(&k);
}

TEST(messages_in_order_across_ring_wrap)
{
	struct kcpg_rec_msg *m;
	uint32_t i, n, got = 0;
	static uint8_t buf[70000];
	struct kh k;

	ASSERT_EQ(0, kh_open(&k, 0));
	ASSERT_EQ(0, kh_join(&k, "wrap"));
	/* Enough bytes to go round the ring several times. */
	n = 4 * k.setup.ring_size / sizeof(buf) + 3;
	for (i = 0; i < n; i++) {
		memset(buf, (int)i, sizeof(buf));
		memcpy(buf, &i, sizeof(i));
		ASSERT_EQ(0, kh_send(&k, buf, sizeof(buf) - (i % 13)));
		while ((m = (void *)kh_next(&k))) {
			if (m->hdr.type != KCPG_REC_MSG)
				continue;
			ASSERT_EQ(sizeof(buf) - (got % 13), m->data_len);
			ASSERT_EQ(0, memcmp(m + 1, &got, sizeof(got)));
			ASSERT_EQ((uint8_t)got,
				  ((uint8_t *)(m + 1))[m->data_len - 1]);
			EXPECT_EQ((uint32_t)getpid(), m->pid);
			EXPECT_EQ(KCPG_AGREED, m->guarantee);
			EXPECT_EQ(sizeof(*m) + m->data_len, m->hdr.len);
			got++;
		}
	}
	EXPECT_EQ(n, got);
	kh_close(&k);
}

TEST(mcast_bad_input)
{
	struct kcpg_iovec v[KCPG_IOV_MAX + 1] = {};
	struct kcpg_mcast m = {};
	struct kcpg_info info = {};
	char c = 'x';
	struct kh k;

	ASSERT_EQ(0, kh_open(&k, 0));
	ASSERT_EQ(0, ioctl(k.fd, KCPG_IOC_INFO, &info));
	ASSERT_EQ(0, kh_join(&k, "bad"));
	m.iov = (uintptr_t)v;
	v[0].base = (uintptr_t)&c;
	v[0].len = 1;
	m.iovcnt = 1;
	m.guarantee = 4;
	EXPECT_EQ(-1, ioctl(k.fd, KCPG_IOC_MCAST, &m));
	EXPECT_EQ(EINVAL, errno);
	m.guarantee = KCPG_SAFE;
	m.iovcnt = KCPG_IOV_MAX + 1;
	EXPECT_EQ(-1, ioctl(k.fd, KCPG_IOC_MCAST, &m));
	EXPECT_EQ(EINVAL, errno);
	m.iovcnt = 1;
	v[0].base = 16;		/* unmapped */
	EXPECT_EQ(-1, ioctl(k.fd, KCPG_IOC_MCAST, &m));
	EXPECT_EQ(EFAULT, errno);
	m.iov = 8;
	EXPECT_EQ(-1, ioctl(k.fd, KCPG_IOC_MCAST, &m));
	EXPECT_EQ(EFAULT, errno);
	m.iov = (uintptr_t)v;
	v[0].len = info.max_msg_size + 1;
	EXPECT_EQ(-1, ioctl(k.fd, KCPG_IOC_MCAST, &m));
	EXPECT_EQ(EMSGSIZE, errno);
	/* Lengths that overflow when summed. */
	v[0].len = ~0ULL;
	v[1].len = 2;
	m.iovcnt = 2;
	EXPECT_EQ(-1, ioctl(k.fd, KCPG_IOC_MCAST, &m));
	EXPECT_EQ(EMSGSIZE, errno);
	kh_close(&k);
}

TEST(zcb_zero_sender_copy_and_rewrite_after_send)
{
	struct kcpg_zcb_mcast z = { .guarantee = KCPG_AGREED };
	struct kcpg_copy_stats before, after;
	struct kcpg_rec_msg *m;
	struct kh k;
	size_t len = 256 * 1024;

	ASSERT_EQ(0, kh_open(&k, 0));
	ASSERT_GE(k.setup.pool_size, len + 4096);
	ASSERT_EQ(0, kh_join(&k, "zcb"));
	memset(k.pool + 4096, 'A', len);
	before = kh_stats(&k);
	z.offset = 4096;
	z.len = len;
	ASSERT_EQ(0, ioctl(k.fd, KCPG_IOC_ZCB_MCAST, &z));
	/* The caller may rewrite the buffer at once... */
	memset(k.pool + 4096, 'B', len);
	after = kh_stats(&k);
	EXPECT_EQ(before.sender_bytes, after.sender_bytes);
	EXPECT_EQ(before.zcb_sends + 1, after.zcb_sends);
	EXPECT_EQ(before.ring_bytes + len, after.ring_bytes);
	/* ...and receivers still get the bytes as they were. */
	m = (void *)kh_next_type(&k, KCPG_REC_MSG);
	ASSERT_NE(NULL, m);
	ASSERT_EQ(len, m->data_len);
	EXPECT_EQ('A', ((uint8_t *)(m + 1))[0]);
	EXPECT_EQ('A', ((uint8_t *)(m + 1))[len - 1]);

	/* Bounds of the pool. */
	z.offset = k.setup.pool_size - 10;
	z.len = 11;
	EXPECT_EQ(-1, ioctl(k.fd, KCPG_IOC_ZCB_MCAST, &z));
	EXPECT_EQ(EINVAL, errno);
	z.offset = ~0ULL - 5;
	z.len = 10;
	EXPECT_EQ(-1, ioctl(k.fd, KCPG_IOC_ZCB_MCAST, &z));
	EXPECT_EQ(EINVAL, errno);
	z.offset = 0;
	z.len = 1;
	z.reserved = 7;
	EXPECT_EQ(-1, ioctl(k.fd, KCPG_IOC_ZCB_MCAST, &z));
	EXPECT_EQ(EINVAL, errno);
	z.reserved = 0;
	z.guarantee = 9;
	EXPECT_EQ(-1, ioctl(k.fd, KCPG_IOC_ZCB_MCAST, &z));
	EXPECT_EQ(EINVAL, errno);
	kh_close(&k);
}

TEST(copy_path_counts_one_sender_copy)
{
	struct kcpg_copy_stats before, after;
	char buf[1000] = "hello";
	struct kh k;

	ASSERT_EQ(0, kh_open(&k, 0));
	ASSERT_EQ(0, kh_join(&k, "copies"));
	before = kh_stats(&k);
	ASSERT_EQ(0, kh_send(&k, buf, sizeof(buf)));
	after = kh_stats(&k);
	EXPECT_EQ(before.sender_bytes + sizeof(buf), after.sender_bytes);
	EXPECT_EQ(before.ring_bytes + sizeof(buf), after.ring_bytes);
	EXPECT_EQ(before.retained_bytes, after.retained_bytes);
	kh_close(&k);
}

TEST(other_process_gets_eperm)
{
	struct kcpg_info info;
	struct kh k;
	pid_t pid;
	int st;

	ASSERT_EQ(0, kh_open(&k, 0));
	ASSERT_EQ(0, kh_join(&k, "owner"));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		int bad = 0;
		void *p;

		if (ioctl(k.fd, KCPG_IOC_INFO, &info) != -1 || errno != EPERM)
			bad |= 1;
		if (kh_send(&k, "x", 1) != -EPERM)
			bad |= 2;
		p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, k.fd,
			 KCPG_OFF_CTRL);
		if (p != MAP_FAILED)
			bad |= 4;
		_exit(bad);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	/* The owner is unaffected. */
	EXPECT_EQ(0, kh_send(&k, "y", 1));
	kh_close(&k);
}

/*
 * A second member must be another process (one pid per group).  The child
 * runs @fn with its own handle joined to @group, tells the parent through
 * @to_parent when it is ready, then waits for the parent's word on
 * @to_child before it exits with @fn's result of the second phase.
 */
struct peer {
	pid_t pid;
	int to_parent[2];
	int to_child[2];
};

static int peer_wait(int fd)
{
	char c;

	return read(fd, &c, 1) == 1 ? 0 : -1;
}

static void peer_say(int fd)
{
	if (write(fd, "x", 1) != 1)
		_exit(98);
}

static int peer_start(struct peer *p, const char *group,
		      int (*phase1)(struct kh *k), int (*phase2)(struct kh *k))
{
	struct kh k;
	int rc;

	if (pipe(p->to_parent) || pipe(p->to_child))
		return -1;
	p->pid = fork();
	if (p->pid) {
		/* Only the child writes to_parent: EOF if it dies early. */
		close(p->to_parent[1]);
		close(p->to_child[0]);
		return p->pid < 0 ? -1 : 0;
	}
	close(p->to_parent[0]);
	close(p->to_child[1]);
	if (kh_open(&k, 0) || kh_join(&k, group))
		_exit(97);
	rc = phase1 ? phase1(&k) : 0;
	peer_say(p->to_parent[1]);
	if (rc)
		_exit(rc);
	if (peer_wait(p->to_child[0]))
		_exit(99);
	_exit(phase2 ? phase2(&k) : 0);
}

static int peer_finish(struct peer *p)
{
	int st;

	peer_say(p->to_child[1]);
	close(p->to_child[1]);
	close(p->to_parent[0]);
	if (waitpid(p->pid, &st, 0) != p->pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* Last confchg in @k's ring, or NULL. */
static struct kcpg_rec_confchg *last_confchg(struct kh *k)
{
	struct kcpg_rec_confchg *c = NULL, *r;

	while ((r = (void *)kh_next_type(k, KCPG_REC_CONFCHG)))
		c = r;
	return c;
}

static int liar_phase1(struct kh *k)
{
	if (kh_send(k, "x", 1))
		return 1;
	/* Consumer index past the producer. */
	k->ctrl->consumer = k->ctrl->producer + 64;
	if (ioctl(k->fd, KCPG_IOC_RING_KICK) != -1 || errno != EIO)
		return 2;
	if (kh_send(k, "x", 1) != -EIO)
		return 3;
	if (!(k->ctrl->kernel_flags & KCPG_CTRL_DEAD))
		return 4;
	return 0;
}

TEST(lying_consumer_breaks_only_that_handle)
{
	struct kcpg_rec_confchg *c;
	struct kcpg_address *a;
	struct peer p;
	struct kh w;

	ASSERT_EQ(0, kh_open(&w, 0));
	ASSERT_EQ(0, kh_join(&w, "liar"));
	ASSERT_EQ(0, peer_start(&p, "liar", liar_phase1, NULL));
	ASSERT_EQ(0, peer_wait(p.to_parent[0]));
	/* The liar is gone (PROCDOWN) while its process still lives. */
	c = last_confchg(&w);
	ASSERT_NE(NULL, c);
	EXPECT_EQ(1, c->n_members);
	ASSERT_EQ(1, c->n_left);
	a = (void *)(c + 1);
	EXPECT_EQ((uint32_t)p.pid, a[1].pid);
	EXPECT_EQ(5, a[1].reason);
	EXPECT_EQ(0, peer_finish(&p));
	/* The other member goes on. */
	EXPECT_EQ(0, kh_send(&w, "ok", 2));
	kh_close(&w);
}

/* The slow member: reads nothing until told, then checks its ring. */
static int slow_phase2(struct kh *k)
{
	struct kcpg_rec *r;
	int msgs = 0, expelled = 0;

	for (;;) {
		r = kh_next(k);
		if (!r) {
			if (!(k->ctrl->kernel_flags & KCPG_CTRL_BACKLOG))
				break;
			if (ioctl(k->fd, KCPG_IOC_RING_KICK))
				return 15;
			continue;
		}
		if (r->type == KCPG_REC_MSG) {
			if (expelled)
				return 10;	/* nothing after EXPELLED */
			msgs++;
		}
		if (r->type == KCPG_REC_EXPELLED)
			expelled = 1;
	}
	if (!expelled)
		return 11;
	if (!(k->ctrl->kernel_flags & KCPG_CTRL_DEAD))
		return 12;
	if (!msgs)
		return 13;
	if (kh_send(k, "x", 1) != -EIO)
		return 14;
	return 0;
}

TEST(slow_consumer_is_expelled_in_order)
{
	static uint8_t buf[512 * 1024];
	struct kcpg_rec_confchg *c = NULL;
	struct kcpg_address *a;
	struct kcpg_rec *r;
	struct peer p;
	struct kh fast;
	int i;

	ASSERT_EQ(0, kh_open(&fast, 0));
	ASSERT_EQ(0, kh_join(&fast, "slow"));
	ASSERT_EQ(0, peer_start(&p, "slow", NULL, slow_phase2));
	ASSERT_EQ(0, peer_wait(p.to_parent[0]));
	/* The slow member never reads; the sender is never blocked. */
	for (i = 0; i < 400 && !c; i++) {
		ASSERT_EQ(0, kh_send(&fast, buf, sizeof(buf)));
		while ((r = kh_next(&fast))) {
			if (r->type != KCPG_REC_CONFCHG)
				continue;
			a = (void *)((struct kcpg_rec_confchg *)r + 1);
			if (((struct kcpg_rec_confchg *)r)->n_left)
				c = (void *)r;
		}
	}
	ASSERT_NE(NULL, c);
	TH_LOG("slow member expelled after %d messages of 512 KiB", i);
	EXPECT_EQ(1, c->n_members);
	ASSERT_EQ(1, c->n_left);
	a = (void *)(c + 1);
	EXPECT_EQ((uint32_t)p.pid, a[1].pid);
	EXPECT_EQ(5, a[1].reason);
	/* It has its messages up to the expulsion, then EXPELLED. */
	EXPECT_EQ(0, peer_finish(&p));
	kh_close(&fast);
}

static void *closer(void *arg)
{
	close(*(int *)arg);
	return NULL;
}

TEST(concurrent_close_and_send)
{
	pthread_t t;
	int i;

	for (i = 0; i < 50; i++) {
		struct kh k;
		int fd, j;

		ASSERT_EQ(0, kh_open(&k, 0));
		ASSERT_EQ(0, kh_join(&k, "race"));
		fd = k.fd;
		pthread_create(&t, NULL, closer, &fd);
		for (j = 0; j < 20; j++)
			kh_send(&k, "r", 1);	/* may fail with EBADF */
		pthread_join(t, NULL);
		k.fd = -1;
		kh_close(&k);
	}
}

TEST(random_ioctls_get_errnos)
{
	uint8_t arg[4096];
	unsigned int i, nr, size, dir;
	unsigned long cmd;
	struct kh k;

	srandom(1234);
	memset(arg, 0, sizeof(arg));
	ASSERT_EQ(0, kh_open(&k, 0));
	ASSERT_EQ(0, kh_join(&k, "fuzz"));
	for (i = 0; i < 5000; i++) {
		nr = random() % 16;
		size = random() % 2 ? random() % 300 : random() % 16383;
		dir = random() % 4;
		cmd = _IOC(dir, KCPG_IOC_MAGIC, nr, size);
		for (unsigned int b = 0; b < 256; b++)
			arg[b] = random() % 4 ? 0 : random();
		/* Pointers in the structs are random too: EFAULT at worst. */
		if (nr == _IOC_NR(KCPG_IOC_SETUP) || nr == _IOC_NR(KCPG_IOC_RING_KICK))
			continue;
		ioctl(k.fd, cmd, random() % 8 ? (unsigned long)arg :
		      (unsigned long)random());
	}
	kh_close(&k);
	/* The node is still fine. */
	ASSERT_EQ(0, kh_open(&k, 0));
	EXPECT_EQ(0, kh_join(&k, "fuzz2"));
	EXPECT_EQ(0, kh_send(&k, "alive", 5));
	kh_close(&k);
}

TEST(memory_cap_per_user)
{
	struct kh *hs;
	int n = 0, i, max = 4096;
	struct kh k;

	hs = calloc(max, sizeof(*hs));
	ASSERT_NE(NULL, hs);
	for (n = 0; n < max; n++) {
		hs[n].fd = open("/dev/kcpg", O_RDWR | O_CLOEXEC);
		if (hs[n].fd < 0)
			break;
		hs[n].setup.pool_size = 64 << 20;
		if (ioctl(hs[n].fd, KCPG_IOC_SETUP, &hs[n].setup)) {
			EXPECT_EQ(ENOMEM, errno);
			close(hs[n].fd);
			break;
		}
	}
	TH_LOG("%d handles with 64 MiB pools before the cap", n);
	EXPECT_LT(n, max);
	EXPECT_GT(n, 0);
	/* The node keeps working for others meanwhile... */
	for (i = 0; i < n; i++)
		close(hs[i].fd);
	/* ...and after. */
	ASSERT_EQ(0, kh_open(&k, 0));
	EXPECT_EQ(0, kh_join(&k, "after-cap"));
	kh_close(&k);
	free(hs);
}

TEST_HARNESS_MAIN
