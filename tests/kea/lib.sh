# lib.sh - shared helpers for the tests that run real Kea servers.
# Sourced, not run. Every test: bounded in time, cleans up only what it
# started (processes by PID, namespaces by name), sends only to loopback or
# to addresses inside the namespaces it creates.
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0

: "${srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${builddir:=$srcdir}"
: "${FO_HOOK:=$builddir/hook/.libs/libdhcp_failover.so}"
: "${KEA_DHCP4:=$(command -v kea-dhcp4 || echo /usr/sbin/kea-dhcp4)}"

FO_PASS=0
FO_FAIL=0
FO_PIDS=""
FO_NETNS=""
FO_TMP=$(mktemp -d "${TMPDIR:-/tmp}/fo-test.XXXXXX")

fo_cleanup() {
	for pid in $FO_PIDS; do
		kill "$pid" 2>/dev/null && { sleep 0.2; kill -9 "$pid" 2>/dev/null; }
	done
	for ns in $FO_NETNS; do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$FO_TMP"
}
trap fo_cleanup EXIT
trap 'exit 130' INT TERM

fo_ok() { FO_PASS=$((FO_PASS + 1)); echo "ok $((FO_PASS + FO_FAIL)) - $*"; }
fo_not_ok() { FO_FAIL=$((FO_FAIL + 1)); echo "not ok $((FO_PASS + FO_FAIL)) - $*"; }
fo_check() { desc=$1; shift; if "$@"; then fo_ok "$desc"; else fo_not_ok "$desc"; fi; }

# The closing line the project's CI reads; exit status for automake.
fo_summary() {
	echo "$FO_PASS passed, $FO_FAIL failed"
	[ "$FO_FAIL" -eq 0 ]
}

fo_skip_unless_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "SKIP: $1 needs root (network namespaces)"
		exit 77
	fi
}

# fo_netns NAME: a new namespace with loopback up, removed at exit.
fo_netns() {
	ip netns add "$1" || return 1
	FO_NETNS="$FO_NETNS $1"
	ip -n "$1" link set lo up
}

# fo_netns_veth NAME IFACE ADDR/LEN: fo_netns NAME with a veth pair up in it,
# IFACE (its other end IFACE-p) holding ADDR/LEN: an interface and an address
# for a server that needs no client.
fo_netns_veth() {
	fo_netns "$1" || return 1
	ip -n "$1" link add "$2" type veth peer name "$2-p" || return 1
	ip -n "$1" addr add "$3" dev "$2"
	ip -n "$1" link set "$2" up
	ip -n "$1" link set "$2-p" up
}

# fo_wait_log FILE PATTERN SECONDS [SKIP]: wait until FILE has a line matching
# PATTERN (after its first SKIP lines: those a previous run of the process wrote).
# FILE is read first and once more when the time is up: a wait that tested the
# clock first never read it when the second changed between the two `date`s
# (2 of 500 one-second waits at load 12), and a line that was there was "not
# logged" (test-commands check 38, FAILOVER_RELFILE_REPLACES_PARAMETERS, with 1 s).
fo_wait_log() {
	end=$(($(date +%s) + $3))
	while :; do
		tail -n "+$((${4:-0} + 1))" "$1" 2>/dev/null | grep -q -E "$2" && return 0
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.1
	done
}

# fo_kea_env: the directories Kea writes its PID and lock files to.
fo_kea_env() {
	mkdir -p "$FO_TMP/run"
	export KEA_PIDFILE_DIR="$FO_TMP/run" KEA_LOCKFILE_DIR="$FO_TMP/run"
}

# Kea 2.6.3 and 3.0 restrict paths (2.2 ignores the variables below). Hooks
# load only from the hooks directory or KEA_HOOKS_PATH: the built hook and the
# Kea hooks a test loads are linked into $FO_TMP/hooks (fo_hook_link), the
# KEA_HOOKS_PATH of every Kea process a test starts; FO_HOOK names the link.
# Control sockets, lease files and log files only under /run/kea,
# /var/lib/kea and /var/log/kea, or the directories KEA_CONTROL_SOCKET_DIR,
# KEA_DHCP_DATA_DIR and KEA_LOG_FILE_DIR name: `env $(fo_kea_dirs DIR) kea-...`
# gives one process DIR for all three (mode 750: Kea 3.0 refuses a socket
# directory open to others).
mkdir -p "$FO_TMP/hooks"
export KEA_HOOKS_PATH="$FO_TMP/hooks"
# fo_hook_link LIBRARY: link LIBRARY into $FO_TMP/hooks; prints the link.
fo_hook_link() {
	ln -sf "$1" "$FO_TMP/hooks/$(basename "$1")" && echo "$FO_TMP/hooks/$(basename "$1")"
}
FO_HOOK=$(fo_hook_link "$FO_HOOK")
fo_kea_dirs() {
	mkdir -p "$1" && chmod 750 "$1" &&
	    echo "KEA_CONTROL_SOCKET_DIR=$1 KEA_DHCP_DATA_DIR=$1 KEA_LOG_FILE_DIR=$1"
}

# fo_instantiate EXAMPLE OUT [IFACE]: an example configuration with the built
# hook's path in place of @HOOKSDIR@/libdhcp_failover.so, listening on IFACE
# (default lo: `kea-dhcp4 -t` refuses interfaces that do not exist).
fo_instantiate() {
	sed -e "s|@HOOKSDIR@/libdhcp_failover.so|$FO_HOOK|g" "$1" |
	    jq --arg iface "${3:-lo}" '.Dhcp4["interfaces-config"].interfaces = [$iface]' >"$2"
}
