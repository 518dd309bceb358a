#!/bin/sh
# bench_dora.sh - what the failover hook costs kea-dhcp4 in DORA throughput.
#
# The topology of the integration tests (tests/kea/scenario.sh): kea-dhcp4 in
# its namespace, perfdhcp as a relay in the client namespace. kea-dhcp4 runs
# with memfile (persist true, lfc-interval 0), multi-threading off, a /16
# pool (65,279 addresses: the pool never runs out), and:
#   A  no failover hook (libdhcp_lease_cmds only);
#   B  the failover hook with one relationship: primary, load-balance-percent
#      100 (all buckets, all free addresses), MCLT 3600, state Normal set
#      with the test seam.
# 1. Throughput: perfdhcp at its maximum rate for BENCH_SECONDS (10) against
#    a fresh server; DORA/s = Kea's pkt4-ack-sent / BENCH_SECONDS. A and B
#    alternate BENCH_ROUNDS (3) times; the medians and B/A are printed.
#    Budget: B/A >= 0.95. The run fails only when B/A < BENCH_FAIL_BELOW
#    (0.85): on a shared 2-core machine perfdhcp and kea-dhcp4 compete for
#    the CPU and single runs vary by several percent.
# 2. Instructions per DORA (repeatable): kea-dhcp4 under
#    `valgrind --tool=callgrind`, perfdhcp -n BENCH_CG_N1 (300) and then
#    -n BENCH_CG_N2 (1300) DORAs at 150/s against fresh servers;
#    instructions per DORA = (Ir(N2) - Ir(N1)) / (acks(N2) - acks(N1)), which
#    removes start-up and shutdown. (`perf stat -e instructions` is used
#    instead when the CPU exposes the counter... it does not in most VMs.)
#    BENCH_CALLGRIND=0 skips this part; BENCH_KEEP=DIR keeps the callgrind
#    files (callgrind_annotate DIR/callgrind.B.1300.out shows where the
#    hook's instructions go). BENCH_ROUNDS=0 skips the throughput part.
# Needs root (network namespaces), perfdhcp (kea-admin), jq, socat, valgrind.
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
srcdir=$(cd "$(dirname "$0")/.." && pwd)
FO_KEA_TESTS=$srcdir/tests/kea
FO_TEST=bench
: "${builddir:=$srcdir}"
. "$FO_KEA_TESTS/scenario.sh"
. "$srcdir/bench/bench_lib.sh"

: "${BENCH_SECONDS:=10}"
: "${BENCH_ROUNDS:=3}"
: "${BENCH_FAIL_BELOW:=0.85}"
: "${BENCH_BUDGET:=0.95}"
: "${BENCH_CALLGRIND:=1}"
: "${BENCH_CG_N1:=300}"
: "${BENCH_CG_N2:=1300}"
: "${BENCH_CG_RATE:=150}"

[ -f "$FO_HOOK" ] || { echo "hook not built: $FO_HOOK"; exit 99; }
fo_need jq socat perfdhcp
fo_topology_up || { echo "topology failed"; exit 1; }

D4='{"subnet4": [{"id": 1, "subnet": "10.0.0.0/16", "pools": [{"pool": "10.0.1.0 - 10.0.255.254"}]}],
     "valid-lifetime": 7200}'
fo_config s1 "$FO_TMP/A.json" '{}' "$D4" nohook
fo_config s1 "$FO_TMP/B.json" '{"load-balance-percent": 100, "max-client-lead-time": 3600}' "$D4"
# N: the same packet callouts, doing nothing (bench/null_hook.cc): Kea's own
# cost of invoking them, the floor under any hook that works in these places.
null_hook=""
if g++ -std=c++17 -O2 -shared -fPIC -I/usr/include/kea "$srcdir/bench/null_hook.cc" \
    -o "$FO_TMP/hooks/libnull_hook.so" -L/usr/lib/x86_64-linux-gnu -lkea-hooks 2>/dev/null; then
	null_hook="$FO_TMP/hooks/libnull_hook.so"   # KEA_HOOKS_PATH (Kea 2.6.3, 3.0: lib.sh)
	jq --arg lib "$null_hook" '.Dhcp4["hooks-libraries"] += [{"library": $lib}]' \
	    "$FO_TMP/A.json" >"$FO_TMP/N.json"
fi

# start CASE: a fresh server (no lease, no failover state).
start() {
	fo_kea_wipe s1
	fo_kea_start s1 "$FO_TMP/$1.json" 0 || return 1
	if [ "$1" = B ] && ! fo_set_state s1 rel1 Normal Normal >/dev/null; then
		echo "  (B: the test seam is not available: the hook runs in its initial state)" >&2
	fi
	return 0
}

# run_rate CASE: DORA/s of one timed perfdhcp run.
run_rate() {
	start "$1" || { echo 0; return; }
	fo_perfdhcp -p "$BENCH_SECONDS" -R 10000000 >"$FO_TMP/perf-$1.out" 2>&1
	acks=$(fo_stat s1 pkt4-ack-sent)
	fo_kea_stop s1
	awk -v a="$acks" -v s="$BENCH_SECONDS" 'BEGIN { printf "%.0f\n", a / s }'
}

status=0
if [ "$BENCH_ROUNDS" -gt 0 ]; then
echo "bench_dora: kea-dhcp4 $("$KEA_DHCP4" -v), $(nproc) CPUs, perfdhcp at maximum rate, $BENCH_SECONDS s per run, MT off"
ra="" rb=""
r=1
while [ "$r" -le "$BENCH_ROUNDS" ]; do
	a=$(run_rate A)
	b=$(run_rate B)
	echo "round $r: A (no hook) $a DORA/s, B (failover hook) $b DORA/s"
	ra="$ra $a" rb="$rb $b"
	r=$((r + 1))
done
ma=$(echo "$ra" | bench_median)
mb=$(echo "$rb" | bench_median)
ratio=$(bench_ratio "$ma" "$mb")
echo "median: A $ma DORA/s, B $mb DORA/s, B/A = $ratio (budget >= $BENCH_BUDGET)"
if awk -v r="$ratio" -v f="$BENCH_FAIL_BELOW" 'BEGIN { exit !(r < f) }'; then
	echo "FAIL: B/A $ratio is below $BENCH_FAIL_BELOW (far outside the budget, not noise)"
	status=1
elif awk -v r="$ratio" -v f="$BENCH_BUDGET" 'BEGIN { exit !(r < f) }'; then
	echo "WARNING: B/A $ratio misses the budget $BENCH_BUDGET (within noise range; rerun to confirm)"
fi
fi

# --- Instructions per DORA -------------------------------------------------
# cg_run CASE N: prints "INSTRUCTIONS ACKS" for a callgrind'ed kea-dhcp4 that
# served N DORAs (requested) and was stopped.
cg_run() {
	out="$FO_TMP/callgrind.$1.$2.out"
	FO_KEA_WRAPPER="valgrind --tool=callgrind --callgrind-out-file=$out" FO_KEA_START_TIMEOUT=120 \
	    start "$1" >/dev/null || { echo "0 0"; return; }
	fo_perfdhcp -r "$BENCH_CG_RATE" -n "$2" -R 10000000 >"$FO_TMP/perf-cg.out" 2>&1
	acks=$(fo_stat s1 pkt4-ack-sent)
	fo_kea_stop s1 120
	[ -n "${BENCH_KEEP:-}" ] && mkdir -p "$BENCH_KEEP" && cp "$out" "$BENCH_KEEP/"
	echo "$(bench_callgrind_ir "$out") ${acks:-0}"
}

if [ "$BENCH_CALLGRIND" = 1 ] && command -v valgrind >/dev/null 2>&1; then
	echo "callgrind: kea-dhcp4 under valgrind, $BENCH_CG_N1 and $BENCH_CG_N2 DORAs at $BENCH_CG_RATE/s"
	for c in A ${null_hook:+N} B; do
		set -- $(cg_run "$c" "$BENCH_CG_N1")
		i1=$1 k1=$2
		set -- $(cg_run "$c" "$BENCH_CG_N2")
		i2=$1 k2=$2
		per=$(awk -v i1="$i1" -v i2="$i2" -v k1="$k1" -v k2="$k2" \
		    'BEGIN { if (k2 > k1 && i2 > i1) printf "%.0f", (i2 - i1) / (k2 - k1); else print "n/a" }')
		echo "  $c: Ir $i1 for $k1 ACKs, Ir $i2 for $k2 ACKs -> $per instructions per DORA"
		eval "per_$c=\$per"
	done
	awk -v a="$per_A" -v b="$per_B" 'BEGIN { if (a + 0 > 0 && b + 0 > 0)
	    printf "instructions per DORA: A %d, B %d, B/A = %.3f (+%d per DORA for the hook)\n", a, b, b / a, b - a }'
	[ -n "$null_hook" ] && awk -v a="$per_A" -v n="${per_N:-0}" -v b="$per_B" 'BEGIN { if (a + 0 > 0 && n + 0 > 0)
	    printf "  of which Kea invoking the callouts (null hook N): +%d (N/A = %.3f); the failover work: +%d\n", n - a, n / a, b - n }'
fi

exit $status
