# scenario.sh - topology and Kea control for the failover integration tests.
# Sourced (after nothing: it sources lib.sh itself), never run.
#
# Topology (all names carry this test's name and PID, so parallel runs and
# leftovers of other tests are never touched):
#
#            fo-T-PID-br  (bridge namespace: bridge "br0")
#        +------------+-------------+--------------+
#     p-s1          p-s2          p-cl           p-dc        (bridge ports)
#       |             |             |              |
#     fo-s1         fo-s2         fo-cl          fo-dc       (veth peers)
#   10.0.0.1/16   10.0.0.2/16   10.0.0.3/16      no address
#   fo-T-PID-s1   fo-T-PID-s2   fo-T-PID-cl    fo-T-PID-dc
#   kea-dhcp4     (2nd server,  relays: perfdhcp  udhcpc
#   (+ agent)      later issues) and dhcp_probe   (broadcast)
#                                + 10.0.0.4..9
#
# The Kea subnet is 10.0.0.0/16 (scope-id 10.0.0.0): it contains the
# servers, the relay addresses (giaddr) and the pools (10.0.1.0 and up), so
# relayed and direct (broadcast) clients land in the same subnet.
#
# Functions:
#   fo_topology_up                       the namespaces above
#   fo_config NAME OUT [REL] [DHCP4] [HOOK]
#                                        a kea-dhcp4 configuration for server NAME
#                                        (s1|s2), REL merged into the relationship,
#                                        DHCP4 merged into Dhcp4 (jq `*`; a null
#                                        member deletes), HOOK=nohook: without the
#                                        failover hook
#   fo_kea_start NAME CONFIG [MT]        start kea-dhcp4 (MT=1: multi-threading)
#   fo_kea_cmd NAME JSON                 a command over the unix socket; prints the answer
#   fo_kea_stop NAME / fo_kea_kill9 NAME stop it (SIGTERM then SIGKILL) / kill -9
#   fo_kea_wipe NAME                     forget its leases and failover state
#   fo_set_state NAME REL STATE [PARTNER] the test seam
#   fo_fget NAME [ARGS_JSON]             failover-get; prints .arguments
#   fo_fget_all NAME [ARGS_JSON]         the same with every page of bindings, merged
#   fo_stat NAME STAT                    a Kea statistic's current value
#   fo_kea_http / fo_config_http NAME IN OUT ADDR PORT [USER PW] / fo_http_cmd NAME JSON
#                                        Kea >= 2.7: kea-dhcp4's own HTTP control socket
#   fo_cmd NAME JSON                     a command over $FO_VIA (sock, http), the answer unwrapped
# Command answers (a file holding one; an agent's one-element list too):
#   fo_jqe JQ_ARGS...                    jq -e, quiet: the filter's truth
#   fo_result_is FILE RESULT             the answer's result
#   fo_says FILE RESULT WORDS            result RESULT, and the text contains WORDS
#   fo_yang_ok FILE                      .arguments valid state data of the YANG module
#   fo_no_secret FILES...                none of $FO_SECRETS (space separated) in FILES
#   fo_probe ARGS...                     tools/dhcp_probe.py in the client namespace
#   fo_deadline SECONDS                  kill this test (and its children) after SECONDS
# Two servers (see "Pairs" below):
#   fo_pair_config NAME OUT [REL] [DHCP4]  fo_config with the pair's defaults (MCLT 30,
#                                        max-response-delay 6, side link if any)
#   fo_pair_start MT CFG1 CFG2           start s1 and s2
#   fo_wait_state NAME REL STATE SECS [PARTNER]  poll failover-get until STATE
#   fo_pair_normal                       both Normal, each with its partner Normal (60 s, 20 s)
#   fo_pair_up MT TAG [DHCP4]            fresh configs, start, check both reach Normal
#   fo_wait_synced SECS                  both servers: no pending/unacked update
#   fo_link_down NAME / fo_link_up NAME  partition / heal: NAME's bridge port
#   fo_states NAME [REL]                 the state changes NAME logged, one line
#   fo_probe_pair ARGS...                the probe relaying to both servers
#   fo_probe_pair_bg OUT ARGS... / fo_probe_wait OUT  the same in the background / its end
#   fo_snapshot TAG                      leases and bindings of both servers to files
#   fo_no_duplicates FILES...            tools/check_duplicates.py over every snapshot
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0

. "${FO_KEA_TESTS:-$(dirname "$0")}/lib.sh"

: "${FO_TEST:=$(basename "$0" .sh | sed -e 's/^test-//' -e 's/^bench_//' | cut -c1-10)}"
: "${PYTHON:=$(command -v python3 || echo /usr/bin/python3)}"
: "${PERFDHCP:=$(command -v perfdhcp || echo /usr/sbin/perfdhcp)}"
: "${KEA_HOOKS_DIR:=$("$KEA_DHCP4" -W 2>/dev/null | sed -n 's/^ *hooks_dir: *//p' | head -1)}"
[ -n "$KEA_HOOKS_DIR" ] || KEA_HOOKS_DIR=/usr/lib/x86_64-linux-gnu/kea/hooks
: "${FO_LEASE_CMDS:=$KEA_HOOKS_DIR/libdhcp_lease_cmds.so}"
FO_LEASE_CMDS=$(fo_hook_link "$FO_LEASE_CMDS")   # KEA_HOOKS_PATH (lib.sh)
FO_PROBE="$srcdir/tools/dhcp_probe.py"

FO_NSP="fo-$FO_TEST-$$"
FO_NS_BR="$FO_NSP-br"
FO_NS_S1="$FO_NSP-s1"
FO_NS_S2="$FO_NSP-s2"
FO_NS_CL="$FO_NSP-cl"
FO_NS_DC="$FO_NSP-dc"
FO_NS_s1=$FO_NS_S1
FO_NS_s2=$FO_NS_S2
FO_SUBNET=10.0.0.0/16
FO_SCOPE=10.0.0.0
FO_IP_s1=10.0.0.1
FO_IP_s2=10.0.0.2
FO_CLIENT_IP=10.0.0.3
FO_RELAY1=10.0.0.4          # dhcp_probe
FO_RELAY2=10.0.0.5          # perfdhcp

fo_need() {
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || { echo "SKIP: $c is not installed"; exit 77; }
	done
}

# fo_deadline SECONDS: a watchdog; past SECONDS the test is ended (its
# cleanup trap runs) and its children stopped.
fo_deadline() {
	_fo_main=$$
	(
		trap 'kill "$_fo_sl" 2>/dev/null; exit 0' TERM INT
		sleep "$1" &
		_fo_sl=$!
		wait "$_fo_sl" || exit 0
		echo "not ok - $FO_TEST exceeded its time bound of $1 s" >&2
		pkill -TERM -P "$_fo_main" 2>/dev/null
		kill -TERM "$_fo_main" 2>/dev/null
	) &
	FO_PIDS="$FO_PIDS $!"
}

fo_topology_up() {
	fo_skip_unless_root "$FO_TEST"
	for n in br s1 s2 cl dc; do fo_netns "$FO_NSP-$n" || return 1; done
	ip -n "$FO_NS_BR" link add br0 type bridge || return 1
	ip -n "$FO_NS_BR" link set br0 type bridge stp_state 0 forward_delay 0 2>/dev/null
	ip -n "$FO_NS_BR" link set br0 up
	for n in s1 s2 cl dc; do
		ip -n "$FO_NS_BR" link add "p-$n" type veth peer name "fo-$n" netns "$FO_NSP-$n" || return 1
		ip -n "$FO_NS_BR" link set "p-$n" master br0
		ip -n "$FO_NS_BR" link set "p-$n" up
		ip -n "$FO_NSP-$n" link set "fo-$n" up
	done
	ip -n "$FO_NS_S1" addr add "$FO_IP_s1/16" dev fo-s1
	ip -n "$FO_NS_S2" addr add "$FO_IP_s2/16" dev fo-s2
	ip -n "$FO_NS_CL" addr add "$FO_CLIENT_IP/16" dev fo-cl
	for a in 4 5 6 7 8 9; do ip -n "$FO_NS_CL" addr add "10.0.0.$a/16" dev fo-cl; done
	if [ "${FO_SIDE_LINKS:-0}" = 1 ]; then fo_side_links || return 1; fi
	# With STP off the ports forward at once; wait until all four say so.
	i=0
	while [ $i -lt 50 ]; do
		[ "$(bridge -n "$FO_NS_BR" link show 2>/dev/null | grep -c 'state forwarding')" -ge 4 ] && return 0
		i=$((i + 1)); sleep 0.1
	done
	echo "# topology: the bridge ports do not forward"
	return 1
}

# fo_config NAME OUT [REL_MERGE] [DHCP4_MERGE] [nohook]
fo_config() {
	_n=$1 _out=$2 _rel=${3:-'{}'} _d4=${4:-'{}'} _hook=${5:-hook}
	_dir="$FO_TMP/$_n"
	mkdir -p "$_dir/state" "$_dir/run"
	eval "_ip=\$FO_IP_$_n"
	_peer=$FO_IP_s2; [ "$_n" = s2 ] && _peer=$FO_IP_s1
	jq -n --arg n "$_n" --arg ip "$_ip" --arg peer "$_peer" --arg dir "$_dir" \
	    --arg hook "$FO_HOOK" --arg lc "$FO_LEASE_CMDS" --arg withhook "$_hook" \
	    --argjson rel "$_rel" --argjson d4 "$_d4" '
	def prune: if type == "object" then with_entries(select(.value != null) | .value |= prune)
	           elif type == "array" then map(prune) else . end;
	({"name": "rel1", "server-type": (if $n == "s2" then "secondary" else "primary" end),
	  "partner-server": $peer, "local-address": $ip, "server-name": ("kea-" + $n),
	  "mode": "load-balance", "load-balance-percent": 50, "scope-id": ["10.0.0.0"],
	  "max-client-lead-time": 600} * $rel | prune) as $r
	| {"Dhcp4": ({
	    "interfaces-config": {"interfaces": [("fo-" + $n)]},
	    "control-socket": {"socket-type": "unix", "socket-name": ($dir + "/kea4.sock")},
	    "lease-database": {"type": "memfile", "persist": true, "name": ($dir + "/leases4.csv"),
	                       "lfc-interval": 0},
	    "valid-lifetime": 7200, "renew-timer": 1800, "rebind-timer": 5400,
	    "hooks-libraries": ([{"library": $lc}] + (if $withhook == "nohook" then [] else
	        [{"library": $hook, "parameters": {"state-directory": ($dir + "/state"),
	                                            "relationships": [$r]}}] end)),
	    "subnet4": [{"id": 1, "subnet": "10.0.0.0/16",
	                 "pools": [{"pool": "10.0.1.0 - 10.0.1.199"}],
	                 "option-data": [{"name": "routers", "data": "10.0.0.254"}]}],
	    "multi-threading": {"enable-multi-threading": false},
	    "loggers": [{"name": "kea-dhcp4", "output_options": [{"output": "stdout"}],
	                 "severity": "INFO"}]
	  } * $d4 | prune)}' >"$_out"
}

# fo_kea_start NAME CONFIG [MT]: 0 when DHCP4_STARTED was logged within 20 s.
fo_kea_start() {
	_n=$1 _cfg=$2 _mt=${3:-0}
	_dir="$FO_TMP/$_n"
	mkdir -p "$_dir/run"
	eval "_ns=\$FO_NS_$_n"
	if [ "$_mt" = 1 ]; then
		# FO_KEA_THREADS: the packet threads (4; the benchmarks use 2 on 2 cores).
		_mtj="{\"enable-multi-threading\": true, \"thread-pool-size\": ${FO_KEA_THREADS:-4}, \"packet-queue-size\": 64}"
	else
		_mtj='{"enable-multi-threading": false}'
	fi
	jq --argjson mt "$_mtj" '.Dhcp4["multi-threading"] = $mt' "$_cfg" >"$_dir/kea-dhcp4.json" || return 1
	_k=$(( $(cat "$_dir/starts" 2>/dev/null || echo 0) + 1 ))
	echo "$_k" >"$_dir/starts"
	_log="$_dir/kea.$_k.log"
	eval "FO_LOG_$_n=\$_log"
	rm -f "$_dir/kea4.sock"
	# FO_TEST_SEAM=0: without the test seam (as in production; tools/demo.sh).
	_seam=KEA_FAILOVER_TEST_SEAM=1; [ "${FO_TEST_SEAM:-1}" = 0 ] && _seam=FO_TEST_SEAM=0
	env KEA_PIDFILE_DIR="$_dir/run" KEA_LOCKFILE_DIR="$_dir/run" $(fo_kea_dirs "$_dir") "$_seam" \
	    ip netns exec "$_ns" ${FO_KEA_WRAPPER:-} "$KEA_DHCP4" -c "$_dir/kea-dhcp4.json" >"$_log" 2>&1 &
	_pid=$!
	eval "FO_KEA_PID_$_n=\$_pid"
	FO_PIDS="$FO_PIDS $_pid"
	_end=$(($(date +%s) + ${FO_KEA_START_TIMEOUT:-20}))
	while [ "$(date +%s)" -lt "$_end" ]; do
		if grep -q DHCP4_STARTED "$_log" 2>/dev/null && [ -S "$_dir/kea4.sock" ]; then
			return 0
		fi
		if ! kill -0 "$_pid" 2>/dev/null; then
			echo "# kea-dhcp4 $_n exited:"; grep -E 'ERROR|FATAL' "$_log" | head -5 | sed 's/^/#   /'
			return 1
		fi
		sleep 0.1
	done
	echo "# kea-dhcp4 $_n did not log DHCP4_STARTED within ${FO_KEA_START_TIMEOUT:-20} s"
	return 1
}

_fo_forget_pid() {
	_keep=""
	for p in $FO_PIDS; do [ "$p" = "$1" ] || _keep="$_keep $p"; done
	FO_PIDS=$_keep
}

# fo_stop_pid PID SIGNAL SECONDS: SIGNAL, up to SECONDS for the process to end,
# then SIGKILL; PID waited for and forgotten.
fo_stop_pid() {
	kill "-$2" "$1" 2>/dev/null
	_i=0
	while kill -0 "$1" 2>/dev/null && [ $_i -lt $(($3 * 10)) ]; do sleep 0.1; _i=$((_i + 1)); done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	_fo_forget_pid "$1"
}

# fo_kea_stop NAME [SECONDS]: SIGTERM, up to SECONDS (10), then SIGKILL.
fo_kea_stop() {
	eval "_pid=\${FO_KEA_PID_$1:-}"
	[ -n "$_pid" ] || return 0
	fo_stop_pid "$_pid" TERM "${2:-10}"
	eval "FO_KEA_PID_$1="
	return 0
}

fo_kea_kill9() {
	eval "_pid=\${FO_KEA_PID_$1:-}"
	[ -n "$_pid" ] || return 0
	kill -KILL "$_pid" 2>/dev/null
	wait "$_pid" 2>/dev/null
	_fo_forget_pid "$_pid"
	eval "FO_KEA_PID_$1="
	return 0
}

fo_kea_running() { eval "_pid=\${FO_KEA_PID_$1:-}"; [ -n "$_pid" ] && kill -0 "$_pid" 2>/dev/null; }

# fo_kea_wipe NAME: a server that never ran (leases, failover state, logs kept).
fo_kea_wipe() {
	rm -rf "$FO_TMP/$1/state" "$FO_TMP/$1"/leases4.csv*
	mkdir -p "$FO_TMP/$1/state"
}

# fo_kea_cmd NAME JSON: the answer on stdout (empty on failure, rc 1).
fo_kea_cmd() {
	_sock="$FO_TMP/$1/kea4.sock"
	_ans=$(printf '%s' "$2" | timeout 20 socat -t 15 - "UNIX-CONNECT:$_sock" 2>/dev/null)
	[ -n "$_ans" ] || return 1
	printf '%s\n' "$_ans"
}

# fo_kea_result NAME JSON: just the result code of a command.
fo_kea_result() { fo_kea_cmd "$1" "$2" | jq -r '.result' 2>/dev/null; }

fo_set_state() {
	_a=$(jq -cn --arg r "$2" --arg s "$3" --arg p "${4:-Normal}" \
	    '{"command": "failover-test-set-state", "service": ["dhcp4"],
	      "arguments": {"name": $r, "state": $s, "partner-state": $p}}')
	_ans=$(fo_kea_cmd "$1" "$_a")
	[ "$(printf '%s' "$_ans" | jq -r .result 2>/dev/null)" = 0 ] && return 0
	echo "# failover-test-set-state $2 $3: ${_ans:-no answer}" | head -c 400; echo
	return 1
}

fo_fget() {
	_a=$(jq -cn --argjson args "${2:-{\}}" '{"command": "failover-get", "service": ["dhcp4"], "arguments": $args}')
	fo_kea_cmd "$1" "$_a" | jq -c 'select(.result == 0) | .arguments'
}

# fo_fget_all NAME [ARGS_JSON]: failover-get with "bindings": true, every
# page (bindings-page/next followed, at most 1000 pages), merged into one
# .arguments listing every binding under its scope (no bindings-page).
_fo_merge_pages='[.[] | .relationships[] | .name as $n | .state.scope[]?
    | {n: $n, id: .["scope-id"], b: (.binding // [])}] as $all
  | .[0] | del(.["bindings-page"])
  | .relationships |= map(.name as $n | if .state.scope then .state.scope |= map(
      .["scope-id"] as $id | [$all[] | select(.n == $n and .id == $id) | .b[]] as $b
      | if ($b | length) > 0 then .binding = $b else del(.binding) end) else . end)'
fo_fget_all() {
	_fa_from=start _fa_n=0 _fa_pages="$FO_TMP/pages.$1.json"
	: >"$_fa_pages"
	while [ $_fa_n -lt 1000 ]; do
		_fa_p=$(fo_fget "$1" "$(jq -cn --argjson a "${2:-{\}}" --arg f "$_fa_from" '$a + {bindings: true, from: $f}')")
		[ -n "$_fa_p" ] || return 1
		echo "$_fa_p" >>"$_fa_pages"
		_fa_from=$(echo "$_fa_p" | jq -r '.["bindings-page"].next // empty')
		[ -n "$_fa_from" ] || break
		_fa_n=$((_fa_n + 1))
	done
	jq -s -c "$_fo_merge_pages" "$_fa_pages"
}

# fo_rel_state NAME REL: the relationship's state, e.g. Normal.
fo_rel_state() {
	fo_fget "$1" "$(jq -cn --arg r "$2" '{"name": $r}')" | jq -r '.relationships[0].state.state // empty'
}

# ---- Command answers ----
fo_jqe() { jq -e "$@" >/dev/null 2>&1; }
_fo_answer='if type == "array" then .[0] else . end'
fo_result_is() {
	[ "$(jq -r "$_fo_answer | .result" "$1" 2>/dev/null)" = "$2" ] ||
	    { echo "#   $(head -c 400 "$1")"; return 1; }
}
fo_says() {
	fo_result_is "$1" "$2" || return 1
	jq -r "$_fo_answer | .text // \"\"" "$1" | grep -q -F -- "$3" ||
	    { echo "#   text: $(jq -r "$_fo_answer | .text" "$1")"; return 1; }
}
fo_yang_ok() {
	jq '{"kea-dhcp-failover:failover": .arguments}' "$1" >"$1.yang.json" || return 1
	yanglint -t data "$srcdir/yang/kea-dhcp-failover@2026-11-21.yang" "$1.yang.json" \
	    >"$FO_TMP/yl.out" 2>&1 || { sed 's/^/#   /' "$FO_TMP/yl.out" | head -5; return 1; }
}
fo_no_secret() {
	[ -n "$FO_SECRETS" ] || { echo "#   FO_SECRETS is empty: nothing to look for"; return 1; }
	for _sec in $FO_SECRETS; do
		if grep -l -F -e "$_sec" "$@" 2>/dev/null | sed 's/^/#   secret found in /' | grep .; then
			return 1
		fi
	done
	return 0
}

# fo_stat NAME STAT: the statistic's latest value (0 if unknown).
fo_stat() {
	fo_kea_cmd "$1" "$(jq -cn --arg s "$2" '{"command": "statistic-get", "arguments": {"name": $s}}')" |
	    jq -r --arg s "$2" '.arguments[$s][0][0] // 0'
}

fo_stats_reset() { fo_kea_cmd "$1" '{"command": "statistic-reset-all"}' >/dev/null; }

# _fo_agent_run NAME HOST PORT EXTRA_JSON: kea-ctrl-agent in NAME's namespace
# on HOST:PORT, forwarding "dhcp4" to NAME's unix socket (EXTRA_JSON added to
# its Control-agent map), once it logged its start. The log keeps what it
# holds: the wait counts only start lines after its present ones, so that an
# earlier run's line does not send commands to a port nobody listens on yet
# (test-commands check 99, seen under load).
_fo_agent_run() {
	_dir="$FO_TMP/$1"
	eval "_ns=\$FO_NS_$1"
	mkdir -p "$_dir/agent-run"
	jq -n --arg sock "$_dir/kea4.sock" --arg host "$2" --argjson port "$3" --argjson extra "$4" \
	    '{"Control-agent": ({"http-host": $host, "http-port": $port,
	    "control-sockets": {"dhcp4": {"socket-type": "unix", "socket-name": $sock}},
	    "loggers": [{"name": "kea-ctrl-agent", "output_options": [{"output": "stdout"}],
	                 "severity": "INFO"}]} + $extra)}' >"$_dir/agent.json"
	_seen=$(cat "$_dir/agent.log" 2>/dev/null | wc -l)
	env KEA_PIDFILE_DIR="$_dir/agent-run" KEA_LOCKFILE_DIR="$_dir/agent-run" $(fo_kea_dirs "$_dir") \
	    ip netns exec "$_ns" "${KEA_CTRL_AGENT:-kea-ctrl-agent}" -c "$_dir/agent.json" >>"$_dir/agent.log" 2>&1 &
	_pid=$!
	eval "FO_AGENT_PID_$1=\$_pid"
	FO_PIDS="$FO_PIDS $_pid"
	fo_wait_log "$_dir/agent.log" 'CTRL_AGENT_HTTP_SERVICE_STARTED|CTRL_AGENT_STARTED' 15 "$_seen"
}

# fo_agent_start NAME PORT: kea-ctrl-agent in NAME's namespace on
# 127.0.0.1:PORT (fo_agent_cmd), its log emptied first.
fo_agent_start() {
	mkdir -p "$FO_TMP/$1"
	: >"$FO_TMP/$1/agent.log"
	eval "FO_AGENT_PORT_$1=\$2"
	_fo_agent_run "$1" 127.0.0.1 "$2" '{}'
}

# fo_run NAME COMMAND ARGS_JSON: the command with its arguments over $FO_VIA
# (fo_cmd); the answer on stdout and appended to FO_CMD_LOG (when set).
fo_run() {
	fo_cmd "$1" "$(jq -cn --arg c "$2" --argjson a "$3" '{"command": $c, "arguments": $a}')" |
	    tee -a "${FO_CMD_LOG:-/dev/null}"
}

# fo_change NAME COMMAND ARGS_JSON: a change on both partners from NAME; when
# it started (an id), the answer of failover-change-status {id} once done or
# failed (within 40 s), otherwise the command's answer. The start's answer
# is in $FO_TMP/last-start.json.
fo_change() {
	_a=$(fo_run "$1" "$2" "$3")
	printf '%s\n' "$_a" >"$FO_TMP/last-start.json"
	_id=$(printf '%s' "$_a" | jq -r 'if .result == 0 and (.arguments.id | type) == "number"
	    and .arguments.status == "sending" then .arguments.id else empty end' 2>/dev/null)
	[ -n "$_id" ] || { printf '%s\n' "$_a"; return; }
	_end=$(($(date +%s) + 40))
	while :; do
		_s=$(fo_run "$1" failover-change-status "{\"id\": $_id}")
		_st=$(printf '%s' "$_s" | jq -r '.arguments.status // empty')
		{ [ "$_st" = done ] || [ "$_st" = failed ] || [ "$(date +%s)" -ge "$_end" ]; } && break
		sleep 0.2
	done
	printf '%s\n' "$_s"
}

# fo_agent_up NAME AUTH: kea-ctrl-agent on NAME's address (FO_IP_NAME), port
# 8000 (a partner-control-url), AUTH 1: basic authentication of
# FO_AGENT_USER with FO_AGENT_PW. The log keeps every run of the agent.
fo_agent_up() {
	eval "_ip=\$FO_IP_$1"
	_auth='{}'
	[ "$2" = 1 ] && _auth=$(jq -cn --arg user "${FO_AGENT_USER:-}" --arg pw "${FO_AGENT_PW:-}" \
	    '{"authentication": {"type": "basic", "realm": "kea-failover-test",
	      "clients": [{"user": $user, "password": $pw}]}}')
	_fo_agent_run "$1" "$_ip" 8000 "$_auth"
}

fo_agent_stop() {
	eval "_pid=\${FO_AGENT_PID_$1:-}"
	[ -n "$_pid" ] || return 0
	fo_stop_pid "$_pid" TERM 5
	eval "FO_AGENT_PID_$1="
}

# _fo_post NAMESPACE URL JSON [USER:PASSWORD]: an HTTP POST of a command from NAMESPACE.
_fo_post() {
	if [ -n "${4:-}" ]; then set -- "$1" "$2" "$3" -u "$4"; else set -- "$1" "$2" "$3"; fi
	_pns=$1 _purl=$2 _pjson=$3; shift 3
	ip netns exec "$_pns" curl -s -m 15 "$@" -X POST -H 'Content-Type: application/json' \
	    --data-binary "$_pjson" "$_purl"
}

# fo_agent_cmd NAME JSON: POST to NAME's agent; prints the answer (a list).
fo_agent_cmd() {
	eval "_ns=\$FO_NS_$1 _port=\$FO_AGENT_PORT_$1"
	_fo_post "$_ns" "http://127.0.0.1:$_port/" "$2"
}

# Kea >= 2.7 serves the control API over HTTP itself (kea-ctrl-agent is
# deprecated from 3.0 on): "control-sockets", a list of unix and http sockets.
# fo_kea_http: 0 when this kea-dhcp4 can.
fo_kea_http() { "$KEA_DHCP4" -v 2>/dev/null | awk -F. '{ exit !($1 * 100 + $2 >= 207) }'; }
# fo_config_http NAME IN OUT ADDRESS PORT [USER PASSWORD]: IN (a fo_config
# file of server NAME) with kea-dhcp4's own HTTP control socket on
# ADDRESS:PORT beside its unix socket, with basic authentication when USER
# is given; fo_http_cmd NAME then goes there.
fo_config_http() {
	jq --arg a "$4" --argjson p "$5" --arg u "${6:-}" --arg pw "${7:-}" '.Dhcp4["control-sockets"] =
	      [.Dhcp4["control-socket"], ({"socket-type": "http", "socket-address": $a, "socket-port": $p}
	       + (if $u == "" then {} else {"authentication": {"type": "basic", "realm": "kea-failover-test",
	          "clients": [{"user": $u, "password": $pw}]}} end))]
	    | del(.Dhcp4["control-socket"])' "$2" >"$3" || return 1
	eval "FO_HTTP_URL_$1=http://$4:$5/ FO_HTTP_AUTH_$1=\${6:+\$6:\$7}"
}
# fo_http_cmd NAME JSON: POST to NAME's own HTTP control socket; prints the
# answer (a one-element list, as the agent's).
fo_http_cmd() {
	eval "_ns=\$FO_NS_$1 _url=\$FO_HTTP_URL_$1 _auth=\${FO_HTTP_AUTH_$1:-}"
	_fo_post "$_ns" "$_url" "$2" "$_auth"
}
# fo_cmd NAME JSON: a command over $FO_VIA: NAME's unix socket (sock, the
# default) or its own HTTP control socket (http: the answer must be a
# one-element list, which is unwrapped); prints the answer.
fo_cmd() {
	if [ "${FO_VIA:-sock}" = http ]; then
		fo_http_cmd "$1" "$2" |
		    jq -c 'if type == "array" and length == 1 then .[0] else {"not-one-element-list": .} end'
	else
		fo_kea_cmd "$1" "$2"
	fi
}

# fo_kea_shell NAME COMMAND: kea-shell through NAME's agent, no arguments.
fo_kea_shell() {
	eval "_ns=\$FO_NS_$1 _port=\$FO_AGENT_PORT_$1"
	timeout 20 ip netns exec "$_ns" "${KEA_SHELL:-kea-shell}" --host 127.0.0.1 --port "$_port" \
	    --service dhcp4 "$2" </dev/null
}

# fo_probe ARGS...: the probe from the client namespace (relay 10.0.0.4).
fo_probe() {
	timeout 170 ip netns exec "$FO_NS_CL" "$PYTHON" "$FO_PROBE" --server "$FO_IP_s1" \
	    --relay-ip "$FO_RELAY1" "$@"
}

# fo_probe_local ARGS...: the probe's offline modes (buckets, split, selftest).
fo_probe_local() { "$PYTHON" "$FO_PROBE" "$@"; }

# fo_perfdhcp ARGS...: perfdhcp as a relay (giaddr 10.0.0.5) towards s1.
fo_perfdhcp() {
	timeout 120 ip netns exec "$FO_NS_CL" "$PERFDHCP" -4 -l "$FO_RELAY2" "$@" "$FO_IP_s1"
}

# fo_perfdhcp_bg OUT ARGS...: the same in the background, output to OUT;
# FO_PERF_PID is perfdhcp's `timeout` (SIGTERM to it ends perfdhcp).
fo_perfdhcp_bg() {
	_o=$1; shift
	( exec timeout 120 ip netns exec "$FO_NS_CL" "$PERFDHCP" -4 -l "$FO_RELAY2" "$@" "$FO_IP_s1" >"$_o" 2>&1 ) &
	FO_PERF_PID=$!
	FO_PIDS="$FO_PIDS $FO_PERF_PID"
}

# fo_perf_stats FILE: "ANSWERS MAX_DELAY_MS" of a perfdhcp output (answers:
# every received packet; the longest DISCOVER-OFFER or REQUEST-ACK delay).
fo_perf_stats() {
	awk '/max delay:/ { if ($3 + 0 > m) m = $3 + 0 } /received packets:/ { n += $3 }
	    END { printf "%d %s\n", n + 0, m + 0 }' "$1"
}

# fo_leases NAME: Kea's leases (lease4-get-all): JSON lines {address, hw, state, expire}.
fo_leases() {
	fo_kea_cmd "$1" '{"command": "lease4-get-all"}' |
	    jq -c '.arguments.leases[]? | {address: .["ip-address"], hw: .["hw-address"], state: .state,
	                                  expire: (.cltt + .["valid-lft"])}'
}

# fo_csv_leases FILE: the memfile CSV as Kea would load it: the last line per
# address wins; kept: state 0 (default) and expire > now. JSON lines.
fo_csv_leases() {
	_now=$(date +%s)
	cat "$@" 2>/dev/null | awk -F, -v now="$_now" '
	    NR > 0 && $1 != "address" { last[$1] = $0 }
	    END { for (a in last) { split(last[a], f, ","); if (f[10] == 0 && f[5] > now)
	          printf "{\"address\":\"%s\",\"hw\":\"%s\",\"expire\":%s}\n", f[1], f[2], f[5] } }'
}

# fo_json_count FILE JQ_SELECT: how many JSON lines of FILE satisfy the jq expression.
fo_json_count() { jq -s "map(select($2)) | length" "$1"; }

# ---- Checks on the probe's JSON lines (each prints a "#" summary line) ----
# fo_acked_in FILE LISTFILE: every record's acked address is in LISTFILE
# (a JSON array), at least one record acked; prints a summary.
fo_acked_in() {
	r=$(jq -s -c --slurpfile own "$2" '
	    ($own[0] | map({(.): true}) | add) as $o
	    | {clients: length, acked: map(select(.acked != null)) | length,
	       foreign: map(select(.acked != null and ($o[.acked] | not)) | .acked)} | .foreign_count = (.foreign | length) | .foreign |= .[:8]' "$1")
	echo "#   $r"
	[ "$(echo "$r" | jq '.acked > 0 and .foreign_count == 0')" = true ]
}
fo_all_acked() {
	r=$(jq -s -c '{clients: length, acked: map(select(.acked != null)) | length,
	    naks_then_restarted: (map(.naks // 0) | add)}' "$1")
	echo "#   $r"
	[ "$(echo "$r" | jq '.clients == .acked and .clients > 0')" = true ]
}
fo_lease_times() {
	r=$(jq -s -c --argjson want "$2" '{want: $want,
	    offers: (map(.offer_lease) | unique), acks: (map(select(.acked != null) | .lease_time) | unique)}' "$1")
	echo "#   $r"
	[ "$(echo "$r" | jq '.want as $w | (.acks == [$w]) and ((.offers - [null]) | all(. == $w))')" = true ]
}
fo_none_offered() {
	r=$(jq -s -c '{clients: length, offered: map(select(.offered != null)) | length,
	    acked: map(select(.acked != null) | .acked)}' "$1")
	echo "#   $r"
	[ "$(echo "$r" | jq '.offered == 0 and (.acked | length) == 0')" = true ]
}

# fo_mt_name MT: "MT off" / "MT on", for the ok lines.
fo_mt_name() { [ "$1" = 1 ] && echo "MT on" || echo "MT off"; }

# ---- Pairs: two kea-dhcp4 with the failover hook, s1 primary, s2 secondary ----
#
# Side links (FO_SIDE_LINKS=1 before fo_topology_up): a veth pair straight
# from the client namespace to each server, outside the bridge:
#   client fo-x1 10.1.1.3/24 <-> s1 fo-x1 10.1.1.1/24
#   client fo-x2 10.1.2.3/24 <-> s2 fo-x2 10.1.2.2/24
# and in each server a host route to the probe's relay address (10.0.0.4)
# over its side link. Relayed clients then reach each server (at
# FO_DHCP_s1 / FO_DHCP_s2) even when its bridge port is down: a partition
# cuts the servers apart (and s2 from the broadcast clients) but not from
# the relay, so both sides of a partition can be seen serving.
FO_DHCP_s1=$FO_IP_s1
FO_DHCP_s2=$FO_IP_s2

fo_side_links() {
	for k in 1 2; do
		eval "_ns=\$FO_NS_S$k"
		ip link add "fo-x$k" netns "$FO_NS_CL" type veth peer name "fo-x$k" netns "$_ns" || return 1
		ip -n "$FO_NS_CL" addr add "10.1.$k.3/24" dev "fo-x$k"
		ip -n "$_ns" addr add "10.1.$k.$k/24" dev "fo-x$k"
		ip -n "$FO_NS_CL" link set "fo-x$k" up
		ip -n "$_ns" link set "fo-x$k" up
		ip -n "$_ns" route add "$FO_RELAY1/32" dev "fo-x$k"
	done
	FO_DHCP_s1=10.1.1.1
	FO_DHCP_s2=10.1.2.2
}

# fo_pair_config NAME OUT [REL_MERGE] [DHCP4_MERGE]: fo_config for one end of
# the pair: MCLT 30 s, max-response-delay 6 s, the side link's interface too.
fo_pair_config() {
	_pn=$1 _pout=$2
	_prel=$(jq -cn --argjson r "${3:-{\}}" '{"max-client-lead-time": 30, "max-response-delay": 6} * $r')
	_pd4=${4:-'{}'}
	if [ "$FO_DHCP_s1" != "$FO_IP_s1" ]; then
		_k=1; [ "$_pn" = s2 ] && _k=2
		_pd4=$(jq -cn --argjson d "$_pd4" --arg a "fo-$_pn" --arg b "fo-x$_k" \
		    '{"interfaces-config": {"interfaces": [$a, $b]}} * $d')
	fi
	fo_config "$_pn" "$_pout" "$_prel" "$_pd4"
}

# fo_pair_start MT CFG1 CFG2: both servers (s1 first).
fo_pair_start() {
	fo_kea_start s1 "$2" "$1" || return 1
	fo_kea_start s2 "$3" "$1"
}

# fo_pair_up MT TAG [DHCP4_MERGE]: a fresh pair (fo_pair_config of both ends
# to $FO_TMP/s1.json and s2.json), started, checked to reach Normal; 1 (and
# a failed check) when the servers do not start.
fo_pair_up() {
	_pud4=${3:-'{}'}
	fo_pair_reset
	fo_pair_config s1 "$FO_TMP/s1.json" '{}' "$_pud4"
	fo_pair_config s2 "$FO_TMP/s2.json" '{}' "$_pud4"
	if ! fo_pair_start "$1" "$FO_TMP/s1.json" "$FO_TMP/s2.json"; then fo_not_ok "$2: both servers start"; return 1; fi
	fo_check "$2: both reach Normal" fo_pair_normal
}

# fo_wait_state NAME REL STATE SECONDS [PARTNER_STATE]: 0 as soon as
# failover-get says STATE (and PARTNER_STATE); prints "# NAME: STATE after Ns".
fo_wait_state() {
	_t0=$(date +%s%N)
	_end=$(($(date +%s) + $4))
	while :; do
		_st=$(fo_fget "$1" "$(jq -cn --arg r "$2" '{"name": $r}')" |
		    jq -r '.relationships[0].state | "\(.state) \(."partner-state" // "-")"' 2>/dev/null)
		case " $_st " in
		" $3 ${5:-}"*)
			_ms=$((($(date +%s%N) - _t0) / 1000000))
			echo "# $1: $_st after $((_ms / 1000)).$(printf %03d $((_ms % 1000))) s"
			return 0 ;;
		esac
		[ "$(date +%s)" -lt "$_end" ] || break
		sleep 0.25
	done
	echo "# $1: still '${_st:-no answer}' after $4 s (waiting for $3 ${5:-})"
	return 1
}

# fo_pair_normal: s1 Normal with its partner Normal within 60 s, then s2 within 20 s.
fo_pair_normal() { fo_wait_state s1 rel1 Normal 60 Normal && fo_wait_state s2 rel1 Normal 20 Normal; }

# fo_wait_synced SECONDS [REL]: both servers connected, nothing pending or unacked.
fo_wait_synced() {
	_end=$(($(date +%s) + $1))
	while :; do
		_ok=0
		for _s in s1 s2; do
			_r=$(fo_fget "$_s" "$(jq -cn --arg r "${2:-rel1}" '{"name": $r}')" |
			    jq -r '.relationships[0].state | (.connected == true and (."pending-updates" // 0) == 0
			           and ((."unacked-updates" // 0) == 0))' 2>/dev/null)
			[ "$_r" = true ] && _ok=$((_ok + 1))
		done
		[ $_ok = 2 ] && return 0
		[ "$(date +%s)" -lt "$_end" ] || { echo "# not in sync after $1 s"; return 1; }
		sleep 0.25
	done
}

# fo_link_down NAME / fo_link_up NAME: NAME's port on the bridge (its veth
# peer in the bridge namespace) down / up.
fo_link_down() { ip -n "$FO_NS_BR" link set "p-$1" down; }
fo_link_up() {
	ip -n "$FO_NS_BR" link set "p-$1" up
	_i=0
	while [ $_i -lt 50 ]; do
		bridge -n "$FO_NS_BR" link show dev "p-$1" 2>/dev/null | grep -q 'state forwarding' && return 0
		_i=$((_i + 1)); sleep 0.1
	done
	return 1
}

# fo_states NAME [REL]: the sequence of states NAME's hook logged (every
# start of kea-dhcp4), e.g. "Startup Recover RecoverWait RecoverDone Normal".
fo_states() {
	for _l in $(ls "$FO_TMP/$1"/kea.*.log 2>/dev/null | sort -t. -k2 -n); do
		sed -n "s/.*FAILOVER_STATE_[A-Z]* relationship ${2:-rel1}: state \([A-Za-z]*\) -> \([A-Za-z]*\).*/\1 \2/p" "$_l"
	done | awk 'NR == 1 { printf "%s", $1; last = $1 } { if ($1 != last) printf " | %s", $1; printf " %s", $2; last = $2 } END { print "" }'
}

# fo_probe_pair ARGS...: the probe as a relay that forwards broadcasts to
# both servers (FO_DHCP_s1, FO_DHCP_s2).
fo_probe_pair() {
	timeout 170 ip netns exec "$FO_NS_CL" "$PYTHON" "$FO_PROBE" --server "$FO_DHCP_s1" \
	    --also-server "$FO_DHCP_s2" --relay-ip "$FO_RELAY1" "$@"
}

# fo_probe_pair_bg OUT ARGS...: fo_probe_pair in the background, its JSON
# lines to OUT, its summary to OUT.err; FO_PROBE_PID (waited for with fo_probe_wait).
fo_probe_pair_bg() {
	_o=$1; shift
	fo_probe_pair "$@" >"$_o" 2>"$_o.err" &
	FO_PROBE_PID=$!
	FO_PIDS="$FO_PIDS $FO_PROBE_PID"
}
# fo_probe_wait OUT: the background probe's end; its summary as comments.
fo_probe_wait() {
	wait "$FO_PROBE_PID"; _fo_forget_pid "$FO_PROBE_PID"
	sed 's/^/#   /' "$1.err"
}

# fo_probe_to NAME ARGS...: the probe relaying to one server of the pair.
fo_probe_to() {
	eval "_a=\$FO_DHCP_$1"; shift
	timeout 170 ip netns exec "$FO_NS_CL" "$PYTHON" "$FO_PROBE" --server "$_a" \
	    --relay-ip "$FO_RELAY1" "$@"
}

# fo_snapshot TAG [NAME...]: lease4-get-all and failover-get (bindings) of
# each running server (default s1 s2) to $FO_TMP/snap/TAG.NAME.{leases,bindings}.json.
fo_snapshot() {
	_tag=$1; shift
	mkdir -p "$FO_TMP/snap"
	for _s in ${*:-s1 s2}; do
		fo_kea_running "$_s" || continue
		fo_kea_cmd "$_s" '{"command": "lease4-get-all"}' >"$FO_TMP/snap/$_tag.$_s.leases.json" 2>/dev/null
		fo_fget_all "$_s" | jq -c '{result: 0, arguments: .}' \
		    >"$FO_TMP/snap/$_tag.$_s.bindings.json" 2>/dev/null
	done
}

# fo_no_duplicates [PROBE_FILES...]: tools/check_duplicates.py over every
# snapshot taken so far and the probe's records; prints its findings.
fo_no_duplicates() {
	set --  $(for f in "$@"; do [ -s "$f" ] && echo "--probe=$(basename "$f" .json)=$f"; done) \
	    $(for f in "$FO_TMP"/snap/*.leases.json; do [ -s "$f" ] && echo "--leases=$(basename "$f" .leases.json)=$f"; done) \
	    $(for f in "$FO_TMP"/snap/*.bindings.json; do [ -s "$f" ] && echo "--bindings=$(basename "$f" .bindings.json)=$f"; done)
	_out=$("$PYTHON" "$srcdir/tools/check_duplicates.py" "$@" 2>&1)
	_rc=$?
	printf '%s\n' "$_out" | head -12 | sed 's/^/#   /'
	return $_rc
}

# fo_same_leases [PREFIX]: both servers' lease4-get-all agree (on the addresses that start with PREFIX): every address leased
# (state 0, unexpired) by one is leased by the other to the same hardware address.
fo_same_leases() {
	_now=$(date +%s)
	for _s in s1 s2; do
		fo_leases "$_s" | jq -c --argjson now "$_now" --arg p "${1:-}" \
		    'select(.state == 0 and .expire > $now and (.address | startswith($p)))' |
		    jq -s -c 'map({(.address): .hw}) | add // {}' >"$FO_TMP/l${_s#s}.json"
	done
	_r=$(jq -n -c --slurpfile a "$FO_TMP/l1.json" --slurpfile b "$FO_TMP/l2.json" '
	    $a[0] as $x | $b[0] as $y
	    | {s1: ($x | length), s2: ($y | length),
	       only_s1: [$x | keys[] | select($y[.] == null)], only_s2: [$y | keys[] | select($x[.] == null)],
	       differ: [$x | keys[] | select($y[.] != null and $y[.] != $x[.])]}
	    | .ok = ((.only_s1 | length) == 0 and (.only_s2 | length) == 0 and (.differ | length) == 0 and .s1 > 0)
	    | .only_s1 |= .[:6] | .only_s2 |= .[:6] | .differ |= .[:6]')
	echo "#   $_r"
	[ "$(echo "$_r" | jq .ok)" = true ]
}

# fo_wait_same_leases SECONDS [PREFIX]: fo_same_leases, retried until it holds.
fo_wait_same_leases() {
	_end=$(($(date +%s) + $1))
	while ! fo_same_leases "${2:-}" >"$FO_TMP/same.out"; do
		[ "$(date +%s)" -lt "$_end" ] || { cat "$FO_TMP/same.out"; return 1; }
		sleep 0.5
	done
	cat "$FO_TMP/same.out"
}

# fo_active_bindings NAME: {address: hw} of the hook's active bindings.
fo_active_bindings() {
	fo_fget_all "$1" | jq -c '[.relationships[0].state.scope[]?.binding[]?
	    | select(."binding-state" == "active") | {(.address): ."client-hw-address"}] | add // {}'
}

# fo_bindings_table NAME: every binding the hook lists, {address: "state hw"}.
fo_bindings_table() {
	fo_fget_all "$1" | jq -c '[.relationships[0].state.scope[]?.binding[]?
	    | {(.address): "\(."binding-state") \(."client-hw-address" // "-")"}] | add // {}'
}

# fo_same_bindings: both hooks list the same bindings (address, state, client).
fo_same_bindings() {
	fo_bindings_table s1 >"$FO_TMP/b1.json"
	fo_bindings_table s2 >"$FO_TMP/b2.json"
	_r=$(jq -n -c --slurpfile a "$FO_TMP/b1.json" --slurpfile b "$FO_TMP/b2.json" '
	    $a[0] as $x | $b[0] as $y
	    | {s1: ($x | length), s2: ($y | length),
	       differ: [($x + $y) | keys[] | select($x[.] != $y[.]) | {address: ., s1: $x[.], s2: $y[.]}]}
	    | .ok = ((.differ | length) == 0 and .s1 > 0) | .differ |= .[:6]')
	echo "#   $_r"
	[ "$(echo "$_r" | jq .ok)" = true ]
}

# fo_pair_reset: both servers as never run, their logs and the snapshots gone
# (so that fo_states sees only this pass).
fo_pair_reset() {
	for _s in s1 s2; do
		fo_kea_wipe "$_s"
		rm -f "$FO_TMP/$_s"/kea.*.log "$FO_TMP/$_s/starts"
	done
	rm -rf "$FO_TMP/snap"
}
