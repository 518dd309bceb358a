#!/bin/sh
# test-fulllease.sh - the whole lease on both partners (issue 12): hostname,
# FQDN flags and user context travel in BNDUPD between two real kea-dhcp4
# with the hook, reach the partner's Kea lease database, and survive kill -9.
#
# s1 primary, s2 secondary, load balance 50 %, DDNS enabled in Kea (so that
# it keeps client names: no kea-dhcp-ddns runs, the name change requests go
# nowhere), store-extended-info on (Kea puts the relay agent information of
# a relayed query in the lease's user context).
#   1. both reach Normal; 8 clients send a hostname (option 12), 8 others a
#      client FQDN (option 81, S flag), all through a relay that adds option
#      82, forwarded to both servers (each server acks its own half);
#   2. once the partners acknowledged every update: for every lease,
#      lease4-get on BOTH servers gives the same hostname, fqdn-fwd,
#      fqdn-rev and user-context, the hostname the client's name;
#   3. s2 is killed with SIGKILL, its Kea lease file removed, and started
#      again: the hook's journal is all that is left, and the restart
#      replay writes every lease back with its hostname, FQDN flags and user
#      context (lease4-get on s2 equals s1's again).
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
. "$(dirname "$0")/scenario.sh"

[ -f "$FO_HOOK" ] || { echo "hook not built: $FO_HOOK"; exit 99; }
fo_need jq socat
fo_deadline 150
fo_topology_up || { fo_not_ok "topology up"; fo_summary; exit 1; }

D4='{"dhcp-ddns": {"enable-updates": true}, "ddns-send-updates": true,
  "ddns-qualifying-suffix": "example.org", "ddns-replace-client-name": "never",
  "store-extended-info": true}'
N=8

# lease KEY ADDR NAME: the lease4-get answer's fields that must travel, as one line.
lease() {
	fo_kea_cmd "$3" "$(jq -cn --arg a "$2" '{"command": "lease4-get", "arguments": {"ip-address": $a}}')" |
	    jq -c --arg k "$1" '.arguments // {} | {k: $k, address: ."ip-address", hw: ."hw-address",
	        hostname, fwd: ."fqdn-fwd", rev: ."fqdn-rev", ctx: ."user-context"}'
}

# leases OUT NAME: lease() of every acked address of both probe runs.
leases() {
	jq -r 'select(.acked != null) | "\(.index) \(.acked)"' "$FO_TMP/h.json" "$FO_TMP/f.json" |
	while read -r _i _a; do lease "$_i" "$_a" "$2"; done >"$1"
}

# named FILE PREFIX: every lease of the clients that sent PREFIX-<index> carries
# that name (qualified: "<PREFIX>-<index>.example.org", with or without the
# trailing dot) and the FQDN flags Kea set for it.
named() {
	r=$(jq -s -c --arg p "$2" --slurpfile runs "$FO_TMP/$2.json" '
	    ($runs | map(select(.acked != null) | .acked)) as $mine
	    | map(select(.address as $a | $mine | index($a))) as $l
	    | {n: ($l | length),
	       bad: [$l[] | select((.hostname // "") | test("^" + $p + "-[0-9]+\\.example\\.org\\.?$") | not)],
	       flags: [$l[] | select(.fwd != true or .rev != true)] | length}' "$1")
	echo "#   $2: $r" | cut -c1-400
	[ "$(echo "$r" | jq '.n > 0 and (.bad | length) == 0 and .flags == 0')" = true ]
}

# same FILE_A FILE_B: the two servers' leases agree field by field.
same() {
	r=$(jq -n -c --slurpfile a "$1" --slurpfile b "$2" '
	    [$a[] as $x | ($b | map(select(.address == $x.address))[0]) as $y
	     | select($x != $y) | {s1: $x, s2: $y}] | {differ: length, first: .[0]}')
	echo "#   $r" | cut -c1-600
	[ "$(echo "$r" | jq '.differ == 0')" = true ] && [ -s "$1" ]
}

# contexts FILE: how many leases carry a user context (Kea's extended info).
contexts() {
	n=$(jq -s 'map(select(.ctx != null)) | length' "$1")
	echo "#   $n of $(grep -c . "$1") leases carry a user context, e.g. $(jq -s -c 'map(select(.ctx != null))[0].ctx' "$1" | cut -c1-200)"
	[ "$n" -gt 0 ]
}

run() {
	mt=$1 tag="$(fo_mt_name "$1")"
	fo_pair_up "$mt" "$tag" "$D4" || return

	# 1. Named clients through a relay adding option 82, both servers answering.
	fo_probe_pair dora --count "$N" --seed "fl-h-$mt" --hostname h --circuit-id "port-7" \
	    --primary-percent 50 --timeout 1 --retries 3 >"$FO_TMP/h.json" 2>/dev/null
	fo_probe_pair dora --count "$N" --seed "fl-f-$mt" --fqdn f --circuit-id "port-8" \
	    --primary-percent 50 --timeout 1 --retries 3 >"$FO_TMP/f.json" 2>/dev/null
	fo_check "$tag: the $N option-12 clients got a lease" fo_all_acked "$FO_TMP/h.json"
	fo_check "$tag: the $N option-81 clients got a lease" fo_all_acked "$FO_TMP/f.json"
	by=$(jq -s -r 'map(.acked_by) | group_by(.) | map("\(.[0]): \(length)") | join(", ")' "$FO_TMP/h.json" "$FO_TMP/f.json")
	echo "#   acked by $by"
	fo_check "$tag: the partners acknowledged every update, <= 20 s" fo_wait_synced 20

	# 2. lease4-get on both servers.
	leases "$FO_TMP/l1.json" s1
	leases "$FO_TMP/l2.json" s2
	fo_check "$tag: s1's leases of option-12 clients carry their hostname and FQDN flags" named "$FO_TMP/l1.json" h
	fo_check "$tag: s1's leases of option-81 clients carry their FQDN and flags" named "$FO_TMP/l1.json" f
	fo_check "$tag: Kea put the relay agent information in the leases' user context" contexts "$FO_TMP/l1.json"
	fo_check "$tag: lease4-get on s2 equals s1 (hostname, fqdn-fwd, fqdn-rev, user-context) for every lease" \
	    same "$FO_TMP/l1.json" "$FO_TMP/l2.json"

	# 3. kill -9, Kea's lease file gone: the journal gives it all back.
	fo_kea_kill9 s2
	rm -f "$FO_TMP/s2"/leases4.csv*
	if ! fo_kea_start s2 "$FO_TMP/s2.json" "$mt"; then fo_not_ok "$tag: s2 restarts"; return; fi
	replayed() {
		_end=$(($(date +%s) + 20))
		until leases "$FO_TMP/l2r.json" s2 && same "$FO_TMP/l1.json" "$FO_TMP/l2r.json" >"$FO_TMP/r.out"; do
			[ "$(date +%s)" -lt "$_end" ] || { cat "$FO_TMP/r.out"; return 1; }
			sleep 0.5
		done
		cat "$FO_TMP/r.out"
	}
	fo_check "$tag: s2 killed (SIGKILL), lease file removed, restarted: its leases equal s1's again, names and contexts included (<= 20 s)" replayed
	fo_check "$tag: both reach Normal after the restart" fo_pair_normal
	fo_kea_stop s1; fo_kea_stop s2
}

for mt in ${FO_MT_LIST:-0 1}; do
	run "$mt"
done

[ -z "${FO_KEEP:-}" ] || cp -a "$FO_TMP" "$FO_KEEP"
fo_summary
