# SPDX-License-Identifier: GPL-2.0
# Installing shared_map on a real system (included by the top Makefile).
# Every path can be overridden; debian/rules sets the Debian ones.
PREFIX ?= /usr/local
DESTDIR ?=
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib$(if $(MULTIARCH),/$(MULTIARCH))
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/shared_map
SYSCONFDIR ?= /etc
UNITDIR ?= $(PREFIX)/lib/systemd/system
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
UDEVRULESDIR ?= $(PREFIX)/lib/udev/rules.d
DKMSDIR ?= /usr/src/shared_map-$(VERSION)
# the store's directory: the unit's RequiresMountsFor= and tmpfiles.d entry
STOREDIR ?= /var/tmp/shared_map
MODPROBE ?= /sbin/modprobe

# Kernel sources of shared_map.ko alone: no examples, no bench modules.
DKMS_SRC := $(wildcard module/*.c module/*.h persist/*.c persist/*.h compat/*.h)

# the files under system/ with their paths filled in
define subst_paths
sed -e 's|@STOREDIR@|$(STOREDIR)|g' -e 's|@MODPROBE@|$(MODPROBE)|g' \
	-e 's|@VERSION@|$(VERSION)|g' $(1)
endef

install:
	$(MAKE) --no-print-directory -C tools install BUILD=$(BUILD) \
		PREFIX=$(PREFIX) LIBDIR=$(LIBDIR) DESTDIR=$(DESTDIR)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man4 $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(TMPFILESDIR) $(DESTDIR)$(UDEVRULESDIR) \
		$(DESTDIR)$(SYSCONFDIR)/modprobe.d
	install -m 755 $(BUILD)/bin/smap-log $(DESTDIR)$(BINDIR)/
	install -m 644 man/smap-log.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/shared_map.4 $(DESTDIR)$(MANDIR)/man4/
	$(call subst_paths,system/shared_map.service) \
		>$(DESTDIR)$(UNITDIR)/shared_map.service
	$(call subst_paths,system/tmpfiles.conf) \
		>$(DESTDIR)$(TMPFILESDIR)/shared_map.conf
	$(call subst_paths,system/modprobe.conf) \
		>$(DESTDIR)$(SYSCONFDIR)/modprobe.d/shared_map.conf
	install -m 644 udev/99-shared_map.rules $(DESTDIR)$(UDEVRULESDIR)/
	chmod 644 $(DESTDIR)$(UNITDIR)/shared_map.service \
		$(DESTDIR)$(TMPFILESDIR)/shared_map.conf \
		$(DESTDIR)$(SYSCONFDIR)/modprobe.d/shared_map.conf

# shared_map.ko for one exact kernel (KVER, default the running one)
modules_install: KVER := $(or $(KVER),$(shell uname -r))
modules_install: modules
	install -d $(DESTDIR)/lib/modules/$(KVER)/updates
	install -m 644 $(BUILD)/$(KVER)/mod/shared_map.ko \
		$(DESTDIR)/lib/modules/$(KVER)/updates/
	$(if $(DESTDIR),,depmod -a $(KVER))

# The DKMS source tree: every kernel source of shared_map.ko flat in one
# directory with module/Kbuild, the uapi headers and dkms.conf; DKMS runs
# `make -C /lib/modules/KVER/build M=<its copy>` for each kernel release.
dkms-src:
	rm -rf $(DESTDIR)$(DKMSDIR)
	install -d $(DESTDIR)$(DKMSDIR)/include/uapi/linux
	install -m 644 $(DKMS_SRC) module/Kbuild $(DESTDIR)$(DKMSDIR)/
	install -m 644 include/uapi/linux/shared_map.h \
		include/uapi/linux/shared_map_log.h \
		$(DESTDIR)$(DKMSDIR)/include/uapi/linux/
	echo $(VERSION) >$(DESTDIR)$(DKMSDIR)/VERSION
	$(call subst_paths,system/dkms.conf) >$(DESTDIR)$(DKMSDIR)/dkms.conf

dkms: dkms-src
	$(if $(DESTDIR),,dkms install shared_map/$(VERSION) $(if $(KVER),-k $(KVER)))

# Debian packages, built the ordinary way from a copy of the tree (so that
# dpkg-buildpackage's output, written to the parent directory, lands in
# build/deb/); lintian's findings go to build/deb/lintian.txt.
# DEB_VERSION=X builds version X instead of debian/changelog's (a changelog
# entry is added to the copy): tests/host/install.sh's upgrade from N to N+1.
DEB := $(BUILD)/deb
DEB_VERSION ?=
deb:
	rm -rf $(DEB)
	mkdir -p $(DEB)/src
	git ls-files -z -co --exclude-standard | xargs -0 cp --parents -t $(DEB)/src
	$(if $(DEB_VERSION),cd $(DEB)/src && { \
		printf '%s\n\n  * %s\n\n -- %s  %s\n\n' \
		"shared-map ($(DEB_VERSION)) bookworm; urgency=medium" \
		"Version $(DEB_VERSION) built by make deb DEB_VERSION=$(DEB_VERSION)." \
		"$$(sed -n 's/^ -- \(.*>\)  .*/\1/p' debian/changelog | head -n 1)" \
		"$$(date -R)"; cat debian/changelog; } >debian/changelog.new && \
		mv debian/changelog.new debian/changelog && echo $(DEB_VERSION) >VERSION)
	cd $(DEB)/src && dpkg-buildpackage -us -uc -b
	lintian --info $(DEB)/*.changes >$(DEB)/lintian.txt 2>&1 || true
	@ls $(DEB)/*.deb
	@echo "lintian: $$(grep -c '^[EWI]:' $(DEB)/lintian.txt) finding(s), see $(DEB)/lintian.txt"

check-install: all
	@KERNELS=6.12 SMAP_INSTALL_KERNELS=6.12 SMAP_HOST_TIMEOUT=$${SMAP_HOST_TIMEOUT:-5400} scripts/check tests/host/install.sh

check-install-6.1: all
	@KERNELS=6.1 SMAP_INSTALL_KERNELS=6.1 SMAP_HOST_TIMEOUT=$${SMAP_HOST_TIMEOUT:-5400} scripts/check tests/host/install.sh
