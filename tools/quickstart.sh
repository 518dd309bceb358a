#!/bin/sh
# quickstart.sh - the README's two commands, on a fresh Debian 12 (bookworm,
# Kea 2.2) or Debian 13 (trixie, Kea 2.6) machine; also used inside the trees
# of tools/kea-root.sh (sid: Kea 3.0). Root.
#
#   tools/quickstart.sh demo    install, build, run the main job (tools/demo.sh)
#   tools/quickstart.sh test    install, build, make distcheck (the whole suite),
#                               then, when tools/kea-root.sh can run (FO_OTHER_KEAS,
#                               default "trixie sid" minus this host's release), the
#                               smoke set on the other Keas; ends with the summary
#   tools/quickstart.sh install | build | smoke     the steps alone (smoke: the
#                               build, kea-dhcp4 -t of docs/examples, test-pair.sh,
#                               test-isc-peer.sh, and test-control.sh on Kea >= 3.0)
#
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${FO_BUILD_DIR:-$top/build}

# Debian packages the build, the tests and the demo need; where a name changed
# between releases, the first of "a|b" that this release's apt knows. The
# database servers are for tests/kea/test-pair-mysql.sh and -pgsql.sh, which
# start servers of their own (kea-admin runs `mysql`: mariadb-client-compat
# from MariaDB 11 on).
PACKAGES="build-essential autoconf automake libtool pkg-config \
	kea-dev kea-dhcp4-server kea-ctrl-agent kea-admin libboost-dev \
	libyang2-dev|libyang-dev libyang2-tools|libyang-tools|libyang3-tools check jq iproute2 busybox valgrind \
	python3 socat curl libssl-dev openssl tshark isc-dhcp-server e2fsprogs \
	mariadb-server mariadb-client-compat|mariadb-client postgresql"

# pick "a|b|c": the first alternative apt can install here.
pick() {
	for alt in $(echo "$1" | tr '|' ' '); do
		apt-cache policy "$alt" 2>/dev/null | grep -q 'Candidate: [0-9]' && { echo "$alt"; return; }
	done
	echo "${1%%|*}"
}

install_packages() {
	missing=
	updated=
	for p in $PACKAGES; do
		case $p in *'|'*)
			for alt in $(echo "$p" | tr '|' ' '); do
				dpkg-query -W -f='${Status}' "$alt" 2>/dev/null | grep -q 'install ok installed' &&
				    { p=$alt; break; }
			done ;;
		esac
		case $p in *'|'*)
			[ -n "$updated" ] || { apt-get update -qq; updated=1; }
			p=$(pick "$p") ;;
		esac
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		    missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "== installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	[ -n "$updated" ] || apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

configure_and_build() {
	echo "== building in $build"
	if [ ! -f "$top/configure" ] ||
	    [ -n "$(find "$top/configure.ac" "$top/Makefile.am" -newer "$top/configure" 2>/dev/null)" ]; then
		(cd "$top" && autoreconf -fi >/dev/null 2>&1) || { cd "$top" && autoreconf -fi; exit 1; }
	fi
	mkdir -p "$build"
	cd "$build"
	[ -f Makefile ] || "$top/configure" --prefix=/usr --sysconfdir=/etc --localstatedir=/var -q
	make -j"$(nproc)" >make.log 2>&1 || { tail -40 make.log; exit 1; }
}

# One line per Check suite and script test, then the total.
summary() {
	pass=${other_pass:-0} fail=${other_fail:-0}
	echo "== test summary"
	# Check suites: the engine's (tests/unit) and the shim's C++ ones (tests/hook).
	for log in "$build"/tests/unit/check_*.log "$build"/tests/hook/check_*.log; do
		[ -f "$log" ] || continue
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
		case $log in */tests/unit/check_*.log|*/tests/hook/check_*.log) continue ;; esac
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
	[ -z "${other_lines:-}" ] || printf '%s' "$other_lines"
	echo "TOTAL: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}

minutes() { echo "$(( ($(date +%s) - $1 + 30) / 60 )) min"; }

# run_check [TEST...]: make check (every test, or the ones named), the
# automake results, the end of each failed test's log. Only this run's logs
# stay for summary().
run_check() {
	cd "$build"
	rm -f tests/*/*.log tests/*/*.trs test-suite.log
	if [ $# -gt 0 ]; then
		make check TESTS="$*" >check.log 2>&1 || true
	else
		make check >check.log 2>&1 || true
	fi
	grep -E '^(PASS|FAIL|XFAIL|XPASS|ERROR|SKIP):' check.log || true
	for log in $(grep -l -E '^(FAIL|ERROR)' "$build"/tests/*/*.trs 2>/dev/null); do
		echo "---- ${log%.trs}.log"; tail -40 "${log%.trs}.log"
	done
}

# The smoke set for another Kea (tools/kea-root.sh runs it in a debootstrap
# tree): the libyang-facing unit suites and yanglint; kea-dhcp4 -t of every
# docs/examples configuration (and the bad ones refused with their YANG path);
# a pair reaching Normal with replication; ISC dhcpd 4.4 as the peer; the
# commands over the control sockets (on Kea >= 3.0 also kea-dhcp4's own HTTP
# socket).
SMOKE_TESTS="tests/unit/check_config tests/unit/check_json tests/yang/run-yanglint.sh \
	tests/kea/test-config-check.sh tests/kea/test-pair.sh tests/kea/test-isc-peer.sh \
	tests/kea/test-control.sh"

run_smoke() {
	t0=$(date +%s)
	echo "== smoke on Kea $(dpkg-query -W -f='${Version}' kea-dev 2>/dev/null || echo '?'):" $SMOKE_TESTS
	# shellcheck disable=SC2086
	run_check $SMOKE_TESTS
	summary_st=0
	summary || summary_st=1
	echo "smoke: $(minutes "$t0")"
	return $summary_st
}

# The smoke set on the other Debian releases' Keas (FO_OTHER_KEAS; default:
# of bookworm (2.2), trixie (2.6) and sid (3.0), the ones this host is not),
# each in its tools/kea-root.sh tree; results go into summary().
run_other_keas() {
	here=$(. /etc/os-release 2>/dev/null; echo "${VERSION_CODENAME:-}")
	other_pass=0 other_fail=0 other_lines=
	for r in ${FO_OTHER_KEAS-bookworm trixie sid}; do
		[ "$r" != "$here" ] || continue
		case $here in forky|sid) [ "$r" != sid ] || continue ;; esac
		t0=$(date +%s)
		echo "== smoke on $r (tools/kea-root.sh $r, output in $build/smoke-$r.log)"
		"$top/tools/kea-root.sh" "$r" >"$build/smoke-$r.log" 2>&1 || true
		kea=$(sed -n 's/^== .*: Kea //p' "$build/smoke-$r.log" | head -1)
		line=$(grep -E '^TOTAL: [0-9]+ passed, [0-9]+ failed' "$build/smoke-$r.log" | tail -1)
		set -- $(echo "$line" | sed -E 's/^TOTAL: ([0-9]+) passed, ([0-9]+) failed.*/\1 \2/')
		if [ $# -eq 2 ]; then
			other_pass=$((other_pass + $1)); other_fail=$((other_fail + $2))
			[ "$2" -eq 0 ] || grep -E '^(FAIL|ERROR):|^---- |^not ok' "$build/smoke-$r.log" | head -20
		else
			other_fail=$((other_fail + 1)); tail -30 "$build/smoke-$r.log"
			line="TOTAL: no summary (the tree, the build or the run failed)"
		fi
		other_lines="${other_lines}smoke on $r (Kea ${kea:-?}): ${line#TOTAL: } ($(minutes "$t0"))
"
		echo "smoke on $r: $(minutes "$t0")"
	done
}

run_tests() {
	cd "$build"
	t0=$(date +%s)
	echo "== make distcheck"
	if make distcheck >distcheck.log 2>&1; then
		echo "distcheck: ok ($(grep -o 'kea-failover-[0-9.]*\.tar\.gz' distcheck.log | head -1) ready), $(minutes "$t0")"
		rm -f kea-failover-*.tar.gz
	else
		tail -60 distcheck.log
		echo "distcheck: FAILED"
		dist_failed=1
	fi
	t0=$(date +%s)
	echo "== make check"
	run_check
	echo "make check: $(minutes "$t0")"
	run_other_keas
	summary || exit 1
	[ -z "${dist_failed:-}" ] || exit 1
}

case ${1:-} in
install)
	install_packages
	;;
build)
	configure_and_build
	;;
smoke)
	run_smoke
	;;
check)
	run_check
	summary
	;;
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
	echo "usage: $0 demo|test|install|build|smoke|check" >&2
	exit 2
	;;
esac
