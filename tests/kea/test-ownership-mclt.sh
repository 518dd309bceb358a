#!/bin/sh
# test-ownership-mclt.sh - split-pool ownership and the MCLT rule on a real
# kea-dhcp4 (partner absent), with multi-threading off and on.
#
# A. s1 primary, load-balance 50, valid-lifetime 7200, MCLT 600, pool
#    10.0.1.0-10.0.1.199 (200 addresses; the primary owns the 100 at odd
#    indices by the split rule, computed by tools/dhcp_probe.py):
#    - Normal: 60 clients of the primary's buckets do DORA: every ACKed
#      address is the primary's, every OFFER and ACK carries 600 s;
#    - CommunicationInterrupted: 30 more clients (any bucket): the same;
#    - renewals of the first 60 leases (REQUEST with ciaddr, through the
#      relay): the same address, still 600 s (the partner acked nothing);
#    - a busybox udhcpc client (broadcast, not relayed) gets an address of
#      the primary's part with 600 s.
# B. MCLT 20 s, pool of 20 addresses (the primary owns 10):
#    - CommunicationInterrupted: 10 clients get the 10 own addresses, the
#      11th gets nothing;
#    - PartnerDown: the 11th still gets nothing before MCLT has passed since
#      entering PartnerDown, and gets one of the partner's addresses after.
# C. pkt4_send's check, the last word on what a client is told: Kea's
#    libdhcp_flex_option, loaded BEFORE the failover hook, supersedes option
#    51 of every response with 86,400 s (as an operator's option rule could):
#    every ACK of 20 clients and of their renewals still carries the 600 s the
#    binding holds (MCLT), and the hook counts each cut (ack-lease-times-cut);
#    the control: loaded AFTER the hook, flex_option's 86,400 s reaches the
#    clients (what the check prevents; docs/operation.md: load the failover
#    hook last).
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
. "$(dirname "$0")/scenario.sh"

[ -f "$FO_HOOK" ] || { echo "hook not built: $FO_HOOK"; exit 99; }
fo_need jq socat busybox
fo_deadline 240
fo_topology_up || { fo_not_ok "topology up"; fo_summary; exit 1; }

same_address() {
	r=$(jq -s -c '{clients: length, moved: map(select(.acked != .ciaddr)) | length}' "$1")
	echo "#   $r"
	[ "$(echo "$r" | jq '.moved == 0 and .clients > 0')" = true ]
}

# udhcpc_lease: busybox udhcpc in the direct-client namespace; its script
# writes the lease to $FO_TMP/udhcpc.bound without touching the interface.
udhcpc_lease() {
	cat >"$FO_TMP/udhcpc.script" <<EOF
#!/bin/sh
[ "\$1" = bound ] || exit 0
echo "ip=\$ip lease=\$lease serverid=\$serverid" >"$FO_TMP/udhcpc.bound"
EOF
	chmod +x "$FO_TMP/udhcpc.script"
	rm -f "$FO_TMP/udhcpc.bound"
	timeout 20 ip netns exec "$FO_NS_DC" busybox udhcpc -f -q -n -i fo-dc -t 4 -T 2 \
	    -s "$FO_TMP/udhcpc.script" >"$FO_TMP/udhcpc.log" 2>&1
	[ -s "$FO_TMP/udhcpc.bound" ] || { echo "#   udhcpc: no lease"; sed 's/^/#   /' "$FO_TMP/udhcpc.log" | tail -3; return 1; }
	sed 's/^/#   /' "$FO_TMP/udhcpc.bound"
	ip=$(sed -n 's/^ip=\([^ ]*\) .*/\1/p' "$FO_TMP/udhcpc.bound")
	lease=$(sed -n 's/.* lease=\([^ ]*\) .*/\1/p' "$FO_TMP/udhcpc.bound")
	jq -e --arg ip "$ip" 'index($ip) != null' "$1" >/dev/null && [ "$lease" = "$2" ]
}

part_a() {
	mt=$1 tag="$(fo_mt_name "$1")"
	fo_kea_wipe s1
	fo_config s1 "$FO_TMP/own.json" '{"load-balance-percent": 50, "max-client-lead-time": 600}' \
	    '{"valid-lifetime": 7200, "subnet4": [{"id": 1, "subnet": "10.0.0.0/16",
	      "pools": [{"pool": "10.0.1.0 - 10.0.1.199"}]}]}'
	fo_probe_local split --pool 10.0.1.0-10.0.1.199 --secondary-percent 50 >"$FO_TMP/split.json"
	jq -c .primary "$FO_TMP/split.json" >"$FO_TMP/mine.json"
	if ! fo_kea_start s1 "$FO_TMP/own.json" "$mt"; then fo_not_ok "$tag: kea-dhcp4 starts"; return; fi
	fo_check "$tag: state Normal (test seam)" fo_set_state s1 rel1 Normal Normal
	fo_probe dora --nak-restart 2 --count 60 --seed "own-$mt" --only primary --primary-percent 50 \
	    >"$FO_TMP/a1.json" 2>"$FO_TMP/err"; sed 's/^/#   /' "$FO_TMP/err"
	fo_check "$tag: Normal: 60 clients of the primary's buckets all get a lease" fo_all_acked "$FO_TMP/a1.json"
	fo_check "$tag: Normal: every acked address is one the primary owns" fo_acked_in "$FO_TMP/a1.json" "$FO_TMP/mine.json"
	fo_check "$tag: Normal: offer and ack lease time == MCLT 600 (valid-lifetime 7200)" fo_lease_times "$FO_TMP/a1.json" 600

	fo_check "$tag: state CommunicationInterrupted (test seam)" fo_set_state s1 rel1 CommunicationInterrupted Normal
	fo_probe dora --nak-restart 2 --count 30 --seed "own2-$mt" >"$FO_TMP/a2.json" 2>"$FO_TMP/err"; sed 's/^/#   /' "$FO_TMP/err"
	fo_check "$tag: CommunicationInterrupted: 30 clients (any bucket) all get a lease" fo_all_acked "$FO_TMP/a2.json"
	fo_check "$tag: CommunicationInterrupted: every acked address is the primary's" fo_acked_in "$FO_TMP/a2.json" "$FO_TMP/mine.json"
	fo_check "$tag: CommunicationInterrupted: lease time == 600" fo_lease_times "$FO_TMP/a2.json" 600

	fo_probe renew --from "$FO_TMP/a1.json" --seed "own-$mt" >"$FO_TMP/a3.json" 2>"$FO_TMP/err"; sed 's/^/#   /' "$FO_TMP/err"
	fo_check "$tag: renewals: all acked, same address" same_address "$FO_TMP/a3.json"
	fo_check "$tag: renewals: lease time still capped at 600 (nothing acked by the partner)" fo_lease_times "$FO_TMP/a3.json" 600
	fo_check "$tag: udhcpc (broadcast, direct): an address of the primary's part, 600 s" udhcpc_lease "$FO_TMP/mine.json" 600
	fo_kea_stop s1
}

part_b() {
	mt=$1 tag="$(fo_mt_name "$1"), MCLT 20"
	fo_kea_wipe s1
	fo_config s1 "$FO_TMP/pd.json" '{"load-balance-percent": 50, "max-client-lead-time": 20}' \
	    '{"valid-lifetime": 7200, "subnet4": [{"id": 1, "subnet": "10.0.0.0/16",
	      "pools": [{"pool": "10.0.1.0 - 10.0.1.19"}]}]}'
	fo_probe_local split --pool 10.0.1.0-10.0.1.19 --secondary-percent 50 >"$FO_TMP/split.json"
	jq -c .primary "$FO_TMP/split.json" >"$FO_TMP/mine.json"
	jq -c .secondary "$FO_TMP/split.json" >"$FO_TMP/theirs.json"
	if ! fo_kea_start s1 "$FO_TMP/pd.json" "$mt"; then fo_not_ok "$tag: kea-dhcp4 starts"; return; fi
	fo_set_state s1 rel1 CommunicationInterrupted Normal
	fo_probe dora --nak-restart 2 --count 10 --seed "pd-$mt" >"$FO_TMP/b1.json" 2>"$FO_TMP/err"; sed 's/^/#   /' "$FO_TMP/err"
	own10() { fo_all_acked "$1" && fo_acked_in "$1" "$FO_TMP/mine.json" &&
	    [ "$(jq -s 'map(.acked) | unique | length' "$1")" = 10 ]; }
	fo_check "$tag: CommunicationInterrupted: 10 clients get the 10 addresses the primary owns" own10 "$FO_TMP/b1.json"
	fo_probe dora --nak-restart 2 --count 1 --start-index 10 --seed "pd-$mt" --timeout 0.7 >"$FO_TMP/b2.json" 2>/dev/null
	fo_check "$tag: CommunicationInterrupted: the 11th client gets nothing (own addresses exhausted)" fo_none_offered "$FO_TMP/b2.json"
	fo_check "$tag: state PartnerDown (test seam)" fo_set_state s1 rel1 PartnerDown CommunicationInterrupted
	t0=$(date +%s)
	fo_probe dora --nak-restart 2 --count 1 --start-index 10 --seed "pd-$mt" --timeout 0.7 >"$FO_TMP/b3.json" 2>/dev/null
	fo_check "$tag: PartnerDown before MCLT: the 11th client still gets nothing" fo_none_offered "$FO_TMP/b3.json"
	while [ $(($(date +%s) - t0)) -le 21 ]; do sleep 0.5; done
	fo_probe dora --nak-restart 2 --count 1 --start-index 10 --seed "pd-$mt" >"$FO_TMP/b4.json" 2>/dev/null
	fo_check "$tag: PartnerDown after MCLT: the 11th client gets one of the partner's addresses" \
	    fo_acked_in "$FO_TMP/b4.json" "$FO_TMP/theirs.json"
	fo_kea_stop s1
}

# acks_time FILE SECONDS: every client acked, every ACK's lease time SECONDS.
acks_time() {
	r=$(jq -s -c '{clients: length, acked: map(select(.acked != null)) | length,
	    ack_times: (map(select(.acked != null) | .lease_time) | unique)}' "$1")
	echo "#   $r"
	[ "$(echo "$r" | jq --argjson w "$2" '.clients > 0 and .acked == .clients and .ack_times == [$w]')" = true ]
}

# cuts_are N: s1's ack-lease-times-cut is N.
cuts_are() {
	c=$(fo_fget s1 | jq -c '[.relationships[].state.counters["ack-lease-times-cut"] | tonumber] | add')
	echo "#   ack-lease-times-cut: $c (want $1)"
	[ "$c" = "$1" ]
}

# flex_config OUT ORDER: part A's configuration with libdhcp_flex_option
# superseding option 51 (86,400 s) before ("first") or after ("last") the hook.
flex_config() {
	fo_config s1 "$1.base" '{"load-balance-percent": 50, "max-client-lead-time": 600}' \
	    '{"valid-lifetime": 7200, "subnet4": [{"id": 1, "subnet": "10.0.0.0/16",
	      "pools": [{"pool": "10.0.1.0 - 10.0.1.199"}]}]}'
	jq --arg lib "$KEA_HOOKS_DIR/libdhcp_flex_option.so" --arg order "$2" '
	    {"library": $lib, "parameters": {"options": [{"code": 51, "supersede": "0x00015180"}]}} as $f
	    | .Dhcp4["hooks-libraries"] |= (if $order == "first" then [$f] + . else . + [$f] end)' \
	    "$1.base" >"$1"
}

# flex_dora MT ORDER COUNT OUT: a fresh s1 with flex_option ORDER (first or
# last), in Normal, and COUNT clients of the primary's buckets doing DORA into OUT.
flex_dora() {
	fo_kea_wipe s1
	flex_config "$FO_TMP/flex-$2.json" "$2"
	if ! fo_kea_start s1 "$FO_TMP/flex-$2.json" "$1"; then fo_not_ok "$tag: kea-dhcp4 starts (flex_option $2)"; return 1; fi
	fo_set_state s1 rel1 Normal Normal >/dev/null
	fo_probe dora --nak-restart 2 --count "$3" --seed "flex-$2-$1" --only primary --primary-percent 50 \
	    >"$4" 2>"$FO_TMP/err"; sed 's/^/#   /' "$FO_TMP/err"
}

part_c() {
	mt=$1 tag="$(fo_mt_name "$1"), flex_option"
	[ -f "$KEA_HOOKS_DIR/libdhcp_flex_option.so" ] || { echo "# $tag: no libdhcp_flex_option.so: part C skipped"; return; }
	if flex_dora "$mt" first 20 "$FO_TMP/c1.json"; then
		fo_check "$tag first: 20 clients, every ACK says 600 s (the binding's), not flex_option's 86400" \
		    acks_time "$FO_TMP/c1.json" 600
		fo_probe renew --from "$FO_TMP/c1.json" --seed "flex-$mt" >"$FO_TMP/c2.json" 2>"$FO_TMP/err"; sed 's/^/#   /' "$FO_TMP/err"
		fo_check "$tag first: their renewals' ACKs say 600 s too" acks_time "$FO_TMP/c2.json" 600
		fo_check "$tag first: the hook counted a cut per ACK (40)" cuts_are 40
		fo_kea_stop s1
	fi
	if flex_dora "$mt" last 5 "$FO_TMP/c3.json"; then
		fo_check "$tag last (control): flex_option's 86400 s reaches the clients, after the hook's check" \
		    acks_time "$FO_TMP/c3.json" 86400
		fo_kea_stop s1
	fi
}

for mt in ${FO_MT_LIST:-0 1}; do
	part_a "$mt"
	part_b "$mt"
	part_c "$mt"
done

fo_summary
