#!/bin/sh
# demo.sh BUILD_DIR - the main job: a DHCPv4 failover pair of two kea-dhcp4.
#
#   1. installs the hook (make install) into Kea's hooks directory;
#   2. builds a small network in namespaces: a bridge, two servers
#      (s1 10.0.0.1 primary, s2 10.0.0.2 secondary), a relay/client namespace
#      and a broadcast client namespace;
#   3. starts both kea-dhcp4 with the failover hook (LoadBalance 50, MCLT 30 s,
#      max-response-delay 6 s; s1 with auto-state-transition and a 5 s
#      state-switch-interval) and shows them reaching Normal by themselves;
#   4. serves clients: busybox udhcpc (broadcast) and 100 relayed clients
#      (tools/dhcp_probe.py, relaying to both servers, as a real relay does);
#   5. shows a lease given by one server replicated to its partner;
#   6. cuts s2's link: CommunicationInterrupted on both, then PartnerDown on
#      s1 after the state-switch-interval; s1 keeps serving;
#   7. restores the link and shows the way back to Normal;
# then stops every process it started and removes its namespaces.
# Bounded: about a minute, at most 3 (a watchdog ends it). Needs root.
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}

step() { printf '\n== %s\n' "$*"; }
fail() { echo "DEMO FAILED: $*"; exit 1; }
[ "$(id -u)" = 0 ] || fail "the demo needs root (network namespaces, make install)"
for c in kea-dhcp4 jq socat ip bridge python3 busybox; do
	command -v "$c" >/dev/null 2>&1 || fail "$c is not installed (tools/quickstart.sh installs everything)"
done

step "1. installing the hook (make install)"
make -C "$build" -s install >"${TMPDIR:-/tmp}/fo-demo-install.log" 2>&1 ||
    { tail -20 "${TMPDIR:-/tmp}/fo-demo-install.log"; fail "make install"; }
hooksdir=$(kea-dhcp4 -W | sed -n 's/^ *hooks_dir: *//p; s/^ *Hooks directory: *//p' | head -1)
[ -n "$hooksdir" ] || hooksdir=/usr/lib/x86_64-linux-gnu/kea/hooks
[ -f "$hooksdir/libdhcp_failover.so" ] || fail "libdhcp_failover.so is not in $hooksdir"
ls -l "$hooksdir/libdhcp_failover.so"

# The integration tests' helpers (tests/kea/scenario.sh): namespaces, Kea
# configuration and control, cleanup by PID and namespace name at exit.
srcdir=$top
FO_KEA_TESTS=$top/tests/kea
FO_TEST=demo
FO_HOOK=$hooksdir/libdhcp_failover.so
FO_TEST_SEAM=0                  # no test seam: every state comes from the protocol
. "$top/tests/kea/scenario.sh"
fo_deadline 175

# s NAME: a one-line excerpt of NAME's failover-get.
s() {
	fo_fget "$1" '{"name": "rel1"}' | jq -r --arg n "$1" '.relationships[0].state |
	    "\($n): state \(.state) (since \(."state-since" // "-")), partner \(."partner-state" // "-"), connected \(.connected), free-mine \(.addresses."free-mine"), active \(.addresses.active)"'
}
states() { echo "$1 went through: $(fo_states "$1" | sed 's/ / -> /g')"; }
elapsed() { echo $(( $(date +%s) - $1 )); }

step "2. network namespaces: a bridge, s1 (10.0.0.1), s2 (10.0.0.2), a relay (10.0.0.4), a broadcast client"
fo_topology_up || fail "could not build the namespaces"
ip netns list | grep "^$FO_NSP" | sed 's/ .*//' | tr '\n' ' '; echo

step "3. the failover relationship (parameters of the hook on s1; s2 mirrors them)"
D4='{"valid-lifetime": 3600, "renew-timer": 900, "rebind-timer": 2700,
  "subnet4": [{"id": 1, "subnet": "10.0.0.0/16", "pools": [{"pool": "10.0.1.0 - 10.0.2.255"}],
               "option-data": [{"name": "routers", "data": "10.0.0.254"}]}]}'
fo_pair_config s1 "$FO_TMP/s1.json" '{"auto-state-transition": true, "state-switch-interval": 5}' "$D4"
fo_pair_config s2 "$FO_TMP/s2.json" '{}' "$D4"
jq '.Dhcp4["hooks-libraries"][] | select(.library | test("failover")) | .parameters.relationships[0]' "$FO_TMP/s1.json"
ip netns exec "$FO_NS_S1" kea-dhcp4 -t "$FO_TMP/s1.json" >"$FO_TMP/t.log" 2>&1 ||
    { tail -5 "$FO_TMP/t.log"; fail "kea-dhcp4 -t refused the configuration"; }
echo "kea-dhcp4 -t: configuration OK"

step "4. starting both kea-dhcp4; they connect (TCP 647) and reach Normal by themselves"
t0=$(date +%s)
fo_kea_start s1 "$FO_TMP/s1.json" 0 || fail "kea-dhcp4 s1 did not start"
fo_kea_start s2 "$FO_TMP/s2.json" 0 || fail "kea-dhcp4 s2 did not start"
fo_wait_state s1 rel1 Normal 60 Normal >/dev/null && fo_wait_state s2 rel1 Normal 20 Normal >/dev/null ||
    { s s1; s s2; fail "the pair did not reach Normal"; }
echo "Normal on both after $(elapsed "$t0") s:"
s s1; s s2
states s1; states s2
echo "failover-get on s1 (excerpt):"
fo_fget s1 '{"name": "rel1"}' | jq '.relationships[0] | {name, "server-type", mode, "load-balance-percent",
    "max-client-lead-time", state: (.state | {state, "partner-state", connected, "primary-server-ip",
    "secondary-server-ip", addresses: (.addresses | {total, "free-mine", "free-partner", active})})}'

step "5. clients: busybox udhcpc (broadcast) and 100 clients through a relay that forwards to both servers"
cat >"$FO_TMP/udhcpc.script" <<EOF
#!/bin/sh
[ "\$1" = bound ] || exit 0
echo "ip=\$ip lease=\$lease serverid=\$serverid" >"$FO_TMP/udhcpc.bound"
EOF
chmod +x "$FO_TMP/udhcpc.script"
timeout 20 ip netns exec "$FO_NS_DC" busybox udhcpc -f -q -n -i fo-dc -t 4 -T 2 \
    -s "$FO_TMP/udhcpc.script" >"$FO_TMP/udhcpc.log" 2>&1
if [ -s "$FO_TMP/udhcpc.bound" ]; then
	echo "udhcpc: $(cat "$FO_TMP/udhcpc.bound")   (the first lease is MCLT long: 30 s)"
else
	echo "udhcpc: no lease"; tail -3 "$FO_TMP/udhcpc.log"
fi
fo_probe_pair dora --count 100 --seed demo --primary-percent 50 --nak-restart 2 \
    >"$FO_TMP/clients.json" 2>"$FO_TMP/probe.err" || true
sed 's/^dhcp_probe: /probe: /' "$FO_TMP/probe.err"
jq -s -r 'group_by(.acked_by) | map("  \(length) clients got a lease from \(.[0].acked_by // "nobody")") | .[]' "$FO_TMP/clients.json"
echo "  (each client is answered by the server of its RFC 3074 hash bucket: 0-127 s1, 128-255 s2)"
jq -s -r '[.[] | select(.acked != null and ((.owner == "primary") != (.acked_by == "10.0.0.1")))] | length
    | "  clients answered by the other server than their bucket'"'"'s: \(.)"' "$FO_TMP/clients.json"

step "6. a lease given by s2 is replicated to s1 (and the other way round)"
fo_wait_synced 15 >/dev/null || true
addr=$(jq -s -r 'map(select(.acked_by == "10.0.0.2")) | .[0].acked // empty' "$FO_TMP/clients.json")
hw=$(jq -s -r --arg a "$addr" 'map(select(.acked == $a)) | .[0].chaddr' "$FO_TMP/clients.json")
for n in s2 s1; do
	fo_kea_cmd "$n" "$(jq -cn --arg a "$addr" '{"command": "lease4-get", "arguments": {"ip-address": $a}}')" |
	    jq -r --arg n "$n" '"lease4-get on \($n): \(.text)  \(.arguments // {} | {"ip-address", "hw-address", "valid-lft", state} | tostring)"'
done
echo "the probe's client for $addr: $hw"
echo "leases on s1: $(fo_leases s1 | grep -c .), on s2: $(fo_leases s2 | grep -c .) (lease4-get-all)"

step "7. cutting s2's link (its bridge port goes down)"
t_cut=$(date +%s)
fo_link_down s2
fo_wait_state s1 rel1 CommunicationInterrupted 20 >/dev/null || fo_wait_state s1 rel1 PartnerDown 1 >/dev/null
echo "after $(elapsed "$t_cut") s (max-response-delay 6 s without a message):"
s s1; s s2
echo "s1 waits state-switch-interval (5 s) in CommunicationInterrupted, then takes over..."
fo_wait_state s1 rel1 PartnerDown 15 >/dev/null || fail "s1 did not go to PartnerDown"
echo "after $(elapsed "$t_cut") s:"
s s1; s s2
fo_fget s1 '{"name": "rel1"}' | jq -r '.relationships[0].state | "s1: the partner\u0027s free addresses become usable at \(."partner-down-at" // "PartnerDown + MCLT") (MCLT 30 s after PartnerDown)"'
fo_probe_to s1 dora --count 20 --seed demo-pd --nak-restart 2 >"$FO_TMP/pd.json" 2>/dev/null || true
echo "s1 alone serves every client meanwhile: $(jq -s 'map(select(.acked != null)) | length' "$FO_TMP/pd.json") of 20 new clients (any bucket) got a lease from its own addresses"

step "8. restoring the link: the way back to Normal (PotentialConflict, ConflictDone per draft-12)"
t_heal=$(date +%s)
fo_link_up s2
echo "(the primary reconnects with a back-off of up to a minute)"
if fo_wait_state s1 rel1 Normal 75 Normal >/dev/null && fo_wait_state s2 rel1 Normal 20 Normal >/dev/null; then
	echo "Normal on both again after $(elapsed "$t_heal") s:"
else
	echo "not back to Normal after $(elapsed "$t_heal") s:"
fi
s s1; s s2
states s1; states s2
fo_wait_synced 15 >/dev/null || true
echo "leases on s1: $(fo_leases s1 | grep -c .), on s2: $(fo_leases s2 | grep -c .) (the 20 given by s1 alone were sent to s2)"
"$PYTHON" "$top/tools/check_duplicates.py" --probe "$FO_TMP/clients.json" --probe "$FO_TMP/pd.json" \
    --leases s1="$(fo_kea_cmd s1 '{"command": "lease4-get-all"}' >"$FO_TMP/l1.json"; echo "$FO_TMP/l1.json")" \
    --leases s2="$(fo_kea_cmd s2 '{"command": "lease4-get-all"}' >"$FO_TMP/l2.json"; echo "$FO_TMP/l2.json")" 2>&1 |
    sed 's/^check_duplicates: /no address held by two clients: /'

step "done in $(elapsed "$t0") s: stopping both kea-dhcp4 and removing the namespaces"
fo_kea_stop s1; fo_kea_stop s2
