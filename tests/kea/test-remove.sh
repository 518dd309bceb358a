#!/bin/sh
# test-remove.sh - a removal on both partners leaves one server serving the
# scope, never both (docs/commands.md "failover-remove"; Windows'
# Remove-DhcpServerv4Failover deletes the scopes from the partner): two
# kea-dhcp4 with the hook, rel1 (10.0.0.0) with partner-control-url on each
# (kea-ctrl-agent on 10.0.0.1:8000 and 10.0.0.2:8000), clients of both
# through the probe's relay.
#
# 1. The partner's remove made by hand on s2 (local-only with time, as s1
#    sends it) while s1 keeps rel1 - the window before an undo: s2 retires
#    10.0.0.0 (FAILOVER_SCOPE_RETIRED, failover-retired-get lists it) and
#    answers none of 20 new clients (its statistic counts them); the undo
#    (failover-add with restore-state and time) lifts it: both Normal again,
#    every earlier client renews its own address, no duplicate.
#    An operator's local-only failover-remove on either server of the
#    connected pair (Normal) is refused, result 1 saying why and what to do
#    (both partners, failover-partner-down, force), as are force without
#    local-only and a force that is no boolean; after them both still have
#    rel1 as it was, in Normal, and 10 new clients of the pair are acked.
# 2. failover-remove rel1 on s1 (both partners): done, gone from both; 30
#    new clients at s1 and 30 at s2: s1 acks all, s2 none (retired); s1's
#    lease database holds every lease made before the removal (s2's clients
#    too, through the failover updates); no address held by two clients.
# 3. s2 killed with -9 and restarted: 10.0.0.0 is still retired, 20 more
#    clients at s2 get nothing. A damaged retirement file: every subnet of
#    s2 in no relationship answers no client (fail closed), the error names
#    the file. failover-add of rel1 on s1 again (both partners) lifts s2's
#    retirement.
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
. "$(dirname "$0")/scenario.sh"

[ -f "$FO_HOOK" ] || { echo "hook not built: $FO_HOOK"; exit 99; }
fo_need jq socat curl kea-ctrl-agent
fo_deadline 300
fo_topology_up || { fo_not_ok "topology up"; fo_summary; exit 1; }
d="$FO_TMP"

# ctl NAME: rel1's partner-control-url on NAME (the other server's agent).
ctl() { [ "$1" = s1 ] && echo '{"partner-control-url": "http://10.0.0.2:8000/"}' ||
	echo '{"partner-control-url": "http://10.0.0.1:8000/"}'; }
fo_pair_config s1 "$d/s1.json" "$(ctl s1)"
fo_pair_config s2 "$d/s2.json" "$(ctl s2)"
fo_check "s1 and s2 start" fo_pair_start 0 "$d/s1.json" "$d/s2.json"
fo_check "s1's kea-ctrl-agent on 10.0.0.1:8000" fo_agent_up s1 0
fo_check "s2's kea-ctrl-agent on 10.0.0.2:8000" fo_agent_up s2 0
fo_check "both reach Normal" fo_pair_normal

# jqe EXPR FILE: jq -e on a file, showing it when it does not hold.
jqe() { jq -e "$1" "$2" >/dev/null 2>&1 || { echo "#   $(head -c 600 "$2")"; return 1; }; }
# retired NAME: failover-retired-get's scope-ids on NAME, e.g. ["10.0.0.0"].
retired() { fo_run "$1" failover-retired-get '{}' | jq -c '[.arguments.scopes[]?."scope-id"]'; }
retired_is() {
	_r=$(retired "$1")
	[ "$_r" = "$2" ] || { echo "#   $1 retired: $_r, want $2"; return 1; }
}
dropped() { fo_stat "$1" "failover-retired.queries-dropped"; }

fo_probe_pair dora --count 40 --start-index 0 >"$d/before.json" 2>"$d/before.err"
fo_check "40 clients acked by the pair before any removal" fo_all_acked "$d/before.json"
fo_check "both in sync" fo_wait_synced 20
for s in s1 s2; do
	fo_fget $s '{"name": "rel1"}' | jq -c '.relationships[0] | del(.state)' >"$d/$s-rel1.json"
done

# ---- 1. the partner's side alone: retired until the undo ----
T=$(date +%s)
fo_run s2 failover-remove "{\"name\": \"rel1\", \"local-only\": true, \"time\": $T}" >"$d/p-rm.json"
fo_check "the partner's failover-remove (local-only, time) on s2: result 0, the text says retired" \
    fo_says "$d/p-rm.json" 0 "retired"
fo_check "... s2 logged FAILOVER_SCOPE_RETIRED" fo_wait_log "$FO_LOG_s2" "FAILOVER_SCOPE_RETIRED" 5
fo_check "... failover-retired-get on s2 lists 10.0.0.0" retired_is s2 '["10.0.0.0"]'
fo_check "... and on s1 nothing" retired_is s1 '[]'
fo_probe_to s2 dora --count 20 --start-index 500 --timeout 0.5 >"$d/window.json" 2>/dev/null
fo_check "20 new clients at s2 in the window: none offered" fo_none_offered "$d/window.json"
n=$(dropped s2)
fo_check "... s2 counted them (failover-retired.queries-dropped = $n >= 20)" [ "${n:-0}" -ge 20 ]
T=$(date +%s)
UNDO=$(jq -c --argjson t "$T" '. + {"local-only": true, "restore-state": true, "time": $t}' "$d/s2-rel1.json")
fo_run s2 failover-add "$UNDO" >"$d/undo.json"
fo_check "the partner's undo (failover-add, restore-state) on s2: result 0" fo_result_is "$d/undo.json" 0
fo_check "... lifts the retirement" retired_is s2 '[]'
fo_check "... s2 logged FAILOVER_SCOPE_RETIREMENT_LIFTED" \
    fo_wait_log "$FO_LOG_s2" "FAILOVER_SCOPE_RETIREMENT_LIFTED" 5
fo_check "... both Normal again" fo_pair_normal
fo_probe_pair renew --from "$d/before.json" >"$d/renew.json" 2>"$d/renew.err"
fo_check "every client of before the window renews its own address" fo_all_acked "$d/renew.json"
same_addr() {
	_r=$(jq -n -c --slurpfile a "$d/before.json" --slurpfile b "$d/renew.json" \
	    '[$a[] | . as $x | $b[] | select(.index == $x.index and .acked != $x.acked)] | length')
	echo "#   clients whose address changed: $_r"
	[ "$_r" = 0 ]
}
fo_check "... none changed address" same_addr
fo_snapshot undo
fo_check "no address held by two clients (probes, leases, bindings)" \
    fo_no_duplicates "$d/before.json" "$d/renew.json"
fo_check "both in sync" fo_wait_synced 20

# ---- 1b. an operator's local-only removal on the connected pair: refused ----
# refused_why FILE: the refusal says why (Normal here) and the three ways out.
refused_why() {
	fo_says "$1" 1 "refused, nothing changed: relationship 'rel1' is in Normal on this server" &&
	    fo_says "$1" 1 "give the same free addresses to different clients" &&
	    fo_says "$1" 1 "the same command without local-only" &&
	    fo_says "$1" 1 "failover-partner-down" && fo_says "$1" 1 '"force": true'
}
for s in s1 s2; do
	fo_run $s failover-remove '{"name": "rel1", "local-only": true}' >"$d/lo-rm-$s.json"
	fo_check "an operator's local-only failover-remove on $s (pair in Normal): result 1, says why and what to do" \
	    refused_why "$d/lo-rm-$s.json"
done
fo_run s1 failover-remove '{"name": "rel1", "force": true}' >"$d/force-both.json"
fo_check "force without local-only: result 1, says where force belongs" \
    fo_says "$d/force-both.json" 1 "force: only in the operator's local-only removal"
fo_run s1 failover-remove '{"name": "rel1", "local-only": true, "force": 1}' >"$d/force-bad.json"
fo_check "force 1: result 1, force: must be a boolean" fo_says "$d/force-bad.json" 1 "force: must be a boolean"
unchanged() {
	_g=$(fo_fget "$1" '{"name": "rel1"}' | jq -c '.relationships[0] | del(.state)')
	[ -n "$_g" ] && [ "$_g" = "$(cat "$d/$1-rel1.json")" ] || { echo "#   $1: $_g"; return 1; }
}
fo_check "... s1 still has rel1 as it was (failover-get)" unchanged s1
fo_check "... s2 too" unchanged s2
fo_check "... both still Normal" fo_pair_normal
unretired() { retired_is s1 '[]' && retired_is s2 '[]'; }
fo_check "... nothing retired on either" unretired
fo_probe_pair dora --count 10 --start-index 700 >"$d/refused.json" 2>"$d/refused.err"
fo_check "... 10 new clients of the pair: all acked" fo_all_acked "$d/refused.json"

# ---- 2. failover-remove on both partners ----
fo_change s1 failover-remove '{"name": "rel1"}' >"$d/rm.json"
fo_check "failover-remove rel1 on s1 (both partners): done" \
    jqe '.result == 0 and .arguments.status == "done" and .arguments.changed == true' "$d/rm.json"
fo_check "... s2 retired 10.0.0.0" retired_is s2 '["10.0.0.0"]'
fo_check "... s1 did not (it serves it without failover)" retired_is s1 '[]'
fo_snapshot removed
in_s1_db() {
	_r=$(jq -n -c --slurpfile p "$d/before.json" --slurpfile l "$FO_TMP/snap/removed.s1.leases.json" '
	    ($l[0].arguments.leases // [] | map({(."ip-address"): ."hw-address"}) | add // {}) as $db
	    | [$p[] | select(.acked != null and $db[.acked] != .chaddr) | .acked]')
	echo "#   acked before the removal, not in s1's lease database: $_r"
	[ "$_r" = "[]" ]
}
fo_check "s1's lease database holds every lease of before the removal (s2's clients too)" in_s1_db
fo_probe_to s1 dora --count 30 --start-index 1000 >"$d/after-s1.json" 2>/dev/null &
P1=$!
FO_PIDS="$FO_PIDS $P1"
# (another relay address: two probes on one address and port share its answers)
fo_probe_to s2 dora --count 30 --start-index 2000 --timeout 0.5 --relay-ip 10.0.0.6 \
    >"$d/after-s2.json" 2>/dev/null
wait "$P1"
fo_check "30 new clients at s1 after the removal: all acked" fo_all_acked "$d/after-s1.json"
fo_check "30 new clients at s2 after the removal: none offered" fo_none_offered "$d/after-s2.json"
fo_snapshot after
fo_check "no address held by two clients (every probe, leases and bindings of both)" \
    fo_no_duplicates "$d/before.json" "$d/renew.json" "$d/refused.json" "$d/after-s1.json" \
    "$d/after-s2.json"

# ---- 3. kill -9, restart, a damaged file, the add that lifts it ----
fo_kea_kill9 s2
fo_check "s2 restarted after kill -9" fo_kea_start s2 "$d/s2.json"
fo_check "... 10.0.0.0 still retired" retired_is s2 '["10.0.0.0"]'
fo_probe_to s2 dora --count 20 --start-index 3000 --timeout 0.5 >"$d/restart.json" 2>/dev/null
fo_check "20 new clients at s2: none offered" fo_none_offered "$d/restart.json"
fo_kea_stop s2
printf '10.0.0.0 junk\n' >"$FO_TMP/s2/state/relationships.json.retired"
fo_check "s2 restarted with a damaged retirement file" fo_kea_start s2 "$d/s2.json"
fo_check "... the error names the file" fo_wait_log "$FO_LOG_s2" \
    "FAILOVER_RETIRED_DAMAGED.*relationships.json.retired" 5
fo_probe_to s2 dora --count 5 --start-index 4000 --timeout 0.5 >"$d/damaged.json" 2>/dev/null
fo_check "... it answers no client of 10.0.0.0 (fail closed)" fo_none_offered "$d/damaged.json"
fo_kea_stop s2
rm -f "$FO_TMP/s2/state/relationships.json.retired"
printf '{"scopes": [{"scope-id": "10.0.0.0", "relationship": "rel1", "retired-at": %s}]}\n' \
    "$(date +%s)" >"$FO_TMP/s2/state/relationships.json.retired"
fo_check "s2 restarted with the retirement file rewritten by hand" fo_kea_start s2 "$d/s2.json"
fo_check "... 10.0.0.0 retired" retired_is s2 '["10.0.0.0"]'
fo_change s1 failover-add "$(cat "$d/s1-rel1.json")" >"$d/readd.json"
fo_check "failover-add rel1 on s1 again (both partners): done" \
    jqe '.result == 0 and .arguments.status == "done" and .arguments.changed == true' "$d/readd.json"
fo_check "... lifts s2's retirement" retired_is s2 '[]'
fo_check "... both Normal" fo_pair_normal
fo_probe_pair dora --count 20 --start-index 5000 >"$d/readded.json" 2>"$d/readded.err"
fo_check "20 new clients of the pair: all acked" fo_all_acked "$d/readded.json"
fo_snapshot readded
fo_check "no address held by two clients, over the whole run" \
    fo_no_duplicates "$d/before.json" "$d/renew.json" "$d/refused.json" "$d/after-s1.json" \
    "$d/after-s2.json" "$d/readded.json"
fo_summary
