# kcpg: closed process groups in the kernel.
#
#   make            build kmod/kcpg.ko, the library and the tools
#   make deps       install every package the project needs (idempotent)
#   make check      every test: host units, simulator, fuzz smoke, VM kselftests
#   make demo       show a group of processes exchanging ordered messages (VM)
#
# The kernel version lives in scripts/kernel.env (one place).
include scripts/kernel.env

KDIR ?= /usr/src/linux-headers-$(KVER)
CACHE ?= /var/cache/kcpg
PREFIX ?= /usr/local
DESTDIR ?=
# Warnings are errors in this tree; DKMS builds against other kernels pass 0.
KCPG_WERROR ?= 1

export KVER KPKGVER
export KCPG_CACHE := $(CACHE)

SUBDIRS := ulib tools selftests/kcpg

.PHONY: all deps module modules ulib tools selftests check check-host check-vm \
	check-packaging check-newer-headers \
	check-debug check-debug-plant ci check-2vm check-sim demo sparse checkpatch install modules_install clean sim-long \
	fuzz-smoke bench dkms-install deb install-man

all: deps module ulib tools selftests

deps:
	@scripts/deps

module modules: deps
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 KCPG_WERROR=$(KCPG_WERROR) modules

ulib tools: deps
	@if [ -f $@/Makefile ]; then $(MAKE) -C $@; fi

selftests: ulib
	@if [ -f selftests/kcpg/Makefile ]; then $(MAKE) -C selftests/kcpg; fi

# Sparse over the module (C=2 checks every file, not only rebuilt ones).
sparse: deps
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 C=2 KCPG_WERROR=$(KCPG_WERROR) modules

checkpatch: deps
	@scripts/checkpatch

check: all
	@scripts/check

check-host: all
	@scripts/check host

check-vm: all
	@scripts/check vm

check-debug: all
	@scripts/check-debug

# The planted bugs (kmod/plant.c) must each be caught by the debug lane.
check-debug-plant: all
	@scripts/check-debug --planted

# make check, then make check-debug, in one summary line.
ci: all
	@scripts/check --with-debug

# The Debian packages end to end: built, checked, then installed with a real
# dpkg -i in the VM (scripts/check-packaging).  make check runs the host half.
check-packaging: all
	@scripts/check-packaging

# The module compiled against the newest kernel headers of Debian's
# backports suites (downloaded, not installed; needs the network).
check-newer-headers:
	@scripts/check-newer-headers

# Two VMs, two kernels, one cluster (slow: two emulated machines at once).
check-2vm: all
	@scripts/two-vm-test

# The deterministic simulator over 2,000+ seeds, mutations, replay, fuzz smoke
# (the same steps as in make check, without the rest).
check-sim: deps
	$(MAKE) -C selftests/sim check
	$(MAKE) -C selftests/sim fuzz-smoke

sim-long: deps
	$(MAKE) -C selftests/sim sim-long

fuzz-smoke: deps
	$(MAKE) -C selftests/sim fuzz-smoke

# kcpg against corosync 3.1.7 and TIPC groups in one VM boot (slow: about
# an hour under emulation); regenerates docs/benchmarks.{md,json,png}.
bench: all
	scripts/bench

demo: all tools/kcpg-demo
	scripts/vm-run -- tools/demo.sh

tools/kcpg-demo: tools/kcpg-demo.c ulib
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -Iinclude -o $@ $< \
		-Lulib -lcpg-kshim -Wl,-rpath,'$$ORIGIN/../ulib'


# Each directory's install target builds what it installs; no `deps` here, so
# installing on a production machine never pulls in the test VM's packages.
install: install-man
	@for d in $(SUBDIRS); do \
		if [ -f $$d/Makefile ]; then $(MAKE) -C $$d install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) || exit 1; fi; \
	done

# Manual pages (man/): kcpg(7), kcpg.conf(5), and section 3 for
# libcpg-kshim.  Corosync's libcpg-dev has pages of the same names in
# section 3, so ours go into section "3kcpg" (as OpenSSL's "3ssl"): both
# packages install side by side, "man 3kcpg cpg_join" picks ours and
# references to cpg_join(3) still find a page.
MANDIR ?= $(PREFIX)/share/man
install-man:
	@for s in 5 7; do \
		install -d $(DESTDIR)$(MANDIR)/man$$s && \
		install -m 0644 man/*.$$s $(DESTDIR)$(MANDIR)/man$$s/ || exit 1; \
	done
	@install -d $(DESTDIR)$(MANDIR)/man3 && for f in man/*.3; do \
		t=$(DESTDIR)$(MANDIR)/man3/$$(basename $$f .3).3kcpg; \
		sed '/^\.TH /s/^\(\.TH [^ ]*\) 3 /\1 3kcpg /' $$f >$$t && \
		chmod 0644 $$t || exit 1; \
	done

# The module's sources under $(DESTDIR)/usr/src/kcpg-VERSION for DKMS; on
# the live system (no DESTDIR) DKMS then builds and installs the module for
# the running kernel, and rebuilds it for every kernel installed later.
DKMS_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' dkms.conf)
DKMS_SRC = $(DESTDIR)/usr/src/kcpg-$(DKMS_VERSION)
dkms-install:
	rm -rf $(DKMS_SRC)
	install -d $(DKMS_SRC)/kmod/proto $(DKMS_SRC)/include/uapi/linux
	install -m 0644 Kbuild dkms.conf $(DKMS_SRC)/
	install -m 0644 kmod/Kbuild $(filter-out %.mod.c kmod/plant.c,$(wildcard kmod/*.[ch])) $(DKMS_SRC)/kmod/
	install -m 0644 $(wildcard kmod/proto/*.[ch]) $(DKMS_SRC)/kmod/proto/
	install -m 0644 include/uapi/linux/kcpg.h $(DKMS_SRC)/include/uapi/linux/
	@if [ -z "$(DESTDIR)" ]; then \
		set -x; \
		dkms remove kcpg/$(DKMS_VERSION) --all >/dev/null 2>&1 || true; \
		dkms add kcpg/$(DKMS_VERSION) && dkms install kcpg/$(DKMS_VERSION); \
	fi

# Debian packages (debian/), built from a copy of this tree's sources so its
# own build outputs stay as they are; the .debs land in build/deb/.
deb:
	rm -rf build/deb
	mkdir -p build/deb/src/kcpg-$(DKMS_VERSION)
	git ls-files -z --cached --others --exclude-standard | \
		tar --null -T - --ignore-failed-read -cf - 2>/dev/null | \
		tar -xf - -C build/deb/src/kcpg-$(DKMS_VERSION)
	cd build/deb/src/kcpg-$(DKMS_VERSION) && dpkg-buildpackage -us -uc -b
	mv build/deb/src/*.deb build/deb/

modules_install: module
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=extra modules_install

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	@for d in $(SUBDIRS) kmod/proto/test selftests/sim; do \
		if [ -f $$d/Makefile ]; then $(MAKE) -C $$d clean; fi; \
	done
	rm -rf .vm build
