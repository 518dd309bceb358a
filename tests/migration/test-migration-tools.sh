#!/bin/sh
# test-migration-tools.sh - tools/windows-to-kea and tools/dhcpd-to-kea on the
# inputs in tests/migration/ (docs/migration-windows.md, docs/migration-isc.md):
# 1. every field of the produced configurations (relationships leaf by leaf,
#    subnets, pools, options, reservations) and of the leases (a Kea 2.2
#    memfile lease file, lease4-add commands);
# 2. `kea-dhcp4 -t` with the built hook loaded accepts every produced
#    configuration; dhcpd -t accepts the dhcpd.conf inputs;
# 3. a real kea-dhcp4 (root: in a network namespace) loads the lease file and
#    refuses the lease4-add commands while its relationship is in Startup
#    (the hook takes them only where the server may give the address);
# 4. every refusal: exactly the lines of windows-refused.expect and
#    dhcpd-refused.expect (path or file:line, then the reason), exit status 1,
#    no file written.
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
. "$(dirname "$0")/../kea/lib.sh"

[ -f "$FO_HOOK" ] || { echo "hook not built: $FO_HOOK"; exit 99; }
: "${PYTHON:=$(command -v python3 || echo /usr/bin/python3)}"
: "${DHCPD:=$(command -v dhcpd || echo /usr/sbin/dhcpd)}"
command -v jq >/dev/null || { echo "SKIP: jq is not installed"; exit 77; }
fo_kea_env
M="$srcdir/tests/migration"
W2K="$PYTHON $srcdir/tools/windows-to-kea"
D2K="$PYTHON $srcdir/tools/dhcpd-to-kea"
KEA_HOOKS_DIR=$("$KEA_DHCP4" -W 2>/dev/null | sed -n 's/^ *hooks_dir: *//p' | head -1)
# linked into KEA_HOOKS_PATH (lib.sh): Kea 2.6.3 and 3.0 load hooks only from there
LEASE_CMDS=$(fo_hook_link "${KEA_HOOKS_DIR:-/usr/lib/x86_64-linux-gnu/kea/hooks}/libdhcp_lease_cmds.so")

# is FILE JQ_FILTER EXPECTED: the filter's compact output is EXPECTED.
is() {
	got=$(jq -c "$2" "$1" 2>&1)
	[ "$got" = "$3" ] && return 0
	echo "#   $2"; echo "#     want $3"; echo "#     got  $got"
	return 1
}

# kea_t CONFIG: kea-dhcp4 -t accepts it, the hook loaded without complaint
# (Kea 2.6.3 and 3.0: its files under CONFIG's directory, lib.sh's fo_kea_dirs).
kea_t() {
	env $(fo_kea_dirs "$(dirname "$1")") "$KEA_DHCP4" -t "$1" >"$FO_TMP/t.out" 2>"$FO_TMP/t.err"
	rc=$?
	[ $rc -eq 0 ] && ! grep -q FAILOVER_LOAD_FAILED "$FO_TMP/t.out" && [ ! -s "$FO_TMP/t.err" ] && return 0
	echo "#   rc=$rc"; cat "$FO_TMP/t.out" "$FO_TMP/t.err" | grep -E 'ERROR|FATAL|rror' | head -5 | sed 's/^/#   /'
	return 1
}

# refusals TOOL_OUTPUT_STDERR EXPECT: the refused lines are exactly EXPECT's.
refusals() {
	sed -n 's/^[a-z-]*: refused: //p' "$1" | sort >"$FO_TMP/got.r"
	sort "$2" >"$FO_TMP/want.r"
	diff "$FO_TMP/want.r" "$FO_TMP/got.r" >"$FO_TMP/diff.r" && return 0
	sed 's/^/#   /' "$FO_TMP/diff.r" | head -10
	return 1
}

# --- Windows -------------------------------------------------------------------
W="$FO_TMP/win"
mkdir -p "$W/state"
fo_check "windows-to-kea converts windows-export.xml" \
    $W2K "$M/windows-export.xml" -o "$W/kea.json" --hook "$FO_HOOK" --lease-cmds "$LEASE_CMDS" \
    --state-directory "$W/state" --shared-secret 's3cret-Zürich' --options-by-code \
    --leases-csv "$W/leases4.csv" --leases-commands "$W/lease4-add.json" --utc-offset +01:00 2>"$W/convert.err"
sed 's/^/#   /' "$W/convert.err"
fo_check "windows: what is converted with a loss is said (notes with the element's path)" \
    grep -q -F -x -e "windows-to-kea: note: /DHCPServer/IPv4/Failover/Relationship[2]/LoadBalancePercent: LoadBalancePercent has no effect in HotStandby mode: not written" "$W/convert.err"
R='.Dhcp4["hooks-libraries"][1].parameters.relationships'
fo_check "windows: LoadBalance relationship, every DhcpServerv4Failover property (00:01:00 = 60 s)" is "$W/kea.json" "$R[0]" \
    '{"name":"DHCP-A-DHCP-B","partner-server":"10.0.0.2","server-type":"primary","local-address":"10.0.0.1","server-name":"dhcp-a.corp.example","mode":"load-balance","load-balance-percent":70,"max-client-lead-time":60,"auto-state-transition":true,"state-switch-interval":600,"enable-auth":true,"shared-secret":"s3cret-Zürich","scope-id":["10.0.0.0"]}'
# mirrored: the primary's export converted for its partner (--server-type secondary).
mirrored() {
	$W2K "$M/windows-export.xml" --server-type secondary --relationship DHCP-A-DHCP-B --shared-secret x \
	    --options-by-code --hook "$FO_HOOK" -o "$W/mirrored.json" 2>/dev/null &&
	is "$W/mirrored.json" '.Dhcp4["hooks-libraries"][0].parameters.relationships[0]
	    | [.["server-type"], .["partner-server"], .["local-address"], .["load-balance-percent"], .["server-name"]]' \
	    '["secondary","10.0.0.1","10.0.0.2",30,"dhcp-b.corp.example"]'
}
mirror_refused() {
	! $W2K "$M/windows-export.xml" --server-type secondary --shared-secret x --options-by-code -o "$W/m2.json" \
	    2>"$W/m2.err" && [ ! -e "$W/m2.json" ] &&
	grep -q -F "refused: /DHCPServer/IPv4/Failover/Relationship[2]: this server is the exporting server's partner" "$W/m2.err"
}
fo_check "windows: --server-type secondary on the primary's export: partner, share and names mirrored" mirrored
fo_check "windows: --server-type secondary is refused for a relationship whose exporting end is unknown" mirror_refused
fo_check "windows: HotStandby relationship (1.00:00:00 = 86400 s, no interval without auto transition)" \
    is "$W/kea.json" "$R[1]" \
    '{"name":"Lab-standby","partner-server":"dhcp-c.corp.example","server-type":"primary","mode":"hot-standby","server-role":"active","reserve-percent":10,"max-client-lead-time":86400,"scope-id":["192.168.10.0"]}'
fo_check "windows: scope -> subnet4: range less exclusions as pools, LeaseDuration 8.00:00:00" \
    is "$W/kea.json" '.Dhcp4.subnet4[0] | [.id, .subnet, .["valid-lifetime"], .pools]' \
    '[1,"10.0.0.0/16",691200,[{"pool":"10.0.1.10 - 10.0.1.99"},{"pool":"10.0.1.110 - 10.0.1.199"}]]'
fo_check "windows: scope options by Kea name (3, 44, 46, 42; 51 is the valid-lifetime)" \
    is "$W/kea.json" '.Dhcp4.subnet4[0]["option-data"]' \
    '[{"name":"routers","data":"10.0.0.254"},{"name":"netbios-name-servers","data":"10.0.0.60"},{"name":"netbios-node-type","data":"8"},{"name":"ntp-servers","data":"10.0.0.123"}]'
fo_check "windows: server options (6, 15) are global option-data" \
    is "$W/kea.json" '.Dhcp4["option-data"]' \
    '[{"name":"domain-name-servers","data":"10.0.0.53, 10.0.0.54"},{"name":"domain-name","data":"corp.example"}]'
fo_check "windows: reservations (MAC, client id, name, reservation option)" \
    is "$W/kea.json" '.Dhcp4.subnet4[0].reservations' \
    '[{"hw-address":"00:15:5d:0a:0b:0c","ip-address":"10.0.1.50","hostname":"printer-2f.corp.example","option-data":[{"name":"tftp-server-name","data":"tftp.corp.example"}]},{"client-id":"01:00:15:5d:0a:0b:0d","ip-address":"10.0.1.51","hostname":"badge-reader"}]'
fo_check "windows: option 252 by code with --options-by-code (its String definition, hex)" \
    is "$W/kea.json" '.Dhcp4.subnet4[1] | [.["valid-lifetime"], .["option-data"][1]]' \
    '[3600,{"code":252,"space":"dhcp4","csv-format":false,"data":"687474703A2F2F777061642E636F72702E6578616D706C652F777061642E646174"}]'
fo_check "windows: the lease file has Kea 2.2's header and the Active and Declined leases (Expired left out)" \
    diff -u - "$W/leases4.csv" <<'CSV'
address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context
10.0.1.20,52:54:00:00:00:01,,691200,1930129200,1,0,0,pc-1.corp.example,0,
10.0.1.21,52:54:00:00:00:02,,691200,1930134600,1,0,0,pc-2,1,
192.168.10.77,52:54:00:00:01:77,,3600,1930131000,2,0,0,bench-77,0,
CSV
fo_check "windows: lease4-add commands carry the same leases" \
    is "$W/lease4-add.json" '[.command, .arguments["ip-address"], .arguments["hw-address"], .arguments.expire, .arguments.state]' \
    "$(printf '%s\n' '["lease4-add","10.0.1.20","52:54:00:00:00:01",1930129200,0]' \
        '["lease4-add","10.0.1.21","52:54:00:00:00:02",1930134600,1]' \
        '["lease4-add","192.168.10.77","52:54:00:00:01:77",1930131000,0]')"
fo_check "windows: kea-dhcp4 -t accepts the configuration (hook and lease_cmds loaded)" kea_t "$W/kea.json"
fo_check "windows: windows-refused.xml is refused (exit 1), no file written" \
    sh -c "! $W2K '$M/windows-refused.xml' -o '$W/refused.json' --leases-csv '$W/refused.csv' 2>'$W/refused.err' && [ ! -e '$W/refused.json' ] && [ ! -e '$W/refused.csv' ]"
fo_check "windows: every refusal names the element's path (windows-refused.expect)" \
    refusals "$W/refused.err" "$M/windows-refused.expect"

# --- ISC dhcpd -------------------------------------------------------------------
D="$FO_TMP/isc"
mkdir -p "$D/state"
for f in dhcpd-primary dhcpd-secondary dhcpd-hba; do
	if [ -x "$DHCPD" ]; then
		fo_check "dhcpd -t accepts $f.conf (the input is a real dhcpd configuration)" \
		    "$DHCPD" -4 -t -q -cf "$M/$f.conf"
	fi
	fo_check "dhcpd-to-kea converts $f.conf" \
	    $D2K "$M/$f.conf" -o "$D/$f.json" --hook "$FO_HOOK" --state-directory "$D/state" --no-keama
	fo_check "dhcpd-to-kea: kea-dhcp4 -t accepts the configuration of $f.conf" kea_t "$D/$f.json"
done
R='.Dhcp4["hooks-libraries"][0].parameters.relationships'
fo_check "dhcpd: primary's peer -> relationship (split 128 = 50 %, mclt, delays, ports, dialect isc)" \
    is "$D/dhcpd-primary.json" "$R" \
    '[{"name":"dhcp-pair","mode":"load-balance","server-type":"primary","local-address":"10.0.0.1","local-port":647,"partner-server":"10.0.0.2","partner-port":647,"max-response-delay":6,"max-unacked-updates":10,"load-balance-max-seconds":3,"max-client-lead-time":600,"load-balance-percent":50,"dialect":"isc","scope-id":["10.0.0.0"]}]'
fo_check "dhcpd: secondary's peer -> relationship (no mclt, 50 % by default)" \
    is "$D/dhcpd-secondary.json" "$R" \
    '[{"name":"dhcp-pair","mode":"load-balance","server-type":"secondary","local-address":"10.0.0.2","local-port":647,"partner-server":"10.0.0.1","partner-port":647,"max-response-delay":6,"max-unacked-updates":10,"load-balance-max-seconds":3,"load-balance-percent":50,"dialect":"isc","scope-id":["10.0.0.0"]}]'
# guide_json: the first ```json block of docs/migration-isc.md (the relationship
# the guide shows for dhcpd-secondary.conf with --mclt 600).
guide_json() { awk '/^ *```json/ { on = 1; next } on && /^ *```/ { exit } on' "$srcdir/docs/migration-isc.md" | jq -S -c .; }
fo_check "dhcpd: the relationship docs/migration-isc.md shows is what the tool writes (--mclt 600)" \
    test "$(guide_json)" = "$($D2K "$M/dhcpd-secondary.conf" --mclt 600 --hook "$FO_HOOK" 2>/dev/null | jq -S -c "$R[0]")"
fo_check "dhcpd: subnets, pools, options, lease times, the host as a reservation" \
    is "$D/dhcpd-primary.json" '.Dhcp4 | [.authoritative, .["valid-lifetime"], .["max-valid-lifetime"], .["option-data"], .subnet4]' \
    '[true,7200,7200,[{"name":"domain-name","data":"corp.example"},{"name":"domain-name-servers","data":"10.0.0.53, 10.0.0.54"}],[{"id":1,"subnet":"10.0.0.0/16","pools":[{"pool":"10.0.1.0 - 10.0.1.199"}],"option-data":[{"name":"routers","data":"10.0.0.254"}]},{"id":2,"subnet":"192.168.50.0/24","valid-lifetime":3600,"pools":[{"pool":"192.168.50.10 - 192.168.50.99"}],"option-data":[{"name":"routers","data":"192.168.50.1"}],"reservations":[{"hw-address":"00:15:5d:0a:0b:0c","ip-address":"192.168.50.5"}]}]]'
fo_check "dhcpd: --mclt and --split for a secondary (split 192 = 75 % primary: 25 % here)" \
    sh -c "$D2K '$M/dhcpd-secondary.conf' --mclt 30 --split 192 --hook '$FO_HOOK' 2>/dev/null |
        jq -e -c '$R[0] | .[\"max-client-lead-time\"] == 30 and .[\"load-balance-percent\"] == 25' >/dev/null"
fo_check "dhcpd: hba (192 of 256 buckets = 75 %), auto-partner-down, a host name peer, two subnets in one peer" \
    is "$D/dhcpd-hba.json" "$R" \
    '[{"name":"hq","mode":"load-balance","server-type":"primary","local-address":"10.20.0.1","local-port":519,"partner-server":"dhcp-b.corp.example","partner-port":520,"max-response-delay":60,"max-unacked-updates":10,"max-client-lead-time":1800,"load-balance-max-seconds":5,"auto-state-transition":true,"state-switch-interval":3600,"load-balance-percent":75,"dialect":"isc","scope-id":["10.20.0.0","10.21.0.0"]}]'
fo_check "dhcpd: --dialect draft for a Kea pair" \
    sh -c "$D2K '$M/dhcpd-primary.conf' --dialect draft --hook '$FO_HOOK' 2>/dev/null | jq -e '$R[0].dialect == \"draft\"' >/dev/null"
fo_check "dhcpd: says who converted the subnets (keama, or itself when keama is absent)" \
    sh -c "$D2K '$M/dhcpd-primary.conf' --no-keama -o /dev/null 2>&1 | grep -q 'converted by dhcpd-to-kea itself'"
fo_check "dhcpd: dhcpd-refused.conf is refused (exit 1), no file written" \
    sh -c "cd '$M' && ! $D2K dhcpd-refused.conf -o '$D/refused.json' 2>'$D/refused.err' && [ ! -e '$D/refused.json' ]"
fo_check "dhcpd: every refusal names file:line (dhcpd-refused.expect)" \
    refusals "$D/refused.err" "$M/dhcpd-refused.expect"

# --- A real kea-dhcp4 loads the leases (root: a namespace of its own) ----------
if [ "$(id -u)" -ne 0 ]; then
	echo "# not root: the lease loading checks are skipped"
	fo_summary; exit $?
fi
ns=fo-mig-$$
fo_netns_veth "$ns" fo-d0 10.0.0.1/16

# kea_leases LEASEFILE [COMMANDS]: kea-dhcp4 with the Windows configuration,
# LEASEFILE and a new state directory (the hook would give back the bindings
# of an earlier run); lease4-get-all's {address: [hw, state, expire]} after
# the commands in COMMANDS.
kea_leases() {
	st="$W/state-$(basename "$1")"; mkdir -p "$st"
	jq --arg lf "$1" --arg sock "$W/kea4.sock" --arg st "$st" '.Dhcp4["lease-database"].name = $lf
	    | .Dhcp4["hooks-libraries"][1].parameters["state-directory"] = $st
	    | .Dhcp4["lease-database"]["lfc-interval"] = 0
	    | .Dhcp4["control-socket"] = {"socket-type": "unix", "socket-name": $sock}
	    | .Dhcp4["interfaces-config"].interfaces = []' "$W/kea.json" >"$W/run.json"
	rm -f "$W/kea4.sock"
	env $(fo_kea_dirs "$W") ip netns exec "$ns" "$KEA_DHCP4" -c "$W/run.json" >"$W/run.log" 2>&1 &
	pid=$!; FO_PIDS="$FO_PIDS $pid"
	fo_wait_log "$W/run.log" DHCP4_STARTED 20 || { grep -E 'ERROR|FATAL' "$W/run.log" | head -3; kill $pid; return 1; }
	i=0; while [ ! -S "$W/kea4.sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	if [ -n "${2:-}" ]; then
		while IFS= read -r cmd; do
			printf '%s' "$cmd" | timeout 10 socat -t 5 - "UNIX-CONNECT:$W/kea4.sock" | tee -a "$W/add.answers" |
			    jq -r '.result' >>"$W/add.results"
		done <"$2"
	fi
	# A refused lease4-add leaves Kea's database on the hook's next apply tick (100 ms).
	i=0
	while :; do
		printf '%s' '{"command": "lease4-get-all"}' | timeout 10 socat -t 5 - "UNIX-CONNECT:$W/kea4.sock" |
		    jq -c '[.arguments.leases[]? | {(.["ip-address"]): [.["hw-address"], .state, (.cltt + .["valid-lft"])]}] | add' >"$W/all.json"
		[ -z "${2:-}" ] || [ "$(cat "$W/all.json")" = null ] || [ $i -ge 30 ] || { i=$((i + 1)); sleep 0.1; continue; }
		break
	done
	cat "$W/all.json"
	kill "$pid"; wait "$pid" 2>/dev/null
}
WANT='{"10.0.1.20":["52:54:00:00:00:01",0,1930129200],"10.0.1.21":["52:54:00:00:00:02",1,1930134600],"192.168.10.77":["52:54:00:00:01:77",0,1930131000]}'
if command -v socat >/dev/null; then
	cp "$W/leases4.csv" "$W/load.csv"
	got=$(kea_leases "$W/load.csv")
	fo_check "kea-dhcp4 loads the lease file: lease4-get-all lists the 3 leases as written" \
	    test "$(echo "$got" | jq -S -c .)" = "$(echo "$WANT" | jq -S -c .)"
	[ "$(echo "$got" | jq -S -c .)" = "$(echo "$WANT" | jq -S -c .)" ] || echo "#   got $got"
	: >"$W/add.results"
	# On a server of a failover pair, lease4-add is taken only where that
	# server may give the address (docs/operation.md): this one has just
	# started (Startup, no partner), so the hook refuses every one of them,
	# says why, and Kea's database keeps none (the lease file above is the
	# way to load leases before the pair runs).
	got=$(kea_leases "$W/empty.csv" "$W/lease4-add.json")
	r="results $(sort -u "$W/add.results" | tr '\n' ' ')refused-in-startup $(grep -o 'refused by the failover hook: [^"]*server state Startup' "$W/add.answers" | wc -l) leases $got"
	echo "#   $r"
	fo_check "lease4-add commands on a failover server in Startup: each refused (result 1, the reason), none kept" \
	    test "$r" = "results 1 refused-in-startup 3 leases null"
	[ "$got" = null ] || echo "#   got $got; $(cat "$W/add.answers")"
else
	echo "# socat is not installed: the lease loading checks are skipped"
fi
fo_summary
