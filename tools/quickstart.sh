#!/bin/sh
# quickstart.sh - the README's two commands, on a fresh Debian bookworm (root).
#
#   tools/quickstart.sh demo   install, build, run the main job (tools/demo.sh)
#   tools/quickstart.sh test   install, build, run every test; ends with the summary
#
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${FO_BUILD_DIR:-$top/build}

# Debian packages the build, the tests and the demo need.
PACKAGES="build-essential autoconf automake libtool pkg-config \
	kea-dev kea-dhcp4-server kea-ctrl-agent kea-admin libboost-dev \
	libyang2-dev libyang2-tools check jq iproute2 busybox valgrind \
	python3 socat curl libssl-dev openssl tshark isc-dhcp-server"

install_packages() {
	missing=
	for p in $PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		    missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "== installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

configure_and_build() {
	echo "== building in $build"
	(cd "$top" && autoreconf -fi >/dev/null 2>&1) || { cd "$top" && autoreconf -fi; exit 1; }
	mkdir -p "$build"
	cd "$build"
	[ -f Makefile ] || "$top/configure" --prefix=/usr --sysconfdir=/etc --localstatedir=/var -q
	make -j"$(nproc)" >make.log 2>&1 || { tail -40 make.log; exit 1; }
}

# One line per Check suite and script test, then the total.
summary() {
	pass=0 fail=0
	echo "== test summary"
	for log in "$build"/tests/unit/check_*.log; do
		line=$(grep -E '^[0-9]+%: Checks: ' "$log" | tail -1)
		echo "$(basename "$log" .log): ${line:-no Check summary (crashed?)}"
		set -- $(echo "$line" | sed -E 's/.*Checks: ([0-9]+), Failures: ([0-9]+), Errors: ([0-9]+).*/\1 \2 \3/')
		if [ $# -eq 3 ]; then
			pass=$((pass + $1 - $2 - $3)); fail=$((fail + $2 + $3))
		else
			fail=$((fail + 1))
		fi
	done
	for log in "$build"/tests/*/*.log; do
		case $log in */tests/unit/check_*.log) continue ;; esac
		[ -f "$log" ] || continue
		line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
		echo "$(basename "$log" .log | sed 's/\.sh$//'): ${line:-no summary (crashed?)}"
		set -- $(echo "$line" | sed -E 's/^([0-9]+) passed, ([0-9]+) failed.*/\1 \2/')
		if [ $# -eq 2 ]; then
			pass=$((pass + $1)); fail=$((fail + $2))
		else
			fail=$((fail + 1))
		fi
	done
	echo "$(grep -E '^# (TOTAL|PASS|FAIL|ERROR|SKIP)' "$build/test-suite.log" 2>/dev/null | tr '\n' ' ')"
	echo "TOTAL: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}

run_tests() {
	cd "$build"
	echo "== make distcheck"
	if make distcheck >distcheck.log 2>&1; then
		echo "distcheck: ok ($(grep -o 'kea-failover-[0-9.]*\.tar\.gz' distcheck.log | head -1) ready)"
		rm -f kea-failover-*.tar.gz
	else
		tail -60 distcheck.log
		echo "distcheck: FAILED"
		dist_failed=1
	fi
	echo "== make check"
	make check >check.log 2>&1 || true
	grep -E '^(PASS|FAIL|XFAIL|XPASS|ERROR|SKIP):' check.log || true
	for log in $(grep -l -E '^(FAIL|ERROR)' "$build"/tests/*/*.trs 2>/dev/null); do
		echo "---- ${log%.trs}.log"; tail -40 "${log%.trs}.log"
	done
	summary || exit 1
	[ -z "${dist_failed:-}" ] || exit 1
}

case ${1:-} in
demo)
	install_packages
	configure_and_build
	exec "$top/tools/demo.sh" "$build"
	;;
test)
	install_packages
	configure_and_build
	run_tests
	;;
*)
	echo "usage: $0 demo|test" >&2
	exit 2
	;;
esac
