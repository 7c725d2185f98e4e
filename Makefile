# Installs syscall-counter like a system tool, or builds its Debian packages.
#   make                         build everything (the same as `npm run bootstrap`)
#   make install [PREFIX=/usr/local] [DESTDIR=]
#   make uninstall [PREFIX=/usr/local] [DESTDIR=]   removes exactly what install wrote
#   make deb [DEBDIR=dist/deb]   syscall-counter-agent_*.deb and syscall-counter_*.deb
# Installing does not build: run `make` (or `npm run bootstrap`) first.
PREFIX ?= /usr/local
DESTDIR ?=
DEBDIR ?= dist/deb
SYSTEMDDIR ?= $(PREFIX)/lib/systemd/system

BINDIR := $(PREFIX)/bin
SBINDIR := $(PREFIX)/sbin
LIBDIR := $(PREFIX)/lib/syscall-counter
UNITS := syscall-counter-agent.service syscall-counter-control-plane.service

# A systemd unit with this installation's paths in it.
define unit
	mkdir -p $(DESTDIR)$(SYSTEMDDIR)
	sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SBINDIR@|$(SBINDIR)|g' packaging/systemd/$(1).in >$(DESTDIR)$(SYSTEMDDIR)/$(1)
	chmod 0644 $(DESTDIR)$(SYSTEMDDIR)/$(1)
endef

.PHONY: all install install-agent install-node uninstall deb

all:
	bash tools/bootstrap.sh

install: install-agent install-node

install-agent:
	@test -x agent/syscall-counter-agent || { echo "make install: the agent is not built: run 'make' first" >&2; exit 1; }
	install -D -m 0755 agent/syscall-counter-agent $(DESTDIR)$(SBINDIR)/syscall-counter-agent
	$(call unit,syscall-counter-agent.service)

install-node:
	bash packaging/stage-node.sh $(DESTDIR)$(LIBDIR)
	install -D -m 0755 packaging/bin/syscall-counter $(DESTDIR)$(BINDIR)/syscall-counter
	install -D -m 0755 packaging/bin/syscall-counter-control-plane $(DESTDIR)$(BINDIR)/syscall-counter-control-plane
	$(call unit,syscall-counter-control-plane.service)

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/syscall-counter-agent
	rm -f $(DESTDIR)$(BINDIR)/syscall-counter $(DESTDIR)$(BINDIR)/syscall-counter-control-plane
	rm -rf $(DESTDIR)$(LIBDIR)
	for u in $(UNITS); do rm -f $(DESTDIR)$(SYSTEMDDIR)/$$u; done

deb:
	bash packaging/deb.sh $(DEBDIR)
