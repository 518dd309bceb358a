#!/bin/sh
# demo.sh BUILD_DIR - the main job, as far as the project goes today.
#
# Installs the hook into Kea's hooks directory, then, in two network
# namespaces joined by a veth pair (server 10.0.0.1, client):
#   1. kea-dhcp4 -t accepts the example failover configuration and refuses a
#      bad one, naming the YANG path of the fault;
#   2. kea-dhcp4 starts with the hook, which logs its relationships;
#   3. a real DHCP client (busybox udhcpc) gets a lease.
# Stops every process it started and removes the namespaces.
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
tmp=$(mktemp -d /tmp/fo-demo.XXXXXX)
ns_srv=fo-demo-srv-$$
ns_cli=fo-demo-cli-$$
kea_pid=

cleanup() {
	[ -n "$kea_pid" ] && kill "$kea_pid" 2>/dev/null && wait "$kea_pid" 2>/dev/null
	ip netns del "$ns_srv" 2>/dev/null
	ip netns del "$ns_cli" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
step() { printf '\n== %s\n' "$*"; }
fail() { echo "DEMO FAILED: $*"; exit 1; }

step "installing the hook (make install)"
make -C "$build" -s install >/dev/null || fail "make install"
hooksdir=$(kea-dhcp4 -W | sed -n 's/^ *Hooks directory: *//p')
ls -l "$hooksdir/libdhcp_failover.so" || fail "hook not in $hooksdir"

mkdir -p "$tmp/run"
export KEA_PIDFILE_DIR="$tmp/run" KEA_LOCKFILE_DIR="$tmp/run"
sed "s|@HOOKSDIR@|$hooksdir|g" "$top/docs/examples/load-balance-primary.json" |
    jq --arg lf "$tmp/leases4.csv" --arg sock "$tmp/kea4.sock" '
	.Dhcp4["interfaces-config"] = {"interfaces": ["fo-s1"]}
	| .Dhcp4["lease-database"] = {"type": "memfile", "persist": true, "name": $lf}
	| .Dhcp4["control-socket"] = {"socket-type": "unix", "socket-name": $sock}' >"$tmp/kea4.json"

step "the failover parameters of docs/examples/load-balance-primary.json"
jq '.Dhcp4["hooks-libraries"][] | select(.library | test("failover")) | .parameters' "$tmp/kea4.json"

step "network namespaces: $ns_srv (10.0.0.1 on fo-s1) <-> $ns_cli (fo-c1)"
ip netns add "$ns_srv" && ip netns add "$ns_cli" || fail "ip netns add"
ip link add fo-s1 netns "$ns_srv" type veth peer name fo-c1 netns "$ns_cli" || fail "veth"
ip -n "$ns_srv" addr add 10.0.0.1/24 dev fo-s1
for ns in "$ns_srv" "$ns_cli"; do ip -n "$ns" link set lo up; done
ip -n "$ns_srv" link set fo-s1 up
ip -n "$ns_cli" link set fo-c1 up

step "kea-dhcp4 -t accepts it"
ip netns exec "$ns_srv" kea-dhcp4 -t "$tmp/kea4.json" >"$tmp/t.log" 2>&1 || { cat "$tmp/t.log"; fail "kea-dhcp4 -t refused the example"; }
echo "kea-dhcp4 -t: configuration OK"

step "kea-dhcp4 -t refuses MaxClientLeadTime 0, naming the YANG path"
jq '(.Dhcp4["hooks-libraries"][] | select(.library | test("failover")) | .parameters.relationships[0]["max-client-lead-time"]) = 0' \
    "$tmp/kea4.json" >"$tmp/bad.json"
ip netns exec "$ns_srv" kea-dhcp4 -t "$tmp/bad.json" >"$tmp/bad.log" 2>&1 && fail "kea-dhcp4 -t accepted a bad configuration"
grep FAILOVER_LOAD_FAILED "$tmp/bad.log" | sed 's/.*FAILOVER_LOAD_FAILED/FAILOVER_LOAD_FAILED/'

step "kea-dhcp4 with the failover hook"
ip netns exec "$ns_srv" kea-dhcp4 -c "$tmp/kea4.json" >"$tmp/kea.log" 2>&1 &
kea_pid=$!
i=0
until grep -q DHCP4_STARTED "$tmp/kea.log" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 100 ] || { cat "$tmp/kea.log"; fail "kea-dhcp4 did not start"; }
	kill -0 "$kea_pid" 2>/dev/null || { cat "$tmp/kea.log"; fail "kea-dhcp4 exited"; }
	sleep 0.1
done
grep -E 'failover-hooks|DHCP4_STARTED' "$tmp/kea.log" | sed -E 's/^[0-9-]+ [0-9:.]+ //'

step "a DHCP client (busybox udhcpc) in $ns_cli"
ip netns exec "$ns_cli" timeout 20 busybox udhcpc -i fo-c1 -n -q -f -t 5 -T 2 -s /bin/true 2>&1 |
    grep -E 'lease|obtained|sending' | head -5
grep -q '^10\.0\.0\.' "$tmp/leases4.csv" || fail "no lease in Kea's lease file"
echo "Kea's lease file:"
cut -d, -f1-5 "$tmp/leases4.csv"

step "done: the hook loaded and validated its configuration; stopping kea-dhcp4 (pid $kea_pid)"
