# Tests of the module's own contract (no library): native and 32-bit.
TEST_PROGS += test_uapi test_uapi_m32

test_uapi: test_uapi.c kh.h $(TOP)/include/uapi/linux/kcpg.h
	$(CC) $(CFLAGS) -o $@ $< $(LDLIBS)

test_uapi_m32: test_uapi.c kh.h $(TOP)/include/uapi/linux/kcpg.h
	$(CC) -m32 $(CFLAGS) -o $@ $< $(LDLIBS)

TEST_PROGS += test_trace
test_trace: test_trace.c kh.h $(TOP)/include/uapi/linux/kcpg.h
	$(CC) $(CFLAGS) -o $@ $< $(LDLIBS)
