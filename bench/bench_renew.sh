#!/bin/sh
# bench_renew.sh - binding updates per renewal (issue 14): how many BNDUPD
# bindings a LoadBalance pair sends to the partner for one renewal (a
# REQUEST in RENEWING: Kea calls lease4_renew, then commits the lease with
# leases4_committed, then pkt4_send sends the ACK).
#
# The topology of the integration tests (tests/kea/scenario.sh): s1 and s2
# (relationship rel1, LoadBalance 50, s1 primary) with the failover hook,
# kea-dhcp4 with memfile, valid-lifetime 7200 s, a 5,120-address pool, and
# an MCLT of an hour, so that no lease ends during the run (first leases
# are 3,600 s) and no expiry adds updates. For each multi-threading mode of
# RENEW_MT_LIST ("0 1"):
#   1. fresh s1 and s2 in Normal, the pool split acknowledged;
#   2. RENEW_CLIENTS (1000) clients DORA through tools/dhcp_probe.py as a
#      relay that forwards every broadcast to both servers, RENEW_RATE
#      (1500) packets a second, 200 outstanding; then nothing pending or
#      unacked on either server;
#   3. RENEW_ROUNDS (3) times, every client renews (REQUEST with ciaddr,
#      unicast to the server that gave its lease, at RENEW_RATE); then
#      nothing pending or unacked;
#   4. from rel1's counters in failover-get (binding-updates-sent and
#      messages-sent, summed over s1 and s2, as bench_pair.sh reads them)
#      and Kea's pkt4-ack-sent: binding updates per DORA (step 2) and per
#      renewal (step 3: per ACK the servers sent). Checked as well: every
#      renewal acked with 7,200 s, both servers' leases the same
#      (lease4-get-all), and nothing left pending.
# Prints one line per mode; fails (exit 1) when a mode has fewer than 500
# renewals, updates per renewal above RENEW_BUDGET (1.05), or a check fails.
# Needs root (network namespaces), kea-dhcp4, jq, socat, python3. Bounded by
# RENEW_DEADLINE seconds (600); cleans up what it started.
# Run: builddir=BUILD_DIR sh bench/bench_renew.sh
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
srcdir=$(cd "$(dirname "$0")/.." && pwd)
FO_KEA_TESTS=$srcdir/tests/kea
FO_TEST=renew
: "${builddir:=$srcdir}"
. "$FO_KEA_TESTS/scenario.sh"
. "$srcdir/bench/bench_lib.sh"

: "${RENEW_CLIENTS:=1000}"
: "${RENEW_ROUNDS:=3}"
: "${RENEW_RATE:=1500}"
: "${RENEW_MT_LIST:=0 1}"
: "${RENEW_BUDGET:=1.05}"
: "${RENEW_DEADLINE:=600}"

[ -f "$FO_HOOK" ] || { echo "hook not built: $FO_HOOK"; exit 99; }
fo_need jq socat
fo_deadline "$RENEW_DEADLINE"
fo_topology_up || { echo "topology failed"; exit 1; }

D4='{"valid-lifetime": 7200, "renew-timer": 1800, "rebind-timer": 5400,
  "subnet4": [{"id": 1, "subnet": "10.0.0.0/16", "pools": [{"pool": "10.0.1.0 - 10.0.20.255"}]}]}'
REL='{"load-balance-percent": 50, "max-client-lead-time": 3600}'

# totals: "binding-updates-sent messages-sent pkt4-ack-sent", each summed over s1 and s2.
totals() {
	_u=0 _m=0 _a=0
	for _s in s1 s2; do
		set -- $(fo_fget "$_s" '{"name": "rel1"}' | jq -r '.relationships[0].state.counters |
		    "\(."binding-updates-sent" // "0") \(."messages-sent" // "0")"' 2>/dev/null) 0 0
		_u=$((_u + $1)) _m=$((_m + $2)) _a=$((_a + $(fo_stat "$_s" pkt4-ack-sent)))
	done
	echo "$_u $_m $_a"
}

# per X N: X / N with two decimals.
per() { awk -v x="$1" -v n="$2" 'BEGIN { if (n > 0) printf "%.3f", x / n; else print "n/a" }'; }

# renew_times FILE: every client of FILE acked with 7200 s.
renew_times() {
	jq -s -e 'length > 0 and all(.acked != null and .lease_time == 7200)' "$1" >/dev/null
}

status=0
echo "bench_renew: kea-dhcp4 $("$KEA_DHCP4" -v), $(nproc) CPUs, $RENEW_CLIENTS clients, $RENEW_ROUNDS renewals each at $RENEW_RATE/s, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for mt in $RENEW_MT_LIST; do
	tag=$(fo_mt_name "$mt")
	fo_pair_reset
	fo_pair_config s1 "$FO_TMP/s1.json" "$REL" "$D4"
	fo_pair_config s2 "$FO_TMP/s2.json" "$REL" "$D4"
	if ! fo_pair_start "$mt" "$FO_TMP/s1.json" "$FO_TMP/s2.json" || ! fo_pair_normal >/dev/null ||
	    ! fo_wait_synced 60 >/dev/null; then
		echo "$tag: FAIL: the pair did not start, reach Normal or acknowledge the pool split"
		status=1; fo_kea_stop s1; fo_kea_stop s2; continue
	fi
	set -- $(totals); u0=$1 m0=$2 a0=$3
	fo_probe_pair dora --count "$RENEW_CLIENTS" --seed "renew-$mt" --primary-percent 50 \
	    --rate "$RENEW_RATE" --parallel 200 --timeout 2 --nak-restart 2 >"$FO_TMP/dora.json" 2>"$FO_TMP/err"
	sed 's/^/#   /' "$FO_TMP/err"
	fo_wait_synced 60 || status=1
	set -- $(totals); u1=$1 m1=$2 a1=$3
	r=1 bad=""
	while [ "$r" -le "$RENEW_ROUNDS" ]; do
		fo_probe_pair renew --from "$FO_TMP/dora.json" --seed "renew-$mt" --rate "$RENEW_RATE" \
		    --parallel 200 --timeout 2 >"$FO_TMP/renew.$r.json" 2>"$FO_TMP/err"
		sed 's/^/#   /' "$FO_TMP/err"
		renew_times "$FO_TMP/renew.$r.json" || bad="$bad; round $r: not every renewal acked with 7200 s"
		r=$((r + 1))
	done
	fo_wait_synced 60 || bad="$bad; not all acknowledged after 60 s"
	set -- $(totals); u2=$1 m2=$2 a2=$3
	fo_same_leases >"$FO_TMP/same.out" || bad="$bad; leases differ $(cat "$FO_TMP/same.out")"
	fo_kea_stop s1; fo_kea_stop s2
	dora=$((a1 - a0)) ren=$((a2 - a1))
	upr=$(per $((u2 - u1)) "$ren")
	echo "$tag: DORAs $dora (ACKs): $((u1 - u0)) binding updates, $(per $((u1 - u0)) "$dora") per DORA;" \
	    "renewals $ren (ACKs): $((u2 - u1)) binding updates in $((m2 - m1)) messages (both servers)," \
	    "$upr updates and $(per $((m2 - m1)) "$ren") messages per renewal"
	[ "$ren" -ge 500 ] || bad="$bad; only $ren renewals"
	bench_lt "$RENEW_BUDGET" "$upr" && bad="$bad; $upr binding updates per renewal > $RENEW_BUDGET"
	if [ -n "$bad" ]; then
		echo "$tag: FAIL: ${bad#; }"
		status=1
	fi
done
exit $status
