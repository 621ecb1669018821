# Fault injection against the handle life cycle (scripts/check-debug runs it
# with KCPG_FAULTINJECT=1 on the debug kernel; elsewhere it skips).
TEST_PROGS += test_faultinject

# kselftest_harness.h itself trips -Wextra's unused-parameter/sign-compare.
test_faultinject: test_faultinject.c $(TOP)/include/uapi/linux/kcpg.h
	$(CC) $(CFLAGS) -Wno-unused-parameter -Wno-sign-compare -o $@ $< $(LDLIBS)
