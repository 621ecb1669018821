// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection against the kcpg handle life cycle (debug kernel only).
 *
 * The life cycle of one handle is
 *   open, SETUP, mmap (ctrl, ring, pool), JOIN, MCAST, ZCB_MCAST,
 *   MEMBERSHIP, ITERATE, LEAVE, close
 * with a peer process in the same group that reports what it receives.
 *
 * walk_*: for each step S, and for N = 1, 2, ...: run the steps before S
 * cleanly, make the N-th fault point inside S fail (fail-nth: every slab
 * and page allocation, user copy and kcpg's own ALLOW_ERROR_INJECTION
 * functions in this task count), then finish the life cycle cleanly.  The
 * walk ends at the first N that S completes without reaching.  After every
 * injected fault:
 *   - S either succeeded or failed with a plain errno (ENOMEM and friends);
 *   - a failed S, retried without faults, succeeds (the handle is usable),
 *     or the handle is cleanly dead (every ioctl fails with EIO);
 *   - a failed send delivered nothing: the next message the sender and the
 *     peer see is the retried one;
 *   - the rest of the life cycle works and delivers what it must.
 * Leaks are found by kmemleak (scripts/check-debug scans after this runs);
 * KASAN, lockdep and friends report on the console.
 *
 * failslab_random: failslab restricted to kcpg's own kmem caches plus
 * kcpg's own fault points (ALLOW_ERROR_INJECTION: the core's allocator,
 * the ring backlog, the transmit skb) at a probability, in every context,
 * under a stream of life cycles: errors are fine, a crash, a hang, a lost
 * or foreign message of a live handle is not.  How many faults fired is
 * counted (fault_attr "times") and must not be 0.  Afterwards a clean life
 * cycle must work.
 *
 * Only runs when KCPG_FAULTINJECT=1 (scripts/check-debug sets it; the
 * normal suite does not need the slow walk) and the kernel has fail-nth.
 */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <linux/kcpg.h>

#include "kselftest_harness.h"

#define DEV		"/dev/kcpg"
#define DBG		"/sys/kernel/debug"
#define MAX_N		5000	/* fault points per step before we call it a hang */
#define WAIT_MS		20000	/* delivery timeout (TCG + KASAN is slow) */
#define RING_WANT	(64 * 1024)
#define POOL_WANT	(64 * 1024)
#define GROUP		"kcpg-faultinject"

/* ---- fault injection knobs ------------------------------------------- */

static int write_file(const char *path, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int fd, n, ret = 0;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, n) != n)
		ret = -errno;
	close(fd);
	return ret;
}

static int dbg_set(const char *file, const char *val)
{
	char path[512];

	if (snprintf(path, sizeof(path), DBG "/%s", file) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	return write_file(path, "%s", val);
}

/* Names of kcpg's injectable functions (ALLOW_ERROR_INJECTION). */
static char inj_names[64][128];
static char inj_types[64][16];
static int n_inj;

/*
 * kcpg's injectable functions: the error-injection list names every
 * injectable function of the kernel and its modules; /proc/kallsyms tells
 * which are kcpg's.  Both files are read once (the list has ~900 entries,
 * kallsyms tens of thousands of lines: slow under TCG).
 */
static void find_injectables(void)
{
	static char syms[4096][128];
	char line[512], name[256], mod[128], type[16];
	int n_syms = 0, i;
	FILE *f;

	n_inj = 0;
	f = fopen("/proc/kallsyms", "re");
	if (!f)
		return;
	while (n_syms < 4096 && fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %*s %255s [%127[^]]]", name, mod) == 2 &&
		    !strcmp(mod, "kcpg") && strlen(name) < sizeof(syms[0]))
			strcpy(syms[n_syms++], name);
	fclose(f);
	f = fopen(DBG "/error_injection/list", "re");
	if (!f)
		return;
	while (n_inj < 64 && fgets(line, sizeof(line), f)) {
		/* "name\tTYPE"; a module's is "name [module]\tTYPE". */
		char *last;

		line[strcspn(line, "\n")] = 0;
		last = strrchr(line, '\t');
		if (!last || sscanf(line, "%127s", name) != 1)
			continue;
		snprintf(type, sizeof(type), "%s", last + 1);
		for (i = 0; i < n_syms; i++)
			if (!strcmp(syms[i], name))
				break;
		if (i == n_syms)
			continue;
		strcpy(inj_names[n_inj], name);
		strcpy(inj_types[n_inj], type);
		n_inj++;
	}
	fclose(f);
}

/*
 * Everything fail-nth can reach, at probability 0 so that only fail-nth
 * fires: no allocation is spared for being allowed to sleep or being
 * order 0, nothing is printed per injection (the console stays readable
 * and the report scan meaningful), and kcpg's own fault points are armed.
 */
static void faults_quiet_all(void)
{
	char path[512], val[32];
	int i;

	dbg_set("failslab/probability", "0");
	dbg_set("failslab/cache-filter", "N");
	dbg_set("failslab/ignore-gfp-wait", "N");
	dbg_set("failslab/verbose", "0");
	dbg_set("fail_page_alloc/probability", "0");
	dbg_set("fail_page_alloc/ignore-gfp-wait", "N");
	dbg_set("fail_page_alloc/ignore-gfp-highmem", "N");
	dbg_set("fail_page_alloc/min-order", "0");
	dbg_set("fail_page_alloc/verbose", "0");
	dbg_set("fail_usercopy/probability", "0");
	dbg_set("fail_usercopy/verbose", "0");
	dbg_set("fail_function/probability", "0");
	dbg_set("fail_function/verbose", "0");
	dbg_set("fail_function/inject", " ");	/* remove all */
	find_injectables();
	for (i = 0; i < n_inj; i++) {
		dbg_set("fail_function/inject", inj_names[i]);
		if (!strncmp(inj_types[i], "ERRNO", 5)) {
			snprintf(path, sizeof(path), "fail_function/%s/retval",
				 inj_names[i]);
			snprintf(val, sizeof(val), "%d", -ENOMEM);
			dbg_set(path, val);
		}
	}
}

/* Back to "nothing fails": safe to call at any time, also at exit. */
static char marked_caches[32][128];
static int n_marked;

static void faults_off(void)
{
	char path[512];
	int i;

	dbg_set("failslab/probability", "0");
	dbg_set("failslab/cache-filter", "N");
	dbg_set("fail_page_alloc/probability", "0");
	dbg_set("fail_usercopy/probability", "0");
	dbg_set("fail_function/probability", "0");
	dbg_set("failslab/times", "1");
	dbg_set("fail_function/times", "1");
	/* No kprobe of fail_function's left on kcpg (rmmod comes later). */
	dbg_set("fail_function/inject", " ");
	for (i = 0; i < n_marked; i++) {
		if (snprintf(path, sizeof(path), "/sys/kernel/slab/%s/failslab",
			     marked_caches[i]) < (int)sizeof(path))
			write_file(path, "0");
	}
	n_marked = 0;
}

/* fail-nth of the calling thread, opened once (open() allocates). */
static int nth_fd = -1;

static int nth_open(void)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/task/%ld/fail-nth",
		 (long)syscall(SYS_gettid));
	nth_fd = open(path, O_RDWR | O_CLOEXEC);
	return nth_fd;
}

static int nth_arm(unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	return pwrite(nth_fd, buf, len, 0) == len ? 0 : -1;
}

/*
 * Disarm and tell whether the fault fired.  Reading reports the count left
 * (0: injected); the read and the reset themselves are fault points while
 * a count is left, so a failing user copy there means "not injected yet".
 */
static bool nth_disarm(void)
{
	char buf[16];
	ssize_t r;
	bool injected;
	int i;

	r = pread(nth_fd, buf, sizeof(buf) - 1, 0);
	if (r > 0) {
		buf[r] = 0;
		injected = strtoul(buf, NULL, 10) == 0;
	} else {
		injected = false;	/* the copy-out itself was failed */
	}
	for (i = 0; i < 64; i++)
		if (pwrite(nth_fd, "0", 1, 0) == 1)
			break;
	return injected;
}

/* ---- a handle ---------------------------------------------------------- */

struct h {
	int fd;
	struct kcpg_setup su;
	struct kcpg_ring_ctrl *ctrl;
	uint8_t *ring;
	uint8_t *pool;
	uint64_t cons;
};

static void h_init(struct h *h)
{
	memset(h, 0, sizeof(*h));
	h->fd = -1;
}

/* Unmap and close: the release runs here, not at a later munmap. */
static int h_close(struct h *h)
{
	int r = 0;

	if (h->ctrl)
		munmap(h->ctrl, 4096);
	if (h->ring)
		munmap(h->ring, h->su.ring_size);
	if (h->pool)
		munmap(h->pool, h->su.pool_size);
	if (h->fd >= 0)
		r = close(h->fd);
	h_init(h);
	return r;
}

static void set_name(struct kcpg_name *n, const char *s)
{
	memset(n, 0, sizeof(*n));
	n->length = strlen(s);
	memcpy(n->value, s, n->length);
}

static int h_open(struct h *h)
{
	h->fd = open(DEV, O_RDWR | O_CLOEXEC);
	return h->fd < 0 ? -1 : 0;
}

static int h_setup(struct h *h)
{
	memset(&h->su, 0, sizeof(h->su));
	h->su.ring_size = RING_WANT;
	h->su.pool_size = POOL_WANT;
	return ioctl(h->fd, KCPG_IOC_SETUP, &h->su);
}

static int h_mmap(struct h *h)
{
	void *p;

	if (!h->ctrl) {
		p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
			 h->fd, KCPG_OFF_CTRL);
		if (p == MAP_FAILED)
			return -1;
		h->ctrl = p;
	}
	if (!h->ring) {
		p = mmap(NULL, h->su.ring_size, PROT_READ, MAP_SHARED, h->fd,
			 KCPG_OFF_RING);
		if (p == MAP_FAILED)
			return -1;
		h->ring = p;
	}
	if (!h->pool && h->su.pool_size) {
		p = mmap(NULL, h->su.pool_size, PROT_READ | PROT_WRITE,
			 MAP_SHARED, h->fd, KCPG_OFF_POOL);
		if (p == MAP_FAILED)
			return -1;
		h->pool = p;
	}
	return 0;
}

static int h_join(struct h *h, unsigned long cmd)
{
	struct kcpg_join j;

	memset(&j, 0, sizeof(j));
	set_name(&j.group, GROUP);
	return ioctl(h->fd, cmd, &j);
}

/* Two iovecs, so the kernel has to gather. */
static int h_mcast(struct h *h, const char *msg)
{
	size_t len = strlen(msg), half = len / 2;
	struct kcpg_iovec iov[2] = {
		{ .base = (uintptr_t)msg, .len = half },
		{ .base = (uintptr_t)msg + half, .len = len - half },
	};
	struct kcpg_mcast m = {
		.guarantee = KCPG_AGREED, .iovcnt = 2, .iov = (uintptr_t)iov,
	};

	return ioctl(h->fd, KCPG_IOC_MCAST, &m);
}

static int h_zcb(struct h *h, const char *msg)
{
	struct kcpg_zcb_mcast z = { .guarantee = KCPG_AGREED };
	size_t len = strlen(msg);

	memcpy(h->pool + 256, msg, len);
	z.offset = 256;
	z.len = len;
	return ioctl(h->fd, KCPG_IOC_ZCB_MCAST, &z);
}

static int h_membership(struct h *h, uint32_t *count, bool *self_in)
{
	struct kcpg_address a[16];
	struct kcpg_membership m;
	uint32_t i;
	int r;

	memset(&m, 0, sizeof(m));
	set_name(&m.group, GROUP);
	m.capacity = 16;
	m.members = (uintptr_t)a;
	r = ioctl(h->fd, KCPG_IOC_MEMBERSHIP, &m);
	if (r)
		return r;
	*count = m.count;
	*self_in = false;
	for (i = 0; i < m.count && i < 16; i++)
		if (a[i].pid == (uint32_t)getpid())
			*self_in = true;
	return 0;
}

static int h_iterate(struct h *h, uint32_t *count)
{
	struct kcpg_iter_entry e[16];
	struct kcpg_iterate it;
	int r;

	memset(&it, 0, sizeof(it));
	it.type = KCPG_ITER_ALL;
	it.capacity = 16;
	it.entries = (uintptr_t)e;
	r = ioctl(h->fd, KCPG_IOC_ITERATE, &it);
	if (!r)
		*count = it.count;
	return r;
}

static bool h_dead(struct h *h)
{
	struct kcpg_flow f;

	if (h->ctrl && (__atomic_load_n(&h->ctrl->kernel_flags,
					__ATOMIC_ACQUIRE) & KCPG_CTRL_DEAD))
		return true;
	return ioctl(h->fd, KCPG_IOC_FLOW, &f) < 0 && errno == EIO;
}

/*
 * Next record of the ring, waiting up to WAIT_MS; NULL on timeout.  The
 * record stays valid until h_consume().
 */
static struct kcpg_rec *h_next(struct h *h, int wait_ms)
{
	uint32_t mask = h->su.ring_size - 1;
	struct pollfd pfd = { .fd = h->fd, .events = POLLIN };
	struct kcpg_rec *rec;
	uint64_t prod;

	for (;;) {
		prod = __atomic_load_n(&h->ctrl->producer, __ATOMIC_ACQUIRE);
		if (prod != h->cons) {
			rec = (struct kcpg_rec *)(h->ring + (h->cons & mask));
			if (rec->type != KCPG_REC_PAD)
				return rec;
			h->cons += h->su.ring_size - (h->cons & mask);
			__atomic_store_n(&h->ctrl->consumer, h->cons,
					 __ATOMIC_RELEASE);
			continue;
		}
		if (__atomic_load_n(&h->ctrl->kernel_flags, __ATOMIC_ACQUIRE) &
		    KCPG_CTRL_BACKLOG) {
			ioctl(h->fd, KCPG_IOC_RING_KICK);
			continue;
		}
		if (poll(&pfd, 1, wait_ms) <= 0)
			return NULL;
		if (pfd.revents & (POLLERR | POLLHUP | POLLNVAL) &&
		    !(pfd.revents & POLLIN))
			return NULL;
	}
}

static void h_consume(struct h *h, struct kcpg_rec *rec)
{
	h->cons += KCPG_REC_SPAN(rec->len);
	__atomic_store_n(&h->ctrl->consumer, h->cons, __ATOMIC_RELEASE);
}

/*
 * Wait for the next message on h, skipping membership records; 0 when it
 * carries exactly msg, -1 on timeout or expulsion, 1 on another payload.
 */
static int h_expect_msg(struct h *h, const char *msg, char *got, size_t gotsz)
{
	struct kcpg_rec *rec;
	struct kcpg_rec_msg *m;
	size_t len = strlen(msg);
	int r;

	got[0] = 0;
	for (;;) {
		rec = h_next(h, WAIT_MS);
		if (!rec || rec->type == KCPG_REC_EXPELLED)
			return -1;
		if (rec->type != KCPG_REC_MSG) {
			h_consume(h, rec);
			continue;
		}
		m = (struct kcpg_rec_msg *)rec;
		snprintf(got, gotsz, "%.*s",
			 (int)(m->data_len < gotsz ? m->data_len : gotsz - 1),
			 (char *)(m + 1));
		r = m->data_len == len && !memcmp(m + 1, msg, len) ? 0 : 1;
		h_consume(h, rec);
		return r;
	}
}

/* ---- the peer: another process in the group, reporting to a pipe ----- */

/* Reports: 'M' len payload for a message, 'C' n_members for a confchg. */
struct peer {
	pid_t pid;
	int rfd;
};

static void peer_main(int wfd, int readyfd)
{
	struct kcpg_rec *rec;
	struct h h;
	uint32_t len;
	char c;

	h_init(&h);
	if (h_open(&h) || h_setup(&h) || h_mmap(&h) ||
	    h_join(&h, KCPG_IOC_JOIN))
		_exit(1);
	c = 1;
	if (write(readyfd, &c, 1) != 1)
		_exit(1);
	for (;;) {
		rec = h_next(&h, -1);
		if (!rec || rec->type == KCPG_REC_EXPELLED)
			_exit(2);
		if (rec->type == KCPG_REC_MSG) {
			struct kcpg_rec_msg *m = (void *)rec;

			c = 'M';
			len = m->data_len;
			if (write(wfd, &c, 1) != 1 ||
			    write(wfd, &len, 4) != 4 ||
			    write(wfd, m + 1, len) != (ssize_t)len)
				_exit(3);
		} else if (rec->type == KCPG_REC_CONFCHG) {
			struct kcpg_rec_confchg *cc = (void *)rec;

			c = 'C';
			len = cc->n_members;
			if (write(wfd, &c, 1) != 1 || write(wfd, &len, 4) != 4)
				_exit(3);
		}
		h_consume(&h, rec);
	}
}

static int peer_start(struct peer *p)
{
	int data[2], ready[2];
	char c;

	if (pipe2(data, O_CLOEXEC) || pipe2(ready, O_CLOEXEC))
		return -1;
	p->pid = fork();
	if (p->pid < 0)
		return -1;
	if (p->pid == 0) {
		close(data[0]);
		close(ready[0]);
		peer_main(data[1], ready[1]);
	}
	close(data[1]);
	close(ready[1]);
	p->rfd = data[0];
	if (read(ready[0], &c, 1) != 1) {
		close(ready[0]);
		return -1;
	}
	close(ready[0]);
	return 0;
}

static void peer_stop(struct peer *p)
{
	if (p->pid > 0) {
		kill(p->pid, SIGKILL);
		waitpid(p->pid, NULL, 0);
		close(p->rfd);
	}
	p->pid = 0;
}

static int read_full(int fd, void *buf, size_t len)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint8_t *b = buf;
	ssize_t r;

	while (len) {
		if (poll(&pfd, 1, WAIT_MS) <= 0)
			return -1;
		r = read(fd, b, len);
		if (r <= 0)
			return -1;
		b += r;
		len -= r;
	}
	return 0;
}

/*
 * The next report of type want: 'M' (payload into buf) or 'C' with
 * want_members members.  Other reports are skipped (confchgs of earlier
 * handles that died arrive late), so a missing one costs a timeout.
 */
static int peer_next(struct peer *p, char want, char *buf, size_t bufsz,
		     uint32_t want_members)
{
	char c, dummy[1024];
	uint32_t len;

	for (;;) {
		if (read_full(p->rfd, &c, 1) || read_full(p->rfd, &len, 4))
			return -1;
		if (c == 'M') {
			char *dst = want == 'M' ? buf : dummy;
			size_t cap = want == 'M' ? bufsz - 1 : sizeof(dummy);

			if (len > cap || read_full(p->rfd, dst, len))
				return -1;
			if (want == 'M') {
				buf[len] = 0;
				return 0;
			}
		} else if (want == 'C' && len == want_members) {
			return 0;
		}
	}
}

/* ---- one life cycle with a fault in one step --------------------------- */

enum step {
	S_OPEN, S_SETUP, S_MMAP, S_JOIN, S_MCAST, S_ZCB, S_MEMBERSHIP,
	S_ITERATE, S_LEAVE, S_CLOSE, S_COUNT
};

static const char *const step_name[S_COUNT] = {
	"open", "setup", "mmap", "join", "mcast", "zcb_mcast", "membership",
	"iterate", "leave", "close",
};

/* What an injected fault may turn into. */
static bool clean_errno(int e)
{
	switch (e) {
	case ENOMEM: case ENOBUFS: case EFAULT: case EAGAIN: case EIO:
	case EINTR: case ENOSPC: case EINVAL:
		return true;
	}
	return false;
}

struct walk_stats {
	unsigned int injected, absorbed, recovered, dead;
};

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		snprintf(why, whysz, __VA_ARGS__);			\
		goto out;						\
	}								\
} while (0)

/*
 * Step @i of the life cycle on @h; @msg is what MCAST and ZCB_MCAST send,
 * MEMBERSHIP and ITERATE report into @cnt (and @self_in).  Returns the
 * call's result, errno set on failure.  The first try and the retry after
 * an injected fault both run it.
 */
static int run_step(struct h *h, enum step i, const char *msg, uint32_t *cnt,
		    bool *self_in)
{
	switch (i) {
	case S_OPEN: return h_open(h);
	case S_SETUP: return h_setup(h);
	case S_MMAP: return h_mmap(h);
	case S_JOIN: return h_join(h, KCPG_IOC_JOIN);
	case S_MCAST: return h_mcast(h, msg);
	case S_ZCB: return h_zcb(h, msg);
	case S_MEMBERSHIP: return h_membership(h, cnt, self_in);
	case S_ITERATE: return h_iterate(h, cnt);
	case S_LEAVE: return h_join(h, KCPG_IOC_LEAVE);
	case S_CLOSE: return h_close(h);
	default: return 0;
	}
}

/*
 * Run the life cycle with fail-nth armed at n around step s (n == 0: no
 * fault).  Returns 1 if the fault fired, 0 if step s finished without
 * reaching it, -1 on a broken guarantee (reason in why).
 */
static int lifecycle(struct peer *p, enum step s, unsigned int n,
		     struct walk_stats *st, char *why, size_t whysz)
{
	char msg[96], msg2[96], got[128];
	bool injected = false, self_in = false;
	uint32_t cnt = 0;
	struct h h;
	int r = 0, e = 0, ret = -1;
	enum step i;

	h_init(&h);
	why[0] = 0;
	for (i = S_OPEN; i < S_COUNT; i++) {
		bool armed = i == s && n;
		/* This step's own retry: a fault at an earlier step does not
		 * change which message this step must deliver. */
		bool retried = false;

		snprintf(msg, sizeof(msg), "%s-%u-first", step_name[i], n);
		snprintf(msg2, sizeof(msg2), "%s-%u-retry", step_name[i], n);
		if (i == S_ZCB && !h.pool)
			continue;
		if (armed && nth_arm(n)) {
			snprintf(why, whysz, "cannot arm fail-nth: %m");
			goto out;
		}
		errno = 0;
		r = run_step(&h, i, msg, &cnt, &self_in);
		e = errno;
		if (armed) {
			injected = nth_disarm();
			if (injected)
				st->injected++;
		}
		if (r && !armed) {
			snprintf(why, whysz, "%s (no fault) failed: %s",
				 step_name[i], strerror(e));
			goto out;
		}
		if (r && !injected) {
			snprintf(why, whysz, "%s failed (%s) but no fault fired",
				 step_name[i], strerror(e));
			goto out;
		}
		if (r) {
			/* The injected fault became an error: a clean one? */
			CHECK(clean_errno(e), "%s: injected fault gave errno %d (%s)",
			      step_name[i], e, strerror(e));
			if (i == S_CLOSE)
				break;	/* the fd is gone either way */
			if (i != S_OPEN && h_dead(&h)) {
				/* Cleanly dead: every ioctl says EIO. */
				CHECK(h_join(&h, KCPG_IOC_JOIN) < 0 &&
				      errno == EIO,
				      "%s: handle claims dead, JOIN says %s",
				      step_name[i], strerror(errno));
				st->dead++;
				ret = 1;
				goto out;
			}
			/* Usable: the same step, retried, must work. */
			r = run_step(&h, i, msg2, &cnt, &self_in);
			CHECK(!r, "%s failed (%s) after an injected fault and "
			      "again on retry (%s) without the handle being dead",
			      step_name[i], strerror(e), strerror(errno));
			st->recovered++;
			retried = true;
		} else if (injected) {
			st->absorbed++;
		}

		/* The step worked: check that it did what it should. */
		switch (i) {
		case S_JOIN:
			CHECK(!peer_next(p, 'C', NULL, 0, 2),
			      "after join the peer saw no confchg with 2 members");
			break;
		case S_MCAST:
		case S_ZCB: {
			/* A failed first try must have delivered nothing. */
			const char *want = retried ? msg2 : msg;
			CHECK(!h_expect_msg(&h, want, got, sizeof(got)),
			      "%s: sender got '%s', want '%s'", step_name[i],
			      got, want);
			CHECK(!peer_next(p, 'M', got, sizeof(got), 0) &&
			      !strcmp(got, want),
			      "%s: peer got '%s', want '%s'", step_name[i], got,
			      want);
			break;
		}
		case S_MEMBERSHIP:
			CHECK(cnt == 2 && self_in,
			      "membership: %u members, self %s", cnt,
			      self_in ? "in" : "missing");
			break;
		case S_ITERATE:
			CHECK(cnt >= 2, "iterate: %u entries, want >= 2", cnt);
			break;
		case S_LEAVE:
			CHECK(!peer_next(p, 'C', NULL, 0, 1),
			      "after leave the peer saw no confchg with 1 member");
			break;
		default:
			break;
		}
	}
	ret = injected ? 1 : 0;
out:
	if (ret < 0 && !why[0])
		snprintf(why, whysz, "unknown failure");
	h_close(&h);
	return ret;
}

/* ---- fixture ----------------------------------------------------------- */

FIXTURE(fi) {
	struct peer peer;
	bool skip;	/* 6.1's harness runs the test after a SKIP in setup */
};

FIXTURE_SETUP(fi)
{
	struct kcpg_info info;
	int fd;

	memset(&self->peer, 0, sizeof(self->peer));
	self->skip = true;
	if (!getenv("KCPG_FAULTINJECT") || strcmp(getenv("KCPG_FAULTINJECT"), "1"))
		SKIP(return, "fault injection runs in 'make check-debug' "
		     "(KCPG_FAULTINJECT=1)");
	if (access("/proc/self/fail-nth", F_OK))
		SKIP(return, "kernel without fault injection (not the debug kernel)");
	ASSERT_EQ(0, access(DBG "/failslab/ignore-gfp-wait", W_OK)) {
		TH_LOG("debugfs fault-injection knobs missing: is debugfs mounted?");
	}
	fd = open(DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("open " DEV ": %s", strerror(errno));
	memset(&info, 0, sizeof(info));
	if (ioctl(fd, KCPG_IOC_INFO, &info) && errno == ENOTTY) {
		close(fd);
		SKIP(return, "kcpg.ko has no ioctls yet");
	}
	close(fd);
	self->skip = false;
	faults_quiet_all();
	ASSERT_LE(0, nth_open()) TH_LOG("fail-nth: %s", strerror(errno));
	ASSERT_EQ(0, peer_start(&self->peer)) TH_LOG("peer did not start");
}

FIXTURE_TEARDOWN(fi)
{
	faults_off();
	peer_stop(&self->peer);
	if (nth_fd >= 0)
		close(nth_fd);
	nth_fd = -1;
}

/* fail-nth itself works here: otherwise every walk would pass vacuously. */
TEST_F_TIMEOUT(fi, fail_nth_works, 300)
{
	int fd;

	if (self->skip)
		return;
	ASSERT_EQ(0, nth_arm(1));
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ASSERT_TRUE(nth_disarm()) TH_LOG("fail-nth=1 did not fire in open()");
	ASSERT_EQ(-1, fd);
	ASSERT_TRUE(errno == ENOMEM || errno == EFAULT)
		TH_LOG("open() under fail-nth=1: %s", strerror(errno));
	TH_LOG("kcpg fault points of its own: %d", n_inj);
}

static void walk(struct __test_metadata *_metadata, struct peer *p,
		 enum step s)
{
	struct walk_stats st = { 0 };
	char why[256];
	unsigned int n;
	int r;

	/* A clean run first: the walk means nothing if that fails. */
	r = lifecycle(p, s, 0, &st, why, sizeof(why));
	ASSERT_EQ(0, r) TH_LOG("clean life cycle: %s", why);
	for (n = 1; n <= MAX_N; n++) {
		r = lifecycle(p, s, n, &st, why, sizeof(why));
		ASSERT_LE(0, r) TH_LOG("%s, fault #%u: %s", step_name[s], n, why);
		if (r == 0)
			break;
	}
	ASSERT_GE(MAX_N, n) TH_LOG("%s: still faulting after %u points",
				   step_name[s], MAX_N);
	ksft_print_msg("%s: %u fault points: %u errors recovered, %u absorbed, "
		       "%u handles cleanly dead\n", step_name[s], st.injected,
		       st.recovered, st.absorbed, st.dead);
	fflush(stdout);	/* the harness ends a test with _exit() */
	/* And the peer is still there and well. */
	r = lifecycle(p, S_CLOSE, 0, &st, why, sizeof(why));
	ASSERT_EQ(0, r) TH_LOG("clean life cycle after the walk: %s", why);
}

#define WALK(step, stepname) \
	TEST_F_TIMEOUT(fi, walk_##stepname, 1200)			\
	{								\
		if (!self->skip)					\
			walk(_metadata, &self->peer, step);		\
	}

WALK(S_OPEN, open)
WALK(S_SETUP, setup)
WALK(S_MMAP, mmap)
WALK(S_JOIN, join)
WALK(S_MCAST, mcast)
WALK(S_ZCB, zcb_mcast)
WALK(S_MEMBERSHIP, membership)
WALK(S_ITERATE, iterate)
WALK(S_LEAVE, leave)
WALK(S_CLOSE, close)

/* ---- random failures at kcpg's caches and fault points, every context -- */

static int mark_kcpg_caches(void)
{
	char path[512];
	struct dirent *d;
	DIR *dir = opendir("/sys/kernel/slab");

	if (!dir)
		return 0;
	while ((d = readdir(dir)) && n_marked < 32) {
		if (strncmp(d->d_name, "kcpg", 4))
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/failslab",
			 d->d_name);
		if (strlen(d->d_name) >= sizeof(marked_caches[0]))
			continue;
		if (write_file(path, "1") == 0)
			strcpy(marked_caches[n_marked++], d->d_name);
	}
	closedir(dir);
	return n_marked;
}

/* A fault_attr's debugfs number ("times"); LONG_MIN when unreadable. */
static long dbg_get(const char *file)
{
	char path[512], buf[32];
	ssize_t r;
	int fd;

	snprintf(path, sizeof(path), DBG "/%s", file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return LONG_MIN;
	r = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (r <= 0)
		return LONG_MIN;
	buf[r] = 0;
	return strtol(buf, NULL, 10);
}

/*
 * "times" counts down by one at every injection (unless it is -1): started
 * far above what a run can use, what it lost is how many fired.
 */
#define TIMES_START	1000000000L
#define TIMES_START_S	"1000000000"

static long fired(const char *times)
{
	long left = dbg_get(times);

	return left == LONG_MIN ? -1 : TIMES_START - left;
}

/* The random faults, on for the life cycle and off for the check after. */
static void random_faults(bool on)
{
	dbg_set("failslab/probability", on ? "20" : "0");
	dbg_set("fail_function/probability", on ? "10" : "0");
}

/*
 * Messages per cycle, read only after the last send.  Every other one is a
 * copy send of a fifth of the ring (a ring takes at least two of the
 * largest messages, so that is under the size limit); six of them overflow
 * the ring, and the rest of the deliveries go to the backlog.  The others
 * are small zero-copy sends from the pool.
 */
#define R_MSGS		12
#define R_SMALL		1500

/* Message @k of cycle @round, into @buf (NUL-terminated). */
static void r_msg(char *buf, size_t len, unsigned int round, int k)
{
	memset(buf, 'a' + k % 26, len);
	buf[len] = 0;
	snprintf(buf, len, "random-%u-%d-", round, k);
	buf[strlen(buf)] = 'x';	/* the snprintf()'s NUL */
}

static size_t r_len(const struct h *h, int k)
{
	return k & 1 ? R_SMALL : h->su.ring_size / 5;
}

/*
 * One life cycle under random faults, then the check with faults off.
 * Sends are not read until all are done, so the ring fills and deliveries
 * go to the backlog (kcpg_backlog_alloc()).  Any call may fail with a
 * clean errno; a failed send must deliver nothing and leave the handle
 * usable, or the handle is dead.  Then, faults off, one more send (it also
 * lets the core retry anything it postponed for want of memory), and the
 * handle's own messages must come back: every successful send in order,
 * intact, and nothing else; a dead (expelled) handle gets a prefix of them.
 * Returns -1 only on a broken guarantee.
 */
static int tolerant_cycle(unsigned int round, char *buf, char *why,
			  size_t whysz)
{
	int k, r, n_sent = 0, ret = -1, sent_k[R_MSGS + 1];
	char got[128];
	struct h h;

	h_init(&h);
	random_faults(true);
	if (h_open(&h) || h_setup(&h) || h_mmap(&h) ||
	    h_join(&h, KCPG_IOC_JOIN)) {
		/* An error is fine, a clean one: the handle goes. */
		if (clean_errno(errno))
			ret = 0;
		else
			snprintf(why, whysz, "set-up gave errno %d (%s)",
				 errno, strerror(errno));
		goto out;
	}
	for (k = 0; k < R_MSGS; k++) {
		r_msg(buf, r_len(&h, k), round, k);
		r = (k & 1) && h.pool ? h_zcb(&h, buf) : h_mcast(&h, buf);
		if (!r) {
			sent_k[n_sent++] = k;
			continue;
		}
		if (!clean_errno(errno)) {
			snprintf(why, whysz, "send gave errno %d (%s)", errno,
				 strerror(errno));
			goto out;
		}
		if (h_dead(&h))
			break;
	}
	random_faults(false);
	if (!h_dead(&h)) {
		r_msg(buf, R_SMALL, round, R_MSGS);
		if (h_mcast(&h, buf)) {
			if (!h_dead(&h)) {
				snprintf(why, whysz, "live handle, no faults: "
					 "send failed: %s", strerror(errno));
				goto out;
			}
		} else {
			sent_k[n_sent++] = R_MSGS;
		}
	}
	for (k = 0; k < n_sent; k++) {
		r_msg(buf, sent_k[k] == R_MSGS ? R_SMALL : r_len(&h, sent_k[k]),
		      round, sent_k[k]);
		r = h_expect_msg(&h, buf, got, sizeof(got));
		if (r > 0) {
			snprintf(why, whysz, "message %d of %d: got '%.40s'",
				 k, n_sent, got);
			goto out;
		}
		if (r < 0 && !h_dead(&h)) {
			snprintf(why, whysz, "live handle: message %d of %d "
				 "never came", k, n_sent);
			goto out;
		}
		if (r < 0)
			break;	/* expelled: what came was a prefix */
	}
	h_join(&h, KCPG_IOC_LEAVE);
	ret = 0;
out:
	random_faults(false);
	h_close(&h);
	return ret;
}

TEST_F_TIMEOUT(fi, failslab_random, 1200)
{
	long slab_fired, fn_fired;
	struct walk_stats st = { 0 };
	char why[256], *buf;
	unsigned int round;
	int caches, r;

	if (self->skip)
		return;
	/* Room for the largest message: a fifth of the largest ring. */
	buf = malloc((1 << 20) + 1);
	ASSERT_NE(NULL, buf);
	/* The peer's handle must not be the victim here. */
	peer_stop(&self->peer);
	caches = mark_kcpg_caches();
	ASSERT_LT(0, caches + n_inj)
		TH_LOG("kcpg has no kmem caches and no fault points of its own");
	ksft_print_msg("random faults: %d kcpg caches, %d kcpg fault points\n",
		       caches, n_inj);
	for (r = 0; r < n_inj; r++)
		ksft_print_msg("  fault point %s (%s)\n", inj_names[r],
			       inj_types[r]);
	fflush(stdout);
	ASSERT_EQ(0, dbg_set("failslab/cache-filter", "Y"));
	ASSERT_EQ(0, dbg_set("failslab/ignore-gfp-wait", "N"));
	ASSERT_EQ(0, dbg_set("failslab/interval", "1"));
	ASSERT_EQ(0, dbg_set("failslab/times", TIMES_START_S));
	ASSERT_EQ(0, dbg_set("fail_function/interval", "1"));
	ASSERT_EQ(0, dbg_set("fail_function/times", TIMES_START_S));
	for (round = 0; round < 100; round++) {
		r = tolerant_cycle(round, buf, why, sizeof(why));
		if (r) {
			faults_off();
			ASSERT_EQ(0, r) TH_LOG("round %u: %s", round, why);
		}
	}
	slab_fired = fired("failslab/times");
	fn_fired = fired("fail_function/times");
	faults_off();
	free(buf);
	ksft_print_msg("random faults fired: %ld in kcpg caches, %ld at kcpg "
		       "fault points\n", slab_fired, fn_fired);
	fflush(stdout);	/* the harness ends a test with _exit() */
	/* Otherwise the rounds above proved nothing. */
	ASSERT_LE(0, slab_fired);
	ASSERT_LE(0, fn_fired);
	ASSERT_LT(0, slab_fired + fn_fired);
	/* Nothing is wedged: a clean life cycle with a fresh peer works. */
	ASSERT_EQ(0, peer_start(&self->peer));
	r = lifecycle(&self->peer, S_CLOSE, 0, &st, why, sizeof(why));
	ASSERT_EQ(0, r) TH_LOG("clean life cycle after random faults: %s", why);
}

/* Whatever happens to the tests, leave the kernel with nothing armed. */
static void __attribute__((constructor)) restore_at_exit(void)
{
	atexit(faults_off);
}

TEST_HARNESS_MAIN
