#!/bin/sh
# kea-root.sh RELEASE [COMMAND...] - build and test this checkout against the
# Kea of another Debian release, in a debootstrap tree (root).
#
#   tools/kea-root.sh trixie                    Kea 2.6: build, then the smoke set
#   tools/kea-root.sh sid 'make check'          Kea 3.0: build, then COMMAND in the build dir
#   tools/kea-root.sh sid shell                 an interactive shell in the tree
#   FO_ROOTS=/var/tmp/new tools/kea-root.sh trixie readme
#                                               the README's quick start as a user
#                                               runs it on a fresh machine
#
# The tree /var/lib/kea-failover/roots/RELEASE ($FO_ROOTS/RELEASE) is made with
# `debootstrap --variant=minbase` from the Debian mirror apt uses on this host
# (/etc/apt/sources.list*, $FO_MIRROR overrides) the first time and reused
# after; tools/quickstart.sh installs that release's packages in it (Kea,
# libyang, the build and test dependencies). For each run the tree is
# bind-mounted onto itself (`ip netns exec` needs its root to be a mount
# point), /proc, /sys, /dev and /run are mounted in it, this checkout is copied
# to /src/kea-failover inside, built in /src/build, and COMMAND runs there
# (default: tools/quickstart.sh smoke). Everything mounted is unmounted at exit,
# on failure too. One run per tree at a time (a lock). FO_FRESH=1: a clean copy
# and build.
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
release=${1:-}
[ -n "$release" ] || { echo "usage: $0 RELEASE [COMMAND...|shell]" >&2; exit 2; }
shift
[ "$(id -u)" = 0 ] || { echo "kea-root.sh: needs root (debootstrap, chroot, mounts)" >&2; exit 1; }
roots=${FO_ROOTS:-/var/lib/kea-failover/roots}
root=$roots/$release

# The mirror apt uses here: the first "deb URL" line or deb822 "URIs:" line
# that is not a security archive.
mirror() {
	[ -n "${FO_MIRROR:-}" ] && { echo "$FO_MIRROR"; return; }
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		sed -n -e 's/^deb \(\[[^]]*\] \)\{0,1\}\([a-z]*:[^ ]*\) .*/\2/p' -e 's/^URIs: *//p' "$f" |
		    tr ' ' '\n'
	done | grep -v -e security -e '^$' | head -1
}

# make_tree: debootstrap into RELEASE.tmp, then rename: a tree that exists is complete.
make_tree() {
	command -v debootstrap >/dev/null 2>&1 || {
		echo "== installing debootstrap"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
	}
	url=$(mirror)
	[ -n "$url" ] || { echo "kea-root.sh: no Debian mirror in /etc/apt/sources.list*" >&2; exit 1; }
	echo "== debootstrap $release from $url into $root (once; reused after)"
	rm -rf "$root.tmp"
	mkdir -p "$roots"
	debootstrap --variant=minbase "$release" "$root.tmp" "$url" >"$roots/$release.debootstrap.log" 2>&1 ||
	    { tail -20 "$roots/$release.debootstrap.log"; echo "kea-root.sh: debootstrap failed" >&2; exit 1; }
	# ISC dhcpd (the peer of tests/kea/test-isc-peer.sh) left Debian after
	# trixie: a newer release takes it, and only what it lacks, from trixie.
	case $release in bookworm|trixie) ;; *)
		echo "deb $url trixie main" >"$root.tmp/etc/apt/sources.list.d/kea-failover-trixie.list"
		printf 'Package: *\nPin: release n=trixie\nPin-Priority: 100\n' \
		    >"$root.tmp/etc/apt/preferences.d/kea-failover-trixie" ;;
	esac
	mv "$root.tmp" "$root"
}

MOUNTED=""
mnt() {   # mnt TARGET MOUNT-ARGS...: mount and remember, for the trap
	t=$1; shift
	mount "$@" "$t"
	MOUNTED="$t $MOUNTED"
}
unmount_all() {
	for t in $MOUNTED; do
		umount "$t" 2>/dev/null || umount -l "$t" 2>/dev/null || echo "kea-root.sh: cannot unmount $t" >&2
	done
	MOUNTED=""
}

# Made first: a redirection that fails on `exec` ends a POSIX shell at once,
# before any `||` (a fresh machine has no /var/lib/kea-failover).
mkdir -p "$roots"
exec 9>"$roots.$release.lock"
flock -w 3600 9 || { echo "kea-root.sh: $root is busy (another run holds $roots.$release.lock)" >&2; exit 1; }
[ -x "$root/bin/sh" ] || make_tree

trap 'st=$?; unmount_all; exit $st' EXIT
trap 'exit 130' INT TERM HUP
mnt "$root" --bind "$root"
mnt "$root/proc" -t proc proc
mnt "$root/sys" -t sysfs sysfs
mnt "$root/dev" --bind /dev
mnt "$root/dev/pts" -t devpts -o newinstance,ptmxmode=0666 devpts
mnt "$root/run" -t tmpfs -o mode=0755 tmpfs
mkdir -m 750 "$root/run/kea"   # what systemd's RuntimeDirectory= makes on a booted system
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
# A mirror that is a dated snapshot (as here) serves Release files past their
# Valid-Until: apt inside the tree accepts them (debootstrap did already).
echo 'Acquire::Check-Valid-Until "false";' >"$root/etc/apt/apt.conf.d/99kea-failover"

# The checkout: tracked and untracked-but-not-ignored files (a plain copy of
# the tree when this is not a git checkout).
# Unpacked beside the previous copy, then only the files whose content differs
# are copied over it, with this moment's time: what did not change is not
# rebuilt (and configure not regenerated), and what changed is rebuilt even
# when the build there is newer than the checkout's own times (a build of
# another checkout: keeping the checkout's times left it in place, and the
# tests ran the other checkout's library). FO_FRESH=1 starts from an empty copy.
echo "== copying $top to $root/src/kea-failover"
[ "${FO_FRESH:-0}" = 0 ] || rm -rf "$root/src/kea-failover" "$root/src/build"
mkdir -p "$root/src/kea-failover"
stage="$root/src/.kea-failover.new"
rm -rf "$stage" && mkdir -p "$stage"
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$top" && git ls-files -z --cached --others --exclude-standard |
	    xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
	    tar --null -T - -cf -) | tar -C "$stage" -xf -
else
	(cd "$top" && tar --exclude=./build --exclude='./build-*' -cf - .) | tar -C "$stage" -xf -
fi
(cd "$stage" && find . -type f) | while IFS= read -r f; do
	cmp -s "$stage/$f" "$root/src/kea-failover/$f" && continue
	mkdir -p "$(dirname "$root/src/kea-failover/$f")"
	rm -f "$root/src/kea-failover/$f"
	cp "$stage/$f" "$root/src/kea-failover/$f"
done
rm -rf "$stage"

in_root() { chroot "$root" /usr/bin/env -i HOME=/root TERM="${TERM:-dumb}" \
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
	FO_BUILD_DIR=/src/build ${CHAOS_SEED:+CHAOS_SEED=$CHAOS_SEED} "$@"; }

# No service starts inside the tree (the database servers' packages would
# start theirs; the tests start their own): Debian's policy-rc.d convention.
[ -e "$root/usr/sbin/policy-rc.d" ] || printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"

# readme: the README's first command as written, in the checkout, with nothing
# installed or built before it (a new FO_ROOTS makes the tree a fresh
# minimal Debian): it must install, build and run the main job by itself.
if [ "${1:-}" = readme ]; then
	in_root /bin/sh -c 'cd /src/kea-failover && exec tools/quickstart.sh demo'
	exit
fi

# Packages (quickstart installs the release's names), then the build.
in_root /bin/sh /src/kea-failover/tools/quickstart.sh install
kea=$(in_root dpkg-query -W -f='${Version}' kea-dev)
echo "== $release: Kea $kea"
if [ "${1:-}" = shell ]; then
	in_root /bin/bash -c 'cd /src/kea-failover && exec bash -i' </dev/tty >/dev/tty 2>&1 || true
	exit 0
fi
in_root /bin/sh /src/kea-failover/tools/quickstart.sh build
if [ $# -eq 0 ]; then
	in_root /bin/sh /src/kea-failover/tools/quickstart.sh smoke
else
	in_root /bin/sh -c 'cd /src/build && exec /bin/sh -c "$0"' "$*"
fi
