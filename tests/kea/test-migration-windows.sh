#!/bin/sh
# test-migration-windows.sh - the Windows guide's pair, with real servers
# (docs/migration-windows.md): tests/migration/windows-export.xml (the
# export of DHCP-A, primary of relationship DHCP-A-DHCP-B with DHCP-B) is
# converted twice by tools/windows-to-kea, for DHCP-A (s1, 10.0.0.1, with the
# export's leases as its lease file) and with --server-type secondary for
# DHCP-B (s2, 10.0.0.2: partner, share and role mirrored), --relationship
# DHCP-A-DHCP-B (the export's other relationship has a partner outside the
# test). Both kea-dhcp4 reach Normal, s1 after RecoverWait of an MCLT (the
# export's 00:01:00: a server that starts with leases and no bindings waits
# the whole MCLT; load balancing 70/30, message
# authentication with the shared secret given on the command line); the
# secondary learns the export's active leases from the primary; 30 clients
# DORA through the two-server relay and are served by both; both lease tables
# agree; no address is held by two clients.
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
. "$(dirname "$0")/scenario.sh"
REL=DHCP-A-DHCP-B
M="$srcdir/tests/migration"

[ -f "$FO_HOOK" ] || { echo "hook not built: $FO_HOOK"; exit 99; }
fo_need jq socat
fo_deadline 200
fo_topology_up || { fo_not_ok "topology up"; fo_summary; exit 1; }

# convert NAME ARGS...: the guide's windows-to-kea command for server NAME.
convert() {
	_n=$1; shift
	mkdir -p "$FO_TMP/$_n/state"
	"$PYTHON" "$srcdir/tools/windows-to-kea" "$M/windows-export.xml" -o "$FO_TMP/kea-$_n.json" \
	    --interface "fo-$_n" --hook "$FO_HOOK" --lease-cmds "$FO_LEASE_CMDS" \
	    --state-directory "$FO_TMP/$_n/state" --lease-file "$FO_TMP/$_n/leases4.csv" \
	    --control-socket "$FO_TMP/$_n/kea4.sock" --shared-secret 's3cret-Zürich' --options-by-code \
	    --relationship "$REL" "$@" 2>"$FO_TMP/w2k-$_n.err" || { sed 's/^/#   /' "$FO_TMP/w2k-$_n.err"; return 1; }
	sed 's/^/#   /' "$FO_TMP/w2k-$_n.err"
}

relationship() { fo_fget "$1" "{\"name\": \"$REL\"}" | jq -c '.relationships[0] | del(.state)'; }

fo_check "DHCP-A (s1): windows-to-kea, the export's leases as the lease file" \
    convert s1 --leases-csv "$FO_TMP/s1/leases4.csv" --utc-offset +00:00
fo_check "DHCP-B (s2): windows-to-kea --server-type secondary (the exporting server's partner)" \
    convert s2 --server-type secondary
fo_check "both kea-dhcp4 start" fo_pair_start 0 "$FO_TMP/kea-s1.json" "$FO_TMP/kea-s2.json"
# s1 starts with leases and no bindings: Recover, then RecoverWait for the
# whole MCLT (60 s here: the export's 00:01:00), as after lost bindings.
fo_check "s1 Normal (after RecoverWait: MCLT 60 s)" fo_wait_state s1 "$REL" Normal 100 Normal
fo_check "s2 Normal" fo_wait_state s2 "$REL" Normal 30 Normal
fo_check "s1 runs the exporting server's relationship (primary, 70 %, local 10.0.0.1)" \
    fo_jqe '.["server-type"] == "primary" and .["load-balance-percent"] == 70 and .["local-address"] == "10.0.0.1"
            and .["partner-server"] == "10.0.0.2" and .["server-name"] == "dhcp-a.corp.example" and .["enable-auth"]' \
    "$(relationship s1 >"$FO_TMP/r1.json"; echo "$FO_TMP/r1.json")"
fo_check "s2 runs it mirrored (secondary, 30 %, local 10.0.0.2, partner 10.0.0.1)" \
    fo_jqe '.["server-type"] == "secondary" and .["load-balance-percent"] == 30 and .["local-address"] == "10.0.0.2"
            and .["partner-server"] == "10.0.0.1" and .["server-name"] == "dhcp-b.corp.example" and .["enable-auth"]' \
    "$(relationship s2 >"$FO_TMP/r2.json"; echo "$FO_TMP/r2.json")"
echo "#   s1: $(cat "$FO_TMP/r1.json")"
echo "#   s2: $(cat "$FO_TMP/r2.json")"

# exported_leases NAME: the export's active lease of 10.0.0.0/16 (10.0.1.20) is
# in NAME's lease4-get-all with its client, within 20 s.
exported_leases() {
	_end=$(($(date +%s) + 20))
	while :; do
		_l=$(fo_leases "$1" | jq -c 'select(.address == "10.0.1.20")')
		[ "$(echo "$_l" | jq -r '.hw // empty' 2>/dev/null)" = 52:54:00:00:00:01 ] && { echo "#   $1: $_l"; return 0; }
		[ "$(date +%s)" -lt "$_end" ] || { echo "#   $1: ${_l:-no lease of 10.0.1.20}"; return 1; }
		sleep 0.5
	done
}
fo_check "s1 serves the export's lease (its lease file)" exported_leases s1
fo_check "s2 learned it from s1 (binding update)" exported_leases s2

fo_probe_pair dora --count 30 --seed win --timeout 1.5 --nak-restart 2 --primary-percent 70 \
    >"$FO_TMP/dora.json" 2>"$FO_TMP/err"
sed 's/^/#   /' "$FO_TMP/err"
fo_check "30 clients acknowledged" fo_all_acked "$FO_TMP/dora.json"
fo_check "both servers answered clients" \
    fo_jqe -s 'map(.server_id) | unique == ["10.0.0.1", "10.0.0.2"]' "$FO_TMP/dora.json"
fo_check "both lease tables agree on the relationship's scope 10.0.0.0/16 (192.168.10.0/24 is served by s1 alone)" fo_wait_same_leases 15 10.0.
fo_snapshot end
fo_check "no address held by two clients" fo_no_duplicates "$FO_TMP/dora.json"

[ -z "${FO_KEEP:-}" ] || cp -a "$FO_TMP" "$FO_KEEP"
fo_summary
