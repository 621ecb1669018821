# The library's VM tests (owned with ulib/): kselftest-harness programs
# linked against libcpg-kshim, plus a -m32 build of the API test and a
# program built against the system's corosync headers and libcpg.so.4 that
# the runner points at our compat libcpg.so.4 (LD_LIBRARY_PATH).
ULIB := $(TOP)/ulib
ULIB_API_TESTS := test_api_basic test_api_dispatch test_api_order test_api_confchg \
	test_api_zcb test_api_slow test_api_fork
TEST_PROGS += $(ULIB_API_TESTS) test_api_basic_m32 test_compat_corosync

# kselftest_harness.h trips -Wextra's unused-parameter/sign-compare.
ULIB_TEST_CFLAGS = $(CFLAGS) -Wno-unused-parameter -Wno-sign-compare -pthread
ULIB_HELPERS := ulib_test.c ulib_test.h kcpg_harness.h

$(ULIB)/libcpg-kshim.so $(ULIB)/m32/libcpg-kshim.so:
	$(MAKE) -C $(ULIB)

$(ULIB_API_TESTS): %: %.c $(ULIB_HELPERS) $(ULIB)/libcpg-kshim.so
	$(CC) $(ULIB_TEST_CFLAGS) -o $@ $< ulib_test.c -L$(ULIB) -lcpg-kshim \
		-Wl,-rpath,'$$ORIGIN/../../ulib' $(LDLIBS)

test_api_basic_m32: test_api_basic.c $(ULIB_HELPERS) $(ULIB)/m32/libcpg-kshim.so
	$(CC) -m32 $(ULIB_TEST_CFLAGS) -o $@ $< ulib_test.c -L$(ULIB)/m32 -lcpg-kshim \
		-Wl,-rpath,'$$ORIGIN/../../ulib/m32' $(LDLIBS)

# Against /usr/include/corosync and the system's -lcpg (and cs_strerror's
# -lcorosync_common): none of our -I or -L paths.
test_compat_corosync: test_compat_corosync.c kcpg_harness.h
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -isystem $(KSFT) \
		-Wno-unused-parameter -Wno-sign-compare -pthread -o $@ $< \
		-lcpg -lcorosync_common $(LDLIBS)
