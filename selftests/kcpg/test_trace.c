// SPDX-License-Identifier: GPL-2.0
/*
 * kcpg's tracepoints, seen through tracefs: a delivery, a confchg and a
 * drop with its reason.
 */
#include <stdio.h>
#include <stdlib.h>

#include "kcpg_harness.h"
#include "kh.h"

#define TRACEFS "/sys/kernel/tracing"

static int tracefs_write(const char *file, const char *val)
{
	char path[256];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), TRACEFS "/%s", file);
	f = fopen(path, "w");
	if (!f)
		return -1;
	ret = fputs(val, f) < 0 ? -1 : 0;
	return fclose(f) ? -1 : ret;
}

/* The whole trace buffer as one string (caller frees). */
static char *trace_read(void)
{
	size_t cap = 1 << 20, len = 0, n;
	char *buf = malloc(cap + 1);
	FILE *f = fopen(TRACEFS "/trace", "r");

	if (!buf || !f) {
		free(buf);
		if (f)
			fclose(f);
		return NULL;
	}
	while ((n = fread(buf + len, 1, cap - len, f)) > 0 && len < cap)
		len += n;
	buf[len] = 0;
	fclose(f);
	return buf;
}

TEST(deliver_confchg_and_drop_events)
{
	struct kh k;
	char *t;

	if (access(TRACEFS "/events/kcpg", F_OK))
		SKIP(return, "no tracefs or no kcpg events");
	ASSERT_EQ(0, tracefs_write("trace", ""));
	ASSERT_EQ(0, tracefs_write("events/kcpg/enable", "1"));
	ASSERT_EQ(0, tracefs_write("tracing_on", "1"));

	ASSERT_EQ(0, kh_open(&k, 0));
	ASSERT_EQ(0, kh_join(&k, "traced"));
	ASSERT_EQ(0, kh_send(&k, "hello", 5));
	/* A consumer index past the producer: a drop with its reason. */
	k.ctrl->consumer = k.ctrl->producer + 64;
	EXPECT_EQ(-1, ioctl(k.fd, KCPG_IOC_RING_KICK));
	kh_close(&k);

	ASSERT_EQ(0, tracefs_write("events/kcpg/enable", "0"));
	t = trace_read();
	ASSERT_NE(NULL, t);
	EXPECT_NE(NULL, strstr(t, "kcpg_confchg: "));
	EXPECT_NE(NULL, strstr(t, "kcpg_deliver: "));
	EXPECT_NE(NULL, strstr(t, "guarantee=2 len=5"));
	EXPECT_NE(NULL, strstr(t, "kcpg_drop: reason=bad_consumer"));
	if (_metadata->passed == 0 || !strstr(t, "kcpg_drop"))
		TH_LOG("trace:\n%.2000s", t);
	free(t);
}

TEST_HARNESS_MAIN
