#!/bin/sh
# test-pair-crash.sh - kill -9 of one of two real kea-dhcp4 failover partners
# under load, and its restart; multi-threading off and on.
#
# s1 primary, s2 secondary, LoadBalance 50, MCLT 30 s, max-response-delay
# 6 s, valid-lifetime 7200 s, a 2304-address pool, memfile with persist.
#   1. both reach Normal; the probe starts 800 clients DORA through a relay
#      that forwards to both servers (about 70 clients/s, so that it spans the crash and the restart);
#   2. about 3 s in, s2 is killed with SIGKILL; s1 goes to
#      CommunicationInterrupted and serves every client; 3 s later s2 is
#      started again with the same configuration and state directory;
#   3. s2 goes Startup -> Normal (saved Normal, partner in
#      CommunicationInterrupted: draft-12 9.3.2 and 9.9.3), s1
#      CommunicationInterrupted -> Normal, both within 60 s, the load still
#      running;
#   4. nothing lost: every client got a lease; s2's active bindings after the
#      resynchronisation include every lease s2 acknowledged before the crash
#      and every lease either server gave; s1's and s2's bindings are the
#      same, and so are their Kea lease databases (lease4-get-all);
#   5. no address is held by two different clients (snapshots before and
#      after, and the probe's records).
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
. "$(dirname "$0")/scenario.sh"

[ -f "$FO_HOOK" ] || { echo "hook not built: $FO_HOOK"; exit 99; }
fo_need jq socat
fo_deadline 175
fo_topology_up || { fo_not_ok "topology up"; fo_summary; exit 1; }

# 2,304 addresses: each server owns 1,152, enough for every client even when
# one server serves them all (the hook moves only the primary's FREE addresses
# to the secondary when rebalancing, never BACKUP ones back).
D4='{"valid-lifetime": 7200, "renew-timer": 1800, "rebind-timer": 5400,
  "subnet4": [{"id": 1, "subnet": "10.0.0.0/16", "pools": [{"pool": "10.0.1.0 - 10.0.9.255"}]}]}'
N=${FO_CRASH_CLIENTS:-800}

now_s() { date +%s.%N | cut -c1-14; }

# superset FILE_A FILE_B: every {address: hw} of A is in B.
superset() {
	r=$(jq -n -c --slurpfile a "$1" --slurpfile b "$2" '$a[0] as $x | $b[0] as $y
	    | {want: ($x | length), have: ($y | length),
	       missing: [$x | keys[] | select($y[.] != $x[.])]} | .missing_count = (.missing | length) | .missing |= .[:6]')
	echo "#   $r"
	[ "$(echo "$r" | jq '.want > 0 and .missing_count == 0')" = true ]
}

run() {
	mt=$1 tag="$(fo_mt_name "$1")"
	fo_pair_reset
	fo_pair_config s1 "$FO_TMP/s1.json" '{}' "$D4"
	fo_pair_config s2 "$FO_TMP/s2.json" '{}' "$D4"
	if ! fo_pair_start "$mt" "$FO_TMP/s1.json" "$FO_TMP/s2.json"; then fo_not_ok "$tag: both servers start"; return; fi
	fo_check "$tag: both reach Normal" fo_pair_normal

	# 1. Load through both servers.
	fo_probe_pair_bg "$FO_TMP/load.json" dora --count "$N" --seed "crash-$mt" --primary-percent 50 \
	    --rate 140 --parallel 64 --timeout 1 --retries 4 --nak-restart 3 --max-time 100
	sleep 3

	# 2. kill -9 s2, restart it.
	fo_snapshot 1-before s1 s2
	t_kill=$(now_s)
	fo_kea_kill9 s2
	echo "# $(date -u +%T) s2 killed (SIGKILL)"
	fo_wait_state s1 rel1 CommunicationInterrupted 10
	sleep 3
	if ! fo_kea_start s2 "$FO_TMP/s2.json" "$mt"; then fo_not_ok "$tag: s2 restarts"; kill "$FO_PROBE_PID"; return; fi
	echo "# $(date -u +%T) s2 restarted"

	# 3. Back to Normal, load still running.
	fo_check "$tag: after the restart both reach Normal again (<= 60 s)" fo_pair_normal
	running=no; kill -0 "$FO_PROBE_PID" 2>/dev/null && running=yes
	echo "#   load still running when Normal was reached: $running"
	fo_probe_wait "$FO_TMP/load.json"
	seq2=$(sed -n 's/.*relationship rel1: state \([A-Za-z]*\) -> \([A-Za-z]*\).*/\1 \2/p' "$FO_TMP/s2/kea.2.log" |
	    awk 'NR == 1 { printf "%s", $1 } { printf " %s", $2 } END { print "" }')
	echo "#   s1: $(fo_states s1)"
	echo "#   s2 (first run): $(sed -n 's/.*relationship rel1: state \([A-Za-z]*\) -> \([A-Za-z]*\).*/\1 \2/p' "$FO_TMP/s2/kea.1.log" |
	    awk 'NR == 1 { printf "%s", $1 } { printf " %s", $2 } END { print "" }')"
	echo "#   s2 (after kill -9): $seq2"
	startup_normal() { echo "$seq2" | grep -q -E '^Init Startup( [A-Za-z]+)* Normal$'; }
	fo_check "$tag: s2 restarts through Startup to Normal (draft-12 states, no test seam)" startup_normal
	s1_back() { fo_states s1 | grep -q -E 'Normal CommunicationInterrupted( [A-Za-z]+)* Normal$'; }
	fo_check "$tag: s1 went CommunicationInterrupted and back to Normal" s1_back

	# 4. Nothing lost.
	fo_check "$tag: every one of the $N clients got a lease" fo_all_acked "$FO_TMP/load.json"
	fo_check "$tag: the partners acknowledged every update (nothing pending), <= 20 s" fo_wait_synced 20
	jq -s -c --argjson t "$t_kill" 'map(select(.acked_by == "10.0.0.2" and .acked_at < $t) | {(.acked): .chaddr}) | add // {}' \
	    "$FO_TMP/load.json" >"$FO_TMP/s2-before.json"
	jq -s -c 'map(select(.acked != null) | {(.acked): .chaddr}) | add // {}' "$FO_TMP/load.json" >"$FO_TMP/all.json"
	fo_active_bindings s2 >"$FO_TMP/s2-after.json"
	fo_active_bindings s1 >"$FO_TMP/s1-after.json"
	echo "#   s2 acknowledged $(jq length "$FO_TMP/s2-before.json") leases before the crash"
	fo_check "$tag: s2's active bindings include every lease s2 acked before the crash" \
	    superset "$FO_TMP/s2-before.json" "$FO_TMP/s2-after.json"
	fo_check "$tag: s2's active bindings include every lease given by either server" \
	    superset "$FO_TMP/all.json" "$FO_TMP/s2-after.json"
	fo_check "$tag: s1's active bindings include every lease given by either server" \
	    superset "$FO_TMP/all.json" "$FO_TMP/s1-after.json"
	fo_check "$tag: s1's and s2's bindings are the same (address, state, client)" fo_same_bindings
	fo_check "$tag: s1's and s2's Kea leases are the same (lease4-get-all)" fo_wait_same_leases 10
	fo_snapshot 2-after
	fo_check "$tag: no address held by two different clients" fo_no_duplicates "$FO_TMP/load.json"
	fo_kea_stop s1; fo_kea_stop s2
}

for mt in ${FO_MT_LIST:-0 1}; do
	run "$mt"
done

[ -z "${FO_KEEP:-}" ] || cp -a "$FO_TMP" "$FO_KEEP"   # keep logs for a post-mortem
fo_summary
