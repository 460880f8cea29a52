# SPDX-License-Identifier: GPL-2.0
# shared_map: top-level build.
#   make               module for every kernel in KERNELS (and its test build,
#                      build/<kernel>/mod-test) + userspace tools
#   make W=1           same, with the kernel's extra warnings (must be silent)
#   make sparse        sparse over the module, every kernel
#   make check         build, then every test suite in a guest, every kernel
#   make check-debug   the whole suite on the debug kernel (KERNELS=debug;
#                      scripts/debug-kernel builds it first, once)
#   make check-debug-ci  the concurrency and error-path tests on it (CI)
#   make demo          the main journey in one guest boot
#   make bench         benchmarks (see bench/README.md)
#   make crash-exhaustive  the dm-log-writes crash test with a long workload
#   make fuzz [SECONDS=60] [SEED=S]   the fuzzer (tests/fuzz/) in a guest,
#                      every kernel; a new seed unless SEED is given
#   make modules KVER=6.12.117+deb12-cloud-amd64   one exact kernel release
#   make install       tools, library, headers, man pages, systemd unit,
#                      tmpfiles.d, udev rule, modprobe.d example
#                      (PREFIX=/usr/local, DESTDIR=; never the module)
#   make modules_install KVER=...   shared_map.ko alone into
#                      /lib/modules/KVER/updates (+ depmod)
#   make dkms          the module's source in /usr/src/shared_map-VERSION
#                      (dkms-src), then dkms install it for the running kernel
#   make deb           Debian packages (dpkg-buildpackage) into build/deb/
#   make check-install[-6.1]   tests/host/install.sh on 6.12 [6.1] (make
#                      check leaves it out: see tests/host/install.sh)

KERNELS ?= 6.1 6.12
# KVER: one exact kernel release (uname -r) to build for instead, as DKMS does
KVER ?=
W ?=
export KERNELS
VERSION ?= $(shell cat VERSION)

ROOT := $(CURDIR)
BUILD ?= $(ROOT)/build
# Kernel sources live in module/, persist/, compat/ and module/examples/;
# each kernel gets its own directory of symlinks so builds for two kernels
# never collide.
KSRC := $(wildcard module/*.c module/*.h persist/*.c persist/*.h compat/*.h \
	module/examples/*.c bench/kmod/*.c tests/fuzz/*.c tests/fuzz/*.h) \
	module/Kbuild
# The test build (mod-test/, -DSMAP_TESTING: shared_map.ko with test hooks
# such as compact_pause_ms, which the module users load does not have).
KSRC_TEST := $(wildcard module/*.c module/*.h persist/*.c persist/*.h compat/*.h) \
	module/Kbuild

.PHONY: all modules tools sparse check check-debug check-debug-ci crash-exhaustive fuzz demo bench clean FORCE \
	install modules_install dkms-src dkms deb check-install check-install-6.1

all: modules tools

modules: $(KSRC)
	@set -e; case " $(KERNELS) " in *" debug "*) scripts/debug-kernel ;; esac; \
	for kver in $(if $(KVER),$(KVER),$$(for k in $(KERNELS); do \
			scripts/kver $$k || echo "no-$$k"; done)); do \
		d=$(BUILD)/$$kver/mod; \
		mkdir -p $$d; \
		find $$d -maxdepth 1 -type l -delete; \
		for f in $(KSRC); do ln -sf $(ROOT)/$$f $$d/; done; \
		echo "  MODULES $$kver"; \
		$(MAKE) -s -C $$(scripts/kver --build $$kver) M=$$d SMAP_ROOT=$(ROOT) \
			SMAP_VERSION=$(VERSION) CONFIG_DEBUG_INFO_BTF_MODULES= \
			$(if $(W),W=$(W)) $(if $(C),C=$(C) CHECK="$(CHECK)") modules; \
		d=$(BUILD)/$$kver/mod-test; \
		mkdir -p $$d; \
		find $$d -maxdepth 1 -type l -delete; \
		for f in $(KSRC_TEST); do ln -sf $(ROOT)/$$f $$d/; done; \
		echo "  MODULES $$kver (test build)"; \
		$(MAKE) -s -C $$(scripts/kver --build $$kver) M=$$d SMAP_ROOT=$(ROOT) \
			SMAP_TESTING=1 CONFIG_DEBUG_INFO_BTF_MODULES= \
			$(if $(W),W=$(W)) $(if $(C),C=$(C) CHECK="$(CHECK)") modules; \
	done

# sparse over every module source, every kernel; any report fails the target
sparse:
	@$(MAKE) --no-print-directory modules C=2 CHECK=sparse 2>&1 | tee $(BUILD)/sparse.log
	@! grep -E 'warning:|error:' $(BUILD)/sparse.log

tools:
	@$(MAKE) --no-print-directory -s -C tools BUILD=$(BUILD)
	@$(MAKE) --no-print-directory -s -C tests BUILD=$(BUILD)
	@$(MAKE) --no-print-directory -s -C bench BUILD=$(BUILD)

check: all
	@scripts/check

# The debug kernel (scripts/debug-kernel: KASAN, lockdep, kmemleak, UBSAN,
# fault injection; built once, then cached): check-debug runs the whole
# suite on it, check-debug-ci the tests of concurrency and error paths that
# .ci/run gives it (stress, lost update, unload race, refused writes, I/O
# errors, torn tails, the allocation-failure sweep of every call, a minute of
# the fuzzer). The sweep of the module's load and replay (51-fail-nth-load,
# over a thousand fault sites, about 15 minutes here) is left to check-debug.
DEBUG_CI_TESTS := 12-stress 21-lost-update 33-unload-race 35-refused \
	io-error torn-tail 50-fail-nth 50-fuzz
check-debug:
	@$(MAKE) --no-print-directory KERNELS=debug all
	@KERNELS=debug scripts/check

check-debug-ci:
	@$(MAKE) --no-print-directory KERNELS=debug all
	@KERNELS=debug scripts/check $(DEBUG_CI_TESTS)

# recovery_tests/log-writes.sh with CRASH_POINTS=all: a longer workload, every
# flush, FUA and mark of its block trace checked (tens of minutes per kernel)
crash-exhaustive: all
	@CRASH_POINTS=all SMAP_HOST_TIMEOUT=$${SMAP_HOST_TIMEOUT:-14400} scripts/check recovery_tests/log-writes

# tests/fuzz/run: smap-fuzz in a guest per kernel (SECONDS, SEED)
fuzz: all
	@tests/fuzz/run $(or $(SECONDS),60) $(SEED)

demo: all
	@scripts/demo

bench: all
	@bench/run

include install.mk

clean:
	rm -rf $(BUILD)
	@$(MAKE) --no-print-directory -s -C tools clean BUILD=$(BUILD)
	@$(MAKE) --no-print-directory -s -C bench clean BUILD=$(BUILD)
