# Host unit tests of libcpg-kshim (included by ../Makefile).
#
# They need no kernel module: the pure parts (allocator, ring parser, errno
# mapping, handle tables) are tested directly, and the library as a whole
# runs against a fake /dev/kcpg (fake_kernel.c) spliced in with ld --wrap.
# Both the 64-bit and the -m32 build are tested.  The ABI dump is compared
# with one built against the system's corosync headers.
TEST_CFLAGS = $(CFLAGS) $(WFLAGS) -Wno-missing-prototypes -pthread
UNIT_TESTS := test_zcb_pool test_ring_reader test_errors test_handle_table \
	test_fake_api test_fake_dispatch
FAKE_SRCS := tests/fake_kernel.c tests/fake_client.c tests/unit.c tests/fake_ring.c
FAKE_DEPS := $(FAKE_SRCS) tests/fake_kernel.h tests/fake_client.h tests/unit.h tests/fake_ring.h \
	uapi_layout.h
FAKE_WRAP := -Wl,--wrap=open,--wrap=open64,--wrap=mmap,--wrap=mmap64,--wrap=ioctl,--wrap=poll
SYSTEM_CPG_H := $(wildcard /usr/include/corosync/cpg.h)

# $(1): variant directory (. or m32), $(2): extra flags
define test_variant
$(1)/tests/bin:
	mkdir -p $$@

$(1)/tests/bin/%: tests/%.c tests/unit.c tests/fake_ring.c tests/unit.h tests/fake_ring.h \
		$(1)/libcpg-kshim.a | $(1)/tests/bin
	$$(CC) $$(CPPFLAGS) $$(TEST_CFLAGS) $(2) -o $$@ $$< tests/unit.c tests/fake_ring.c \
		$(1)/libcpg-kshim.a

$(1)/tests/bin/test_fake_%: tests/test_fake_%.c $(FAKE_DEPS) $(1)/libcpg-kshim.a | $(1)/tests/bin
	$$(CC) $$(CPPFLAGS) $$(TEST_CFLAGS) $(2) $(FAKE_WRAP) -o $$@ $$< $(FAKE_SRCS) \
		$(1)/libcpg-kshim.a

$(1)/tests/bin/abi_kcpg: tests/abi_dump.c $(1)/libcpg-kshim.a | $(1)/tests/bin
	$$(CC) $$(CPPFLAGS) $$(TEST_CFLAGS) $(2) -o $$@ $$< $(1)/libcpg-kshim.a

# The same program against /usr/include/corosync: no -I of ours.  It links
# against our static library only to resolve the API's symbols.
$(1)/tests/bin/abi_corosync: tests/abi_dump.c $(1)/libcpg-kshim.a | $(1)/tests/bin
	$$(CC) -D_GNU_SOURCE $$(TEST_CFLAGS) $(2) -o $$@ $$< $(1)/libcpg-kshim.a

$(1)-host-tests := $(UNIT_TESTS:%=$(1)/tests/bin/%) $(1)/tests/bin/abi_kcpg \
	$(if $(SYSTEM_CPG_H),$(1)/tests/bin/abi_corosync)
endef

$(eval $(call test_variant,.,))
ifeq ($(M32),yes)
$(eval $(call test_variant,m32,-m32))
endif

check: all $(foreach v,$(VARIANTS),$($(v)-host-tests))
	@tests/run-host-tests.sh \
		$(foreach v,$(VARIANTS),\
			$(UNIT_TESTS:%=$(v)/tests/bin/%) \
			"tests/abi_compare.sh $(v)/tests/bin/abi_kcpg $(v)/tests/bin/abi_corosync" \
			"tests/check_exports.sh $(v)")

tests-clean:
	rm -rf tests/bin m32/tests
