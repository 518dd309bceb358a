#!/bin/sh
# test-isc-peer.sh - a real ISC dhcpd 4.4 as the failover partner of a real
# kea-dhcp4 with the hook (dialect "isc"); multi-threading off.
#
# Kea runs in s1's namespace (10.0.0.1), ISC dhcpd in s2's (10.0.0.2), both
# with relationship / failover peer "rel1", port 647, MCLT 30 s,
# max-response-delay 6 s, a 200-address pool, load balancing 50/50
# (ISC `split 128` on its primary, Kea load-balance-percent 50). dhcpd's
# configuration is docs/examples/isc-dhcpd-peer.conf (with server-id-check on,
# recommended: Kea always checks the server identifier).
# A. Kea primary, ISC secondary;  B. ISC primary, Kea secondary. Each:
#    - both reach Normal: failover-get on Kea, "failover peer rel1: I move
#      from X to normal" in dhcpd's output (within 75 s: ISC waits MCLT in
#      RECOVER-WAIT);
#    - 100 clients DORA through a relay that forwards to both: each is
#      answered by the server of its RFC 3074 bucket (ISC's HBA polarity:
#      buckets 0-127 are the primary's);
#    - every lease of either server appears on the other: Kea's leases in
#      dhcpd's lease file as `binding state active` with the same hardware
#      address, ISC's leases in Kea's lease4-get-all (within 15 s);
#    - a balanced Kea secondary sends no POOLREQ: dhcpd never logs "Got
#      POOLREQ, answering negatively";
#    - pool balance: dhcpd's "pool ... total 200 free F backup B" line is
#      balanced (|F - B| <= 20), and Kea's free-mine / free-partner counts
#      are dhcpd's FREE / BACKUP leases (the same split on both sides);
#    - MCLT: ISC's primary has `mclt 30`. Kea as primary is configured with
#      30; Kea as secondary with max-client-lead-time 600, and takes the
#      primary's 30 from CONNECT (draft-12 7.1.1): failover-get shows 30, Kea
#      logs the difference, and every lease either server gives these new
#      clients is at most 30 s (valid-lifetime 7200);
#    - partition (s2's bridge port down): Kea goes to
#      CommunicationInterrupted and dhcpd moves to communications-interrupted;
#      heal: both back to normal.
# dhcpd runs in the foreground (-f -d) with its own files in the test's
# directory; the Debian service is neither used nor touched (the test skips if
# a dhcpd it did not start listens on its addresses: none can, they exist only
# in its namespaces).
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
. "$(dirname "$0")/scenario.sh"
. "$(dirname "$0")/isc.sh"

[ -f "$FO_HOOK" ] || { echo "hook not built: $FO_HOOK"; exit 99; }
isc_skip_unless_installed
fo_need jq socat
fo_deadline 175
fo_topology_up || { fo_not_ok "topology up"; fo_summary; exit 1; }

D4='{"valid-lifetime": 7200, "renew-timer": 1800, "rebind-timer": 5400,
  "subnet4": [{"id": 1, "subnet": "10.0.0.0/16", "pools": [{"pool": "10.0.1.0 - 10.0.1.199"}]}]}'
ISC_DIR="$FO_TMP/isc-s2"

# isc_start ROLE: dhcpd in s2's namespace, failover peer rel1 as ROLE, with
# the documented peer configuration (docs/examples/isc-dhcpd-peer.conf).
isc_start() {
	if [ "$1" = primary ]; then extra="mclt 30; split 128;"; else extra=""; fi
	sed -e "s/@ROLE@/$1/" -e "s/@ADDR@/$FO_IP_s2/" -e "s/@PEER@/$FO_IP_s1/" \
	    -e "s/@PRIMARY_ONLY@/$extra/" "$srcdir/docs/examples/isc-dhcpd-peer.conf" >"$FO_TMP/isc-peer.conf"
	if grep -q @ "$FO_TMP/isc-peer.conf"; then echo "# unreplaced placeholder in dhcpd.conf"; return 1; fi
	isc_run s2 "$FO_TMP/isc-peer.conf"
}

# by_owner FILE PRIMARY_IP SECONDARY_IP: each client offered and acked by its bucket's owner.
by_owner() {
	r=$(jq -s -c --arg p "$2" --arg s "$3" '
	    map(. + {want: (if .owner == "primary" then $p else $s end)})
	    | {clients: length, acked: map(select(.acked != null)) | length,
	       by_primary: map(select(.acked_by == $p)) | length, by_secondary: map(select(.acked_by == $s)) | length,
	       wrong: map(select((.offers | keys) != [.want] or .acked_by != .want) | {index, bucket, offers, acked_by})}
	    | .wrong_count = (.wrong | length) | .wrong |= .[:4]' "$1")
	echo "#   $r"
	[ "$(echo "$r" | jq '.clients > 0 and .acked == .clients and .wrong_count == 0 and .by_primary > 0 and .by_secondary > 0')" = true ]
}

# leases_on_both FILE: every acked lease is active in dhcpd's lease file and
# in Kea's lease4-get-all with the client's hardware address.
leases_on_both() {
	isc_leases s2 >"$FO_TMP/isc-l.json"
	fo_leases s1 | jq -s -c 'map(select(.state == 0) | {(.address): .hw}) | add // {}' >"$FO_TMP/kea-l.json"
	r=$(jq -s -c --slurpfile i "$FO_TMP/isc-l.json" --slurpfile k "$FO_TMP/kea-l.json" '
	    map(select(.acked != null)) | {acked: length,
	     missing_in_isc: map(select($i[0][.acked] != "active \(.chaddr)") | {a: .acked, isc: $i[0][.acked]}),
	     missing_in_kea: map(select($k[0][.acked] != .chaddr) | .acked)}
	    | .ok = ((.missing_in_isc | length) == 0 and (.missing_in_kea | length) == 0 and .acked > 0)
	    | .missing_in_isc |= .[:4] | .missing_in_kea |= .[:4]' "$1")
	echo "$r"
	[ "$(echo "$r" | jq .ok)" = true ]
}
wait_leases_on_both() {
	_end=$(($(date +%s) + 15))
	while ! leases_on_both "$1" >"$FO_TMP/lob.out"; do
		[ "$(date +%s)" -lt "$_end" ] || break
		sleep 0.5
	done
	sed 's/^/#   /' "$FO_TMP/lob.out"
	[ "$(jq .ok "$FO_TMP/lob.out")" = true ]
}

# pool_balanced: dhcpd's last "pool ... total T free F backup B" line, |F - B| <= 20.
pool_balanced() {
	line=$(grep -E 'pool .* total [0-9]+ +free [0-9]+ +backup [0-9]+' "$ISC_DIR/dhcpd.log" | tail -1)
	echo "#   dhcpd: ${line:-no pool line}"
	[ -n "$line" ] || return 1
	set -- $(echo "$line" | sed -E 's/.*total ([0-9]+) +free ([0-9]+) +backup ([0-9]+).*/\1 \2 \3/')
	echo "#   Kea: $(fo_fget s1 '{"name": "rel1"}' | jq -c '.relationships[0].state.addresses | {"free-mine", "free-partner", active}')"
	d=$(($2 - $3)); [ $d -lt 0 ] && d=$((-d))
	[ "$1" = 200 ] && [ $d -le 20 ] && [ "$2" -gt 0 ] && [ "$3" -gt 0 ]
}

# no_negative_poolresp: dhcpd never logged "Got POOLREQ, answering negatively"
# (a POOLREQ from a balanced Kea secondary; it alarms operators).
no_negative_poolresp() {
	n=$(grep -c 'Got POOLREQ, answering negatively' "$ISC_DIR/dhcpd.log")
	echo "#   dhcpd 'answering negatively' lines: $n"
	[ "$n" = 0 ]
}

# same_ownership KEA_ROLE: Kea's counts of free addresses it owns and its
# partner owns equal the FREE / BACKUP leases of dhcpd's lease file (FREE is
# the primary's, BACKUP the secondary's, in both implementations).
same_ownership() {
	isc_leases s2 >"$FO_TMP/isc-l.json"
	r=$(jq -c -n --slurpfile i "$FO_TMP/isc-l.json" --argjson k "$(fo_fget s1 '{"name": "rel1"}' |
	    jq -c '.relationships[0].state.addresses | {"free-mine", "free-partner", active}')" --arg role "$1" '
	    ($i[0] | [.[] | split(" ")[0]] | group_by(.) | map({(.[0]): length}) | add) as $c
	    | {kea: $k, isc: $c,
	       ok: (if $role == "primary" then ($k."free-mine" == ($c.free // 0) and $k."free-partner" == ($c.backup // 0))
	            else ($k."free-mine" == ($c.backup // 0) and $k."free-partner" == ($c.free // 0)) end)}')
	echo "#   $r"
	[ "$(echo "$r" | jq .ok)" = true ]
}

# mclt_in_force FILE SERVER_IP: Kea's failover-get shows MCLT 30, and every
# lease the server at SERVER_IP acked in FILE (first leases) is 1..30 s.
mclt_in_force() {
	m=$(fo_fget s1 '{"name": "rel1"}' | jq '.relationships[0].state."max-client-lead-time"')
	r=$(jq -s -c --arg s "$2" 'map(select(.acked != null and .acked_by == $s)) |
	    {acked_by_server: length, lease_times: (map(.lease_time) | unique)}' "$1")
	echo "#   failover-get max-client-lead-time in force: $m; by $2: $r"
	[ "$m" = 30 ] && [ "$(echo "$r" | jq '.acked_by_server > 0 and (.lease_times | all(. != null and . >= 1 and . <= 30))')" = true ]
}

# mclt_shown N: failover-get shows MCLT N in force.
mclt_shown() {
	m=$(fo_fget s1 '{"name": "rel1"}' | jq '.relationships[0].state."max-client-lead-time"')
	echo "#   failover-get max-client-lead-time in force: $m"
	[ "$m" = "$1" ]
}

run() {
	kea_role=$1 isc_role=$2 tag="Kea $1, ISC $2"
	# Kea's configured MCLT: the primary's own (30); as secondary a different
	# one (600), which the ISC primary's 30 overrides.
	kea_mclt=30; [ "$kea_role" = secondary ] && kea_mclt=600
	fo_pair_reset
	fo_pair_config s1 "$FO_TMP/s1.json" "$(jq -cn --arg t "$kea_role" --argjson m "$kea_mclt" \
	    '{"server-type": $t, "dialect": "isc", "max-client-lead-time": $m}')" "$D4"
	if ! isc_start "$isc_role"; then fo_not_ok "$tag: dhcpd starts"; return; fi
	if ! fo_kea_start s1 "$FO_TMP/s1.json" 0; then fo_not_ok "$tag: kea-dhcp4 starts"; isc_stop s2; return; fi
	fo_check "$tag: Kea reaches Normal (failover-get, <= 75 s)" fo_wait_state s1 rel1 Normal 75 Normal
	fo_check "$tag: dhcpd moves to normal" isc_wait_state s2 normal 10
	echo "#   Kea: $(fo_states s1)"
	echo "#   dhcpd: $(grep 'failover peer rel1: I move' "$ISC_DIR/dhcpd.log" | sed 's/.*I move from \([a-z-]*\) to \([a-z-]*\)/\1>\2/' | tr '\n' ' ')"

	if [ "$kea_role" = primary ]; then pip=$FO_IP_s1 sip=$FO_IP_s2; else pip=$FO_IP_s2 sip=$FO_IP_s1; fi
	fo_probe_pair dora --count 100 --seed "isc-$kea_role" --primary-percent 50 --timeout 1.5 --nak-restart 2 \
	    >"$FO_TMP/isc-dora.json" 2>"$FO_TMP/err"; sed 's/^/#   /' "$FO_TMP/err"
	fo_check "$tag: each client is answered by its bucket's owner (primary: buckets 0-127)" \
	    by_owner "$FO_TMP/isc-dora.json" "$pip" "$sip"
	fo_check "$tag: every lease is active on both (dhcpd's lease file, Kea's lease4-get-all), <= 15 s" \
	    wait_leases_on_both "$FO_TMP/isc-dora.json"
	fo_check "$tag: dhcpd reports a balanced pool" pool_balanced
	fo_check "$tag: no POOLREQ answered negatively (Kea asks only when short of its share)" \
	    no_negative_poolresp
	fo_check "$tag: MCLT 30 in force on Kea (configured $kea_mclt); Kea's first leases <= 30 s" \
	    mclt_in_force "$FO_TMP/isc-dora.json" "$FO_IP_s1"
	fo_check "$tag: dhcpd's first leases <= 30 s" mclt_in_force "$FO_TMP/isc-dora.json" "$FO_IP_s2"
	if [ "$kea_role" = secondary ]; then
		fo_check "$tag: Kea logs that the primary's MCLT (30 s) overrides its 600 s" \
		    grep FAILOVER_MCLT_MISMATCH "$FO_LOG_s1" | grep -q "the primary's MCLT of 30 s is in force, not max-client-lead-time 600 s"
	fi
	fo_check "$tag: Kea and dhcpd agree on who owns each free address (counts)" same_ownership "$kea_role"

	# Partition and heal.
	from=$(isc_lines s2)
	fo_link_down s2
	fo_check "$tag: link down: Kea goes to CommunicationInterrupted" fo_wait_state s1 rel1 CommunicationInterrupted 15
	fo_check "$tag: link down: dhcpd moves to communications-interrupted" isc_wait_state s2 communications-interrupted 15 "$from"
	from=$(isc_lines s2)
	fo_link_up s2
	fo_check "$tag: heal: Kea back to Normal (<= 75 s)" fo_wait_state s1 rel1 Normal 75 Normal
	fo_check "$tag: heal: dhcpd back to normal" isc_wait_state s2 normal 15 "$from"
	echo "#   Kea: $(fo_states s1)"
	if [ "$kea_role" = secondary ]; then
		# kill -9, and the primary gone: until it connects again Kea keeps
		# to the primary's MCLT it adopted (kept in its state file, as dhcpd
		# keeps it in its lease file), not to its own 600 s.
		fo_kea_kill9 s1
		isc_stop s2
		if fo_kea_start s1 "$FO_TMP/s1.json" 0; then
			fo_check "$tag: after kill -9, with the primary down, Kea keeps the primary's MCLT 30 (not 600)" \
			    mclt_shown 30
			fo_check "$tag: Kea logs FAILOVER_MCLT_RESTORED" grep -q "FAILOVER_MCLT_RESTORED.*MCLT 30 s in force from the state file" "$FO_LOG_s1"
		else
			fo_not_ok "$tag: kea-dhcp4 restarts after kill -9"
		fi
	fi
	fo_kea_stop s1
	isc_stop s2
	[ -z "${FO_KEEP:-}" ] || cp -a "$ISC_DIR" "$FO_KEEP-isc-$kea_role"
}

run primary secondary
run secondary primary

[ -z "${FO_KEEP:-}" ] || cp -a "$FO_TMP" "$FO_KEEP"   # keep logs for a post-mortem
fo_summary
