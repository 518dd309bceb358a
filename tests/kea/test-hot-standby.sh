#!/bin/sh
# test-hot-standby.sh - HotStandby on a real kea-dhcp4 (partner absent), with
# multi-threading off and on. Pool: 100 addresses (10.0.1.0-10.0.1.99),
# reserve-percent 10, MCLT 600.
#
# 1. s1 the active server (primary, server-role active), state Normal:
#    500 clients DISCOVER with secs=0: every one gets an OFFER (the active
#    serves every bucket); 20 clients DORA: every address is one of the
#    active's 90 (the standby's 10 reserve addresses are never given).
# 2. s1 restarted as the standby (secondary, server-role standby), Normal:
#    500 clients DISCOVER with secs=0 and with secs=10: no OFFER at all.
# 3. The standby in CommunicationInterrupted: 15 clients DORA: exactly 10
#    get a lease, all from the reserve (the split with p = 10 computed by
#    tools/dhcp_probe.py); the other 5 get nothing.
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
. "$(dirname "$0")/scenario.sh"

[ -f "$FO_HOOK" ] || { echo "hook not built: $FO_HOOK"; exit 99; }
fo_need jq socat
fo_deadline 175
fo_topology_up || { fo_not_ok "topology up"; fo_summary; exit 1; }

POOL=10.0.1.0-10.0.1.99
D4='{"subnet4": [{"id": 1, "subnet": "10.0.0.0/16", "pools": [{"pool": "10.0.1.0 - 10.0.1.99"}]}]}'
fo_probe_local split --pool "$POOL" --secondary-percent 10 >"$FO_TMP/split.json"
jq -c .primary "$FO_TMP/split.json" >"$FO_TMP/active.json"     # the primary is the active
jq -c .secondary "$FO_TMP/split.json" >"$FO_TMP/reserve.json"  # the secondary is the standby

all_offered() {
	r=$(jq -s -c '{clients: length, offered: map(select(.offered != null)) | length}' "$1")
	echo "#   $r"
	[ "$(echo "$r" | jq '.clients == .offered and .clients > 0')" = true ]
}
exactly_reserve() {
	r=$(jq -s -c --slurpfile res "$FO_TMP/reserve.json" '
	    {clients: length, acked: (map(select(.acked != null) | .acked) | unique),
	     reserve: ($res[0] | length)}
	    | .outside = (.acked - $res[0]) | .acked_count = (.acked | length) | .acked |= .[:12] | .outside_count = (.outside | length) | .outside |= .[:12]' "$1")
	echo "#   $r"
	[ "$(echo "$r" | jq '.acked_count == .reserve and .reserve == 10 and .outside_count == 0')" = true ]
}

run() {
	mt=$1 tag="$(fo_mt_name "$1")"
	# 1. The active.
	fo_kea_wipe s1
	fo_config s1 "$FO_TMP/hs.json" '{"mode": "hot-standby", "load-balance-percent": null,
	    "server-role": "active", "reserve-percent": 10, "max-client-lead-time": 600}' "$D4"
	if ! fo_kea_start s1 "$FO_TMP/hs.json" "$mt"; then fo_not_ok "$tag: kea-dhcp4 (active) starts"; return; fi
	fo_check "$tag, active: state Normal (test seam)" fo_set_state s1 rel1 Normal Normal
	fo_probe discover --count 500 --seed "hs-$mt" --timeout 0.7 >"$FO_TMP/h1.json" 2>"$FO_TMP/err"
	sed 's/^/#   /' "$FO_TMP/err"
	fo_check "$tag, active: 500 clients (all buckets), secs=0: every one offered" all_offered "$FO_TMP/h1.json"
	fo_probe dora --nak-restart 2 --count 20 --seed "hs2-$mt" >"$FO_TMP/h2.json" 2>/dev/null
	fo_check "$tag, active: 20 DORAs, all acked" fo_all_acked "$FO_TMP/h2.json"
	fo_check "$tag, active: every address is the active's (none of the 10 reserve)" \
	    fo_acked_in "$FO_TMP/h2.json" "$FO_TMP/active.json"
	fo_kea_stop s1

	# 2. The standby, Normal.
	fo_kea_wipe s1
	fo_config s1 "$FO_TMP/hs.json" '{"mode": "hot-standby", "load-balance-percent": null,
	    "server-type": "secondary", "server-role": "standby", "reserve-percent": 10,
	    "max-client-lead-time": 600}' "$D4"
	if ! fo_kea_start s1 "$FO_TMP/hs.json" "$mt"; then fo_not_ok "$tag: kea-dhcp4 (standby) starts"; return; fi
	fo_check "$tag, standby: state Normal (test seam)" fo_set_state s1 rel1 Normal Normal
	fo_probe discover --count 500 --seed "hs3-$mt" --timeout 0.7 >"$FO_TMP/h3.json" 2>/dev/null
	fo_check "$tag, standby: Normal, 500 clients, secs=0: none offered" fo_none_offered "$FO_TMP/h3.json"
	fo_probe discover --count 500 --seed "hs3-$mt" --secs 10 --timeout 0.7 >"$FO_TMP/h4.json" 2>/dev/null
	fo_check "$tag, standby: Normal, 500 clients, secs=10: none offered" fo_none_offered "$FO_TMP/h4.json"

	# 3. The standby, CommunicationInterrupted: its reserve only.
	fo_check "$tag, standby: state CommunicationInterrupted (test seam)" \
	    fo_set_state s1 rel1 CommunicationInterrupted Normal
	fo_probe dora --nak-restart 2 --count 15 --seed "hs5-$mt" --timeout 0.7 >"$FO_TMP/h5.json" 2>"$FO_TMP/err"
	sed 's/^/#   /' "$FO_TMP/err"
	fo_check "$tag, standby: CommunicationInterrupted, 15 clients: exactly the 10 reserve addresses given" \
	    exactly_reserve "$FO_TMP/h5.json"
	fo_kea_stop s1
}

for mt in ${FO_MT_LIST:-0 1}; do
	run "$mt"
done

fo_summary
