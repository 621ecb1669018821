# kcpg-bench for test_bench_smoke.sh: the tool's own Makefile builds it
# (tools/kcpg-bench/), this only makes sure `make check` has it.
BENCH_DIR := $(TOP)/tools/kcpg-bench
TEST_PROGS += $(BENCH_DIR)/kcpg-bench $(BENCH_DIR)/kcpg-bench-corosync $(BENCH_DIR)/tipc-bench

$(BENCH_DIR)/kcpg-bench $(BENCH_DIR)/kcpg-bench-corosync $(BENCH_DIR)/tipc-bench: bench-tool-always
	$(MAKE) -C $(BENCH_DIR)

.PHONY: bench-tool-always
bench-tool-always:
