#!/bin/sh
# test-replicate.sh - failover-replicate (Invoke-DhcpServerv4FailoverReplication,
# docs/commands.md): two kea-dhcp4 with the hook (s1 primary, s2 secondary)
# and a kea-ctrl-agent for each on its server's address (s2's with basic
# authentication); relationship rel1 over 10.0.0.0 and 10.1.0.0 with
# enable-auth. s2 has its own subnet ids (11, 12) and a local option
# definition of code 224.
#
# After config-set on s1 (a pool and an option of 10.0.0.0):
#   by name (unix socket) -> s2's config-get shows s1's scopes (its own ids
#   kept), both reach Normal; again -> nothing to change.
# s1 defines option code 224 and uses it in 10.1.0.0: s2's config-test
# refuses (its own code 224), nothing changed on s2 (config-get before/after).
# With code 225: by scope-id through kea-ctrl-agent -> 10.1.0.0, the class and
# the option definition on s2, 10.0.0.0 left as it was; kea-shell.
# Refusals that change nothing on s2: a wrong shared secret (failover-set on
# s1), and requests signed here (python) straight to s2's socket: a wrong
# digest, a time 2 minutes old, an invalid option (config-test), a scope of
# no relationship. A prepared replication blocks a replication in the other
# direction. failover-replicate answers at once with an id (the exchange runs
# on the engine's sender thread); failover-replicate-status {id} gives the
# outcome, which the checks read; perfdhcp runs against s1 through one
# replication and no answer may be 500 ms late. Bad input (result 1 naming the field), unknown relationship or
# scope (3), no partner-control-url (1 naming it; failover-set sets it and
# failover-get shows it, never the password). Over https (when the openssl
# command is there to make the certificates): a second kea-ctrl-agent of s2
# on 10.0.0.2:8443 with TLS (trust-anchor, cert-file, key-file,
# cert-required) and basic authentication; s1 with another CA as
# partner-control-trust-anchor is refused (certificate verify failed), with
# the right CA and its client certificate it replicates (result 0, s2 has the
# change); failover-get shows the three paths, never the key. The secret and
# the agent's password are in no answer and no log; s2's configuration file
# is not rewritten. With multi-threading off and on (FO_MT_LIST). On Kea >= 2.7
# also through s2's own HTTP control socket (with basic authentication).
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
. "$(dirname "$0")/scenario.sh"

[ -f "$FO_HOOK" ] || { echo "hook not built: $FO_HOOK"; exit 99; }
fo_need jq socat curl yanglint kea-ctrl-agent kea-shell "$PYTHON"
KEA_HTTP=0; fo_kea_http && KEA_HTTP=1
fo_deadline $((200 + 60 * KEA_HTTP))   # Kea >= 2.7: one more pair, over the http socket
fo_topology_up || { fo_not_ok "topology up"; fo_summary; exit 1; }

SECRET="fo-rep-secret-$$-Kx7Qp"
PW="fo-rep-agent-pw-$$-Vb2"
FO_SECRETS="$SECRET $PW"
AGENT_USER=fo-admin
PORT=8000
OUT="$FO_TMP/all-output.txt"
: >"$OUT"

# c NAME COMMAND ARGS_JSON: over NAME's unix socket; every answer kept.
c() {
	fo_kea_cmd "$1" "$(jq -cn --arg c "$2" --argjson a "$3" '{"command": $c, "service": ["dhcp4"], "arguments": $a}')" |
	    tee -a "$OUT"
}
raw() { fo_kea_cmd "$1" "$2" | tee -a "$OUT"; }
# The subnet4 entry of NAME's running configuration with network SCOPE.
subnet_of() {
	fo_kea_cmd "$1" '{"command": "config-get"}' |
	    jq -c --arg p "$2/" '.arguments.Dhcp4.subnet4[] | select(.subnet | startswith($p))'
}
same_scope() {
	a=$(subnet_of s1 "$1" | jq -S -c 'del(.id)')
	b=$(subnet_of s2 "$1" | jq -S -c 'del(.id)')
	[ -n "$a" ] && [ "$a" = "$b" ] || { echo "#   s1: $(echo "$a" | head -c 300)"; echo "#   s2: $(echo "$b" | head -c 300)"; return 1; }
}
# s2's configuration as config-get shows it, without the hash.
config_of() { fo_kea_cmd "$1" '{"command": "config-get"}' | jq -S -c '.arguments | del(.hash)'; }
ids_kept() {
	_ids="$(subnet_of s2 10.0.0.0 | jq -c .id) $(subnet_of s2 10.1.0.0 | jq -c .id)"
	[ "$_ids" = "11 12" ] || { echo "#   s2's ids: $_ids"; return 1; }
}
class_and_def_on_s2() {
	config_of s2 | jq -e '.Dhcp4 | ([."client-classes"[]?.name] | index("fo-class-a") != null) and
	    ([."option-def"[]?.name] | index("fo-test-opt") != null)' >/dev/null
}
routers_on_s2() {
	_r=$(subnet_of s2 "$1" | jq -r '."option-data"[] | select(.name == "routers") | .data')
	[ "$_r" = "$2" ] || { echo "#   routers of $1 on s2: $_r"; return 1; }
}
renew_on_s2() {
	_r=$(subnet_of s2 10.1.0.0 | jq -c '."renew-timer"')
	[ "$_r" = "$1" ] || { echo "#   renew-timer of 10.1.0.0 on s2: $_r"; return 1; }
}
renew_not_on_s2() {
	_r=$(subnet_of s2 10.1.0.0 | jq -c '."renew-timer"')
	[ "$_r" != "$1" ] || { echo "#   renew-timer of 10.1.0.0 on s2: $_r"; return 1; }
}
# rep_wait VIA NAME START: the outcome of the replication that START (the
# answer of failover-replicate) started: the answer of failover-replicate-status
# {id} once its status is done or failed (within 45 s), asked over NAME's
# socket (VIA sock) or its kea-ctrl-agent (VIA agent); START itself when it
# started nothing.
rep_wait() {
	_id=$(printf '%s' "$3" | jq -r 'if .result == 0 and (.arguments.id | type) == "number" and
	    .arguments.status == "sending" then .arguments.id else empty end' 2>/dev/null)
	[ -n "$_id" ] || { printf '%s\n' "$3"; return; }
	_end=$(($(date +%s) + 45))
	_q=$(jq -cn --argjson id "$_id" '{"command": "failover-replicate-status", "service": ["dhcp4"], "arguments": {"id": $id}}')
	while :; do
		if [ "$1" = agent ]; then _s=$(agent "$2" "$_q" | jq -c '.[0]'); else _s=$(raw "$2" "$_q"); fi
		_st=$(printf '%s' "$_s" | jq -r '.arguments.status // empty')
		{ [ "$_st" = done ] || [ "$_st" = failed ] || [ "$(date +%s)" -ge "$_end" ]; } && break
		sleep 0.2
	done
	printf '%s\n' "$_s"
}
# rep NAME ARGS_JSON: failover-replicate over NAME's socket, and its outcome.
rep() { rep_wait sock "$1" "$(c "$1" failover-replicate "$2")"; }
# The longest delay perfdhcp saw (ms, DISCOVER-OFFER and REQUEST-ACK) in FILE, and that it got answers.
max_delay_ok() {
	read -r _r _m <<EOF_STATS
$(fo_perf_stats "$1")
EOF_STATS
	echo "#   perfdhcp during the replication: $_r answers received, longest delay $_m ms (bound $2 ms)"
	[ "$_r" -gt 0 ] && awk -v m="$_m" -v b="$2" 'BEGIN { exit !(m < b) }'
}
status_applied() {
	_end=$(($(date +%s) + 15))
	while [ "$(date +%s)" -lt "$_end" ]; do
		_st=$(raw "$1" "$(jq -cn --arg id "$2" '{"command": "failover-replicate-status", "arguments": {"id": $id}}')" |
		    jq -r '.arguments.state // empty')
		[ "$_st" = applied ] && return 0
		sleep 0.25
	done
	echo "#   status: ${_st:-none}"
	return 1
}
rep_back_ok() {
	fo_jqe '.result == 0 and (.arguments.replications[0] | .applied == true and
	    .changes.scopes == [{"scope-id": "10.0.0.0", "change": "changed", "members": ["option-data"]},
	        {"scope-id": "10.1.0.0", "change": "changed", "members": ["renew-timer"]}]
	    and .changes."client-classes".changed == ["fo-class-a"])' "$1" ||
	{ echo "#   $(jq -c '{result, text, c: .arguments.replications[0].changes}' "$1" | head -c 600)"; return 1; }
}
prepared_ok() {
	fo_jqe '.result == 0 and (.arguments.id | type) == "string" and
	    .arguments.changes.scopes[0].members == ["renew-timer"]' "$1" || { echo "#   $(head -c 300 "$1")"; return 1; }
}
# sign COMMAND ARGS_JSON KEY [TIME]: the command with "time" and "digest" as
# the hook computes them, by an independent implementation (fo_replicate.h).
sign() {
	"$PYTHON" - "$@" <<'EOF'
import hashlib, hmac, json, sys, time
cmd, args, key = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
args["time"] = int(sys.argv[4]) if len(sys.argv) > 4 else int(time.time())
canon = json.dumps(args, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
msg = ("kea-failover-replicate\n" + cmd + "\n" + canon).encode()
args["digest"] = hmac.new(key.encode(), msg, hashlib.sha256).hexdigest()
print(json.dumps({"command": cmd, "service": ["dhcp4"], "arguments": args}))
EOF
}

# kea-ctrl-agent in NAME's namespace on NAME's address, port $PORT; AUTH=1: basic
# authentication; TLS=1: https on port $TLS_PORT with the certificates of $PKI
# (the client must present one: cert-required).
agent_start() {
	_dir="$FO_TMP/$1"
	eval "_ns=\$FO_NS_$1 _ip=\$FO_IP_$1"
	_sfx=""; _port=$PORT
	[ "${3:-0}" = 1 ] && { _sfx="-tls"; _port=$TLS_PORT; }
	mkdir -p "$_dir/agent$_sfx-run"
	jq -n --arg sock "$_dir/kea4.sock" --arg ip "$_ip" --argjson port "$_port" \
	    --arg user "$AGENT_USER" --arg pw "$PW" --argjson auth "${2:-0}" \
	    --argjson tls "${3:-0}" --arg pki "$PKI" '{"Control-agent": ({
	    "http-host": $ip, "http-port": $port,
	    "control-sockets": {"dhcp4": {"socket-type": "unix", "socket-name": $sock}},
	    "loggers": [{"name": "kea-ctrl-agent", "output_options": [{"output": "stdout"}],
	                 "severity": "INFO"}]} + (if $auth == 1 then {"authentication": {"type": "basic",
	    "realm": "kea-failover-test", "clients": [{"user": $user, "password": $pw}]}} else {} end)
	    + (if $tls == 1 then {"trust-anchor": ($pki + "/ca.pem"), "cert-file": ($pki + "/server.pem"),
	       "key-file": ($pki + "/server.key"), "cert-required": true} else {} end))}' \
	    >"$_dir/agent$_sfx.json"
	: >"$_dir/agent$_sfx.log"   # here: the wait below must not see a previous agent's lines
	env KEA_PIDFILE_DIR="$_dir/agent$_sfx-run" KEA_LOCKFILE_DIR="$_dir/agent$_sfx-run" $(fo_kea_dirs "$_dir") \
	    ip netns exec "$_ns" "${KEA_CTRL_AGENT:-kea-ctrl-agent}" -c "$_dir/agent$_sfx.json" >>"$_dir/agent$_sfx.log" 2>&1 &
	_apid=$!
	FO_PIDS="$FO_PIDS $_apid"
	AGENT_PIDS="$AGENT_PIDS $_apid"
	[ "${3:-0}" = 1 ] && TLS_AGENT_PID=$_apid
	fo_wait_log "$_dir/agent$_sfx.log" 'CTRL_AGENT_HTTP_SERVICE_STARTED|CTRL_AGENT_STARTED' 15
}

# The certificates of the https case, with the openssl command: ca (s2's
# agent and s1 trust it), other-ca (the same name, another key), server
# (s2's agent, for IP 10.0.0.2), client (s1's, CN fo-client).
TLS_PORT=8443
PKI="$FO_TMP/pki"
make_pki() {
	mkdir -p "$PKI" || return 1
	for _ca in ca other-ca; do
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		    -subj "/CN=fo test CA" -addext "basicConstraints=critical,CA:TRUE" \
		    -addext "keyUsage=critical,keyCertSign,cRLSign" \
		    -keyout "$PKI/$_ca.key" -out "$PKI/$_ca.pem" 2>>"$PKI/openssl.log" || return 1
	done
	for _c in "server IP:10.0.0.2 serverAuth 10.0.0.2" "client DNS:fo-client clientAuth fo-client"; do
		set -- $_c
		printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=%s\n' \
		    "$2" "$3" >"$PKI/$1.ext"
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$4" \
		    -keyout "$PKI/$1.key" -out "$PKI/$1.csr" 2>>"$PKI/openssl.log" &&
		openssl x509 -req -in "$PKI/$1.csr" -CA "$PKI/ca.pem" -CAkey "$PKI/ca.key" \
		    -CAcreateserial -days 2 -extfile "$PKI/$1.ext" -out "$PKI/$1.pem" 2>>"$PKI/openssl.log" || return 1
	done
	chmod 600 "$PKI"/*.key
}
failover_get_tls_ok() {
	fo_jqe --arg p "$PKI" '.result == 0 and (.arguments.relationships[0] |
	    ."partner-control-url" == "https://10.0.0.2:8443/" and
	    ."partner-control-trust-anchor" == ($p + "/ca.pem") and
	    ."partner-control-cert-file" == ($p + "/client.pem") and
	    ."partner-control-key-file" == ($p + "/client.key"))' "$1" || { echo "#   $(head -c 600 "$1")"; return 1; }
	! grep -q "PRIVATE KEY" "$1" || { echo "#   a private key in the answer"; return 1; }
}
# agent NAME JSON: POST to NAME's agent from NAME's namespace (no credentials).
agent() {
	eval "_ns=\$FO_NS_$1 _ip=\$FO_IP_$1"
	ip netns exec "$_ns" curl -s -m 40 -X POST -H 'Content-Type: application/json' \
	    --data-binary "$2" "http://$_ip:$PORT/" | tee -a "$OUT"
}

SUBNETS1='[{"id": 1, "subnet": "10.0.0.0/16", "pools": [{"pool": "10.0.1.0 - 10.0.1.199"}],
            "option-data": [{"name": "routers", "data": "10.0.0.254"}]},
           {"id": 2, "subnet": "10.1.0.0/16", "pools": [{"pool": "10.1.1.0 - 10.1.1.99"}]}]'
SUBNETS2=$(echo "$SUBNETS1" | jq -c '.[0].id = 11 | .[1].id = 12')
REL='{"scope-id": ["10.0.0.0", "10.1.0.0"], "enable-auth": true, "shared-secret": "'$SECRET'"}'
REL1=$(jq -cn --argjson r "$REL" --arg pw "$PW" --arg u "$AGENT_USER" '$r + {
    "partner-control-url": "http://10.0.0.2:8000/", "partner-control-user": $u,
    "partner-control-password": $pw}')

# s1's configuration file with the jq program $1 applied to Dhcp4, as a config-set command.
config_set_s1() {
	jq -c "{\"command\": \"config-set\", \"arguments\": {\"Dhcp4\": (.Dhcp4 | $1)}}" "$FO_TMP/s1/kea-dhcp4.json"
}

# Bad input, unknown relationship or scope, no partner-control-url.
bad_input() {
	c s1 failover-replicate '{}' >"$d/bad-none.json"
	fo_check "$tag: failover-replicate {}: result 1, names 'name'" fo_says "$d/bad-none.json" 1 "name: missing"
	c s1 failover-replicate '{"name": 5}' >"$d/bad-name.json"
	fo_check "$tag: failover-replicate {name: 5}: result 1, names 'name'" fo_says "$d/bad-name.json" 1 "name: must be"
	c s1 failover-replicate '{"scope-id": "10.0.0.300"}' >"$d/bad-scope.json"
	fo_check "$tag: failover-replicate {scope-id: 10.0.0.300}: result 1, names scope-id" fo_says "$d/bad-scope.json" 1 "scope-id"
	c s1 failover-replicate '{"name": "rel1", "scope-id": "10.0.0.0"}' >"$d/bad-both.json"
	fo_check "$tag: failover-replicate with name and scope-id: result 1, says not both" fo_says "$d/bad-both.json" 1 "not both"
	c s1 failover-replicate '{"name": "rel1", "force": true}' >"$d/bad-extra.json"
	fo_check "$tag: failover-replicate with an unknown argument: result 1, names it" fo_says "$d/bad-extra.json" 1 "force"
	c s1 failover-replicate '{"name": "nope"}' >"$d/unknown.json"
	fo_check "$tag: failover-replicate {name: nope}: result 3" fo_result_is "$d/unknown.json" 3
	c s1 failover-replicate '{"scope-id": ["10.9.0.0"]}' >"$d/unknown-scope.json"
	fo_check "$tag: failover-replicate of a scope in no relationship: result 3" fo_result_is "$d/unknown-scope.json" 3
	c s2 failover-replicate '{"name": "rel1"}' >"$d/no-url.json"
	fo_check "$tag: s2 without partner-control-url: result 1, names partner-control-url" \
	    fo_says "$d/no-url.json" 1 "partner-control-url: not set"
	c s2 failover-set '{"name": "rel1", "partner-control-url": "ftp://10.0.0.1:8000/"}' >"$d/set-ftp.json"
	fo_check "$tag: failover-set partner-control-url ftp://...: result 1, names the leaf" \
	    fo_says "$d/set-ftp.json" 1 "partner-control-url"
	c s2 failover-set '{"name": "rel1", "partner-control-cert-file": "/etc/fo/client.pem"}' >"$d/set-cert-only.json"
	fo_check "$tag: failover-set partner-control-cert-file without -key-file: result 1, says so" \
	    fo_says "$d/set-cert-only.json" 1 "partner-control-cert-file requires partner-control-key-file"
	c s2 failover-set '{"name": "rel1", "partner-control-url": "http://10.0.0.1:8000/"}' >/dev/null
	c s2 failover-set '{"name": "rel1", "partner-control-url": null}' >"$d/set-null.json"
	fo_check "$tag: failover-set s2 partner-control-url null: result 0, not shown any more" \
	    fo_jqe '.result == 0 and (.arguments.relationships[0] | has("partner-control-url") | not)' "$d/set-null.json"
	c s2 failover-set '{"name": "rel1", "partner-control-url": "http://10.0.0.1:8000/"}' >"$d/set-url.json"
	fo_check "$tag: failover-set s2 partner-control-url http://10.0.0.1:8000/: result 0, shown" \
	    fo_jqe '.result == 0 and .arguments.relationships[0]."partner-control-url" == "http://10.0.0.1:8000/"' "$d/set-url.json"
	fo_check "$tag: s1 back in Normal after s2's failover-set" fo_wait_state s1 rel1 Normal 60 Normal
}

# A pool and an option of 10.0.0.0 changed on s1 with config-set; by name.
by_name() {
	raw s1 "$(config_set_s1 '.subnet4[0].pools = [{"pool": "10.0.1.0 - 10.0.1.149"}] |
	    .subnet4[0]["option-data"] = [{"name": "routers", "data": "10.0.0.253"}]')" >"$d/cs1.json"
	fo_check "$tag: config-set on s1 (pool 10.0.1.0-149, routers 10.0.0.253): result 0" fo_result_is "$d/cs1.json" 0
	fo_wait_state s1 rel1 Normal 60 Normal >/dev/null
	c s1 failover-replicate '{"name": "rel1"}' >"$d/rep-start.json"
	fo_check "$tag: failover-replicate {name: rel1}: answers at once, result 0, an id, status sending" \
	    fo_jqe '.result == 0 and (.arguments.id | type) == "number" and .arguments.status == "sending"' "$d/rep-start.json"
	rep_wait sock s1 "$(cat "$d/rep-start.json")" >"$d/rep-name.json"
	fo_check "$tag: failover-replicate-status {id}: result 0, done, applied" \
	    fo_jqe '.result == 0 and .arguments.status == "done" and (.arguments.id | type) == "number"' "$d/rep-name.json"
	fo_check "$tag: failover-replicate {name: rel1}: result 0, applied" \
	    fo_jqe '.result == 0 and .arguments.replications[0].applied == true' "$d/rep-name.json"
	fo_check "$tag: ... 10.0.0.0 changed (option-data, pools), 10.1.0.0 unchanged" \
	    fo_jqe '.arguments.replications[0].changes.scopes == [
	        {"scope-id": "10.0.0.0", "change": "changed", "members": ["option-data", "pools"]},
	        {"scope-id": "10.1.0.0", "change": "unchanged"}]' "$d/rep-name.json"
	fo_check "$tag: s2's config-get shows s1's 10.0.0.0 (pool, routers)" same_scope 10.0.0.0
	fo_check "$tag: s2's config-get shows s1's 10.1.0.0" same_scope 10.1.0.0
	fo_check "$tag: s2 kept its own subnet ids (11, 12)" ids_kept
	fo_check "$tag: s2 logged the replication as applied" fo_wait_log "$FO_LOG_s2" "FAILOVER_REPLICATE_APPLIED" 5
	fo_check "$tag: s1 back in Normal after the replication" fo_wait_state s1 rel1 Normal 60 Normal
	fo_check "$tag: s2 back in Normal after the replication" fo_wait_state s2 rel1 Normal 30 Normal
	c s2 failover-get '{"name": "rel1"}' >"$d/get2-after.json"
	fo_check "$tag: s2's binding table follows the new pool (scope 10.0.0.0: 150 addresses)" \
	    fo_jqe '[.arguments.relationships[0].state.scope[] | select(."scope-id" == "10.0.0.0") | .total] == [150]' "$d/get2-after.json"
	fo_check "$tag: after the replication both agree on who owns each free address of 10.0.0.0, split 50/50 (<= 20 s)" \
	    owners_agree 10.0.0.0 20
	rep s1 '{"name": "rel1"}' >"$d/rep-again.json"
	fo_check "$tag: replicating again: result 0, every scope unchanged, nothing to apply" \
	    fo_jqe '.result == 0 and .arguments.replications[0].applied == true and
	        (.arguments.replications[0].changes.scopes | map(.change) == ["unchanged", "unchanged"]) and
	        (.arguments.replications[0].id == null)' "$d/rep-again.json"
}

# Refused by s2's config-test: s1's option code 224 is s2's s2-local-opt.
refused_by_config_test() {
	raw s1 "$(config_set_s1 '.subnet4[0].pools = [{"pool": "10.0.1.0 - 10.0.1.149"}] |
	    .subnet4[0]["option-data"] = [{"name": "routers", "data": "10.0.0.253"}] |
	    .["option-def"] = [{"name": "fo-test-opt", "code": 224, "type": "string", "space": "dhcp4"}] |
	    .["client-classes"] = [{"name": "fo-class-a", "test": "substring(option[60].hex,0,4) == '"'MSFT'"'",
	        "option-data": [{"name": "fo-test-opt", "data": "from-class"}]}] |
	    .subnet4[1]["require-client-classes"] = ["fo-class-a"] |
	    .subnet4[1]["option-data"] = [{"name": "fo-test-opt", "data": "hello"}] |
	    .subnet4[1]["user-context"] = {"site": "Zürich-Süd", "note": "東京 Ελλάδα"}')" >"$d/cs2.json"
	fo_check "$tag: config-set on s1 (option-def code 224, class, 10.1.0.0 uses them): result 0" fo_result_is "$d/cs2.json" 0
	fo_wait_state s1 rel1 Normal 60 Normal >/dev/null
	config_of s2 >"$d/s2-before.json"
	rep s1 '{"name": "rel1"}' >"$d/rep-refused.json"
	fo_check "$tag: s2's config-test refuses (its own option code 224): result 1, says config-test" \
	    fo_says "$d/rep-refused.json" 1 "config-test refused"
	fo_check "$tag: ... and applied false" fo_jqe '.arguments.replications[0].applied == false' "$d/rep-refused.json"
	config_of s2 >"$d/s2-after.json"
	fo_check "$tag: ... s2's configuration unchanged (config-get before and after)" cmp -s "$d/s2-before.json" "$d/s2-after.json"
}

# Code 225; by scope-id through s1's kea-ctrl-agent; kea-shell. 10.1.0.0's
# user-context has text in three scripts: the signed payload's digest must be
# the same on both sides (over the UTF-8 bytes, whatever escapes Kea writes).
by_scope_id() {
	CS3='.subnet4[0].pools = [{"pool": "10.0.1.0 - 10.0.1.149"}] |
	    .subnet4[0]["option-data"] = [{"name": "routers", "data": "10.0.0.252"}] |
	    .["option-def"] = [{"name": "fo-test-opt", "code": 225, "type": "string", "space": "dhcp4"}] |
	    .["client-classes"] = [{"name": "fo-class-a", "test": "substring(option[60].hex,0,4) == '"'MSFT'"'",
	        "option-data": [{"name": "fo-test-opt", "data": "from-class"}]}] |
	    .subnet4[1]["require-client-classes"] = ["fo-class-a"] | .subnet4[1]["valid-lifetime"] = 3600 |
	    .subnet4[1]["option-data"] = [{"name": "fo-test-opt", "data": "hello"}] |
	    .subnet4[1]["user-context"] = {"site": "Zürich-Süd", "note": "東京 Ελλάδα"}'
	raw s1 "$(config_set_s1 "$CS3")" >"$d/cs3.json"
	fo_check "$tag: config-set on s1 (option code 225; routers of 10.0.0.0 now 10.0.0.252): result 0" fo_result_is "$d/cs3.json" 0
	fo_wait_state s1 rel1 Normal 60 Normal >/dev/null
	rep_wait agent s1 "$(agent s1 '{"command": "failover-replicate", "service": ["dhcp4"], "arguments": {"scope-id": ["10.1.0.0"]}}' |
	    jq -c '.[0]')" | jq -c '[.]' >"$d/rep-scope.json"
	fo_check "$tag: agent: failover-replicate {scope-id: [10.1.0.0]}: result 0, applied" \
	    fo_jqe '.[0].result == 0 and .[0].arguments.replications[0].applied == true' "$d/rep-scope.json"
	fo_check "$tag: ... 10.1.0.0 changed; class fo-class-a and option-def fo-test-opt/dhcp4 added" \
	    fo_jqe '.[0].arguments.replications[0].changes | .scopes[0]."scope-id" == "10.1.0.0" and .scopes[0].change == "changed"
	        and (.scopes | length) == 1 and ."client-classes".added == ["fo-class-a"] and ."option-def".added == ["fo-test-opt/dhcp4"]' "$d/rep-scope.json"
	fo_check "$tag: s2's config-get shows s1's 10.1.0.0" same_scope 10.1.0.0
	fo_check "$tag: s2 has the class and the option definition" class_and_def_on_s2
	fo_check "$tag: s2's 10.0.0.0 was not replicated (routers still 10.0.0.253)" routers_on_s2 10.0.0.253
	eval "_ns=\$FO_NS_s1"
	echo '"scope-id": "10.1.0.0"' | timeout 60 ip netns exec "$_ns" "${KEA_SHELL:-kea-shell}" --host "$FO_IP_s1" \
	    --port "$PORT" --service dhcp4 failover-replicate 2>&1 | tee -a "$OUT" >"$d/shell-start.json"
	rep_wait agent s1 "$(jq -c '.[0]' "$d/shell-start.json")" | jq -c '[.]' >"$d/shell.json"
	fo_check "$tag: kea-shell failover-replicate scope-id 10.1.0.0: result 0, unchanged" \
	    fo_jqe '.[0].result == 0 and .[0].arguments.replications[0].changes.scopes[0].change == "unchanged"' "$d/shell.json"
	fo_check "$tag: both in Normal after the replications" fo_wait_state s1 rel1 Normal 60 Normal
}

# A wrong shared secret (set on s1 only: local-only) or agent password on s1, an absent agent:
# refused, nothing changes on s2.
refused_credentials() {
	config_of s2 >"$d/s2-before2.json"
	c s1 failover-set "$(jq -cn '{"name": "rel1", "shared-secret": "not-the-partners-secret", "local-only": true}')" >"$d/set-wrong.json"
	rep s1 '{"name": "rel1"}' >"$d/rep-wrong-secret.json"
	fo_check "$tag: with a wrong shared secret on s1: result 1, s2 says digest: wrong" \
	    fo_says "$d/rep-wrong-secret.json" 1 "digest: wrong"
	c s1 failover-set "$(jq -cn --arg s "$SECRET" '{"name": "rel1", "shared-secret": $s, "local-only": true}')" >"$d/set-right.json"
	fo_check "$tag: failover-set s1 back to the shared secret: result 0" fo_result_is "$d/set-right.json" 0
	c s1 failover-set '{"name": "rel1", "partner-control-password": "not-the-agents-password"}' >/dev/null
	rep s1 '{"name": "rel1"}' >"$d/rep-401.json"
	fo_check "$tag: with a wrong agent password: result 1, HTTP 401 names the credentials' leaves" \
	    fo_says "$d/rep-401.json" 1 "HTTP 401 Unauthorized (check partner-control-user and partner-control-password)"
	c s1 failover-set "$(jq -cn --arg p "$PW" '{"name": "rel1", "partner-control-password": $p,
	    "partner-control-url": "http://10.0.0.2:8009/"}')" >/dev/null
	rep s1 '{"name": "rel1"}' >"$d/rep-unreachable.json"
	fo_check "$tag: with nobody at partner-control-url: result 1, cannot connect" \
	    fo_says "$d/rep-unreachable.json" 1 "cannot connect to 10.0.0.2 port 8009"
	c s1 failover-set '{"name": "rel1", "partner-control-url": "http://10.0.0.2:8000/"}' >"$d/set-url-back.json"
	fo_check "$tag: failover-set s1 partner-control-url back: result 0" fo_result_is "$d/set-url-back.json" 0
}

# https: s2's second agent with TLS; a wrong CA, then the right one and a client certificate.
over_tls() {
	if [ -z "$PKI_OK" ]; then
		echo "# skip $tag: https (no openssl command to make the certificates)"
		return 0
	fi
	if ! agent_start s2 1 1; then
		fo_not_ok "$tag: s2's kea-ctrl-agent with TLS starts on 10.0.0.2:$TLS_PORT"
		sed 's/^/#   /' "$FO_TMP/s2/agent-tls.log" | tail -5
		return 0
	fi
	raw s1 "$(config_set_s1 "$CS3"' | .["client-classes"][0]["option-data"][0].data = "from-class-2" |
	    .subnet4[1]["renew-timer"] = 1200')" >"$d/cs5.json"
	fo_check "$tag: config-set on s1 (renew-timer 1200 in 10.1.0.0): result 0" fo_result_is "$d/cs5.json" 0
	fo_wait_state s1 rel1 Normal 60 Normal >/dev/null
	c s1 failover-set "$(jq -cn --arg p "$PKI" '{"name": "rel1", "partner-control-url": "https://10.0.0.2:8443/",
	    "partner-control-trust-anchor": ($p + "/other-ca.pem"), "partner-control-cert-file": ($p + "/client.pem"),
	    "partner-control-key-file": ($p + "/client.key")}')" >"$d/set-tls-wrong.json"
	fo_check "$tag: failover-set s1 https://10.0.0.2:8443/ with another CA and a client certificate: result 0" \
	    fo_result_is "$d/set-tls-wrong.json" 0
	rep s1 '{"name": "rel1"}' >"$d/rep-tls-wrong.json"
	fo_check "$tag: https with the wrong trust anchor: result 1, certificate verify failed" \
	    fo_says "$d/rep-tls-wrong.json" 1 "TLS handshake with 10.0.0.2:8443 failed: certificate verify failed"
	fo_check "$tag: ... s2's renew-timer of 10.1.0.0 not changed" renew_not_on_s2 1200
	c s1 failover-set "$(jq -cn --arg p "$PKI" '{"name": "rel1", "partner-control-trust-anchor": ($p + "/ca.pem")}')" \
	    >"$d/set-tls.json"
	fo_check "$tag: failover-get shows the URL and the three paths, no key" failover_get_tls_ok "$d/set-tls.json"
	fo_check "$tag: ... and validates against the YANG module" fo_yang_ok "$d/set-tls.json"
	fo_wait_state s1 rel1 Normal 60 Normal >/dev/null
	rep s1 '{"name": "rel1"}' >"$d/rep-tls.json"
	fo_check "$tag: failover-replicate over https (right CA, client certificate, basic auth): result 0, applied" \
	    fo_jqe '.result == 0 and .arguments.replications[0].applied == true and
	        any(.arguments.replications[0].changes.scopes[]; . == {"scope-id": "10.1.0.0", "change": "changed", "members": ["renew-timer"]})' \
	    "$d/rep-tls.json"
	fo_check "$tag: ... s2's 10.1.0.0 has renew-timer 1200" renew_on_s2 1200
	fo_check "$tag: ... s2's TLS agent forwarded it" grep -q "failover-replicate-apply" "$FO_TMP/s2/agent-tls.log"
	c s1 failover-set '{"name": "rel1", "partner-control-url": "http://10.0.0.2:8000/", "partner-control-trust-anchor": null,
	    "partner-control-cert-file": null, "partner-control-key-file": null}' >"$d/set-plain.json"
	fo_check "$tag: failover-set s1 back to http, the TLS leaves removed: result 0" \
	    fo_jqe '.result == 0 and (.arguments.relationships[0] | has("partner-control-cert-file") | not)' "$d/set-plain.json"
	kill "$TLS_AGENT_PID" 2>/dev/null; wait "$TLS_AGENT_PID" 2>/dev/null
	_fo_forget_pid "$TLS_AGENT_PID"
	fo_check "$tag: both in Normal after the https replication" fo_wait_state s1 rel1 Normal 60 Normal
}

# Requests signed here, straight to s2's socket (its side alone).
signed_requests() {
	SUB=$(subnet_of s1 10.0.0.0 | jq -c '."option-data" = [{"name": "routers", "data": "not-an-address"}]')
	A=$(jq -cn --argjson s "$SUB" '{"relationship": "rel1", "subnet4": [$s]}')
	raw s2 "$(sign failover-replicate-apply "$A" wrong-key)" >"$d/apply-badkey.json"
	fo_check "$tag: s2: apply signed with another key: result 1, digest: wrong" fo_says "$d/apply-badkey.json" 1 "digest: wrong"
	raw s2 "$(sign failover-replicate-apply "$A" "$SECRET" $(( $(date +%s) - 120 )))" >"$d/apply-old.json"
	fo_check "$tag: s2: apply signed 120 s ago: result 1, names time" fo_says "$d/apply-old.json" 1 "s away from this server's clock"
	raw s2 "$(jq -cn --argjson a "$A" '{"command": "failover-replicate-apply", "arguments": $a}')" >"$d/apply-unsigned.json"
	fo_check "$tag: s2: apply without a digest: result 1, digest: missing" fo_says "$d/apply-unsigned.json" 1 "digest: missing"
	raw s2 "$(sign failover-replicate-apply "$A" "$SECRET")" >"$d/apply-invalid.json"
	fo_check "$tag: s2: apply with routers 'not-an-address' (signed right): result 1, config-test refused" \
	    fo_says "$d/apply-invalid.json" 1 "config-test refused"
	A9=$(jq -cn --argjson s "$SUB" '{"relationship": "rel1", "subnet4": [$s | .subnet = "10.9.0.0/16"]}')
	raw s2 "$(sign failover-replicate-apply "$A9" "$SECRET")" >"$d/apply-scope.json"
	fo_check "$tag: s2: apply of 10.9.0.0 (not a scope of rel1): result 1, names subnet4[0]" \
	    fo_says "$d/apply-scope.json" 1 "subnet4[0]: 10.9.0.0/16 is not a scope"
	raw s2 "$(sign failover-replicate-apply "$(jq -cn --argjson s "$(subnet_of s1 10.0.0.0)" '{"relationship": "rel1", "all-scopes": true, "subnet4": [$s]}')" "$SECRET")" >"$d/apply-all.json"
	fo_check "$tag: s2: apply of all scopes with 10.0.0.0 only: result 1, names scope-id" \
	    fo_says "$d/apply-all.json" 1 "scope-id: relationship 'rel1' has more scopes on this server"
	raw s2 "$(sign failover-replicate-apply "$(jq -cn --argjson s "$SUB" '{"relationship": "nope", "subnet4": [$s]}')" "$SECRET")" >"$d/apply-norel.json"
	fo_check "$tag: s2: apply for relationship nope: result 3" fo_result_is "$d/apply-norel.json" 3
	raw s2 "$(sign failover-replicate-commit '{"relationship": "rel1", "id": "1-2-3"}' "$SECRET")" >"$d/commit-bad.json"
	fo_check "$tag: s2: commit of an unknown id: result 1, names id" fo_says "$d/commit-bad.json" 1 "id: no replication"
	raw s2 '{"command": "failover-replicate-status", "arguments": {"id": "1-2-3"}}' >"$d/status-bad.json"
	fo_check "$tag: s2: status of an unknown id: result 3" fo_result_is "$d/status-bad.json" 3
	config_of s2 >"$d/s2-after2.json"
	fo_check "$tag: s2's configuration unchanged by every refusal (config-get before and after)" \
	    cmp -s "$d/s2-before2.json" "$d/s2-after2.json"
}

# A prepared replication (checked, not committed) blocks the other direction.
crossing() {
	SUBV=$(subnet_of s2 10.1.0.0 | jq -c '."renew-timer" = 900')
	raw s2 "$(sign failover-replicate-apply "$(jq -cn --argjson s "$SUBV" '{"relationship": "rel1", "subnet4": [$s]}')" "$SECRET")" >"$d/prepare.json"
	fo_check "$tag: s2: a signed apply is checked and prepared (result 0, an id, 10.1.0.0 changed)" \
	    prepared_ok "$d/prepare.json"
	rep s2 '{"name": "rel1"}' >"$d/crossing.json"
	fo_check "$tag: s2's own failover-replicate meanwhile: result 1, must not cross" fo_says "$d/crossing.json" 1 "must not cross"
	config_of s2 >"$d/s2-after3.json"
	fo_check "$tag: the prepared replication changed nothing on s2 (not committed)" cmp -s "$d/s2-before2.json" "$d/s2-after3.json"
	ID=$(jq -r '.arguments.id // "none"' "$d/prepare.json")
	raw s2 "$(sign failover-replicate-commit "$(jq -cn --arg id "$ID" '{"relationship": "rel1", "id": $id}')" "$SECRET")" >"$d/commit.json"
	fo_check "$tag: s2: the signed commit: result 0" fo_result_is "$d/commit.json" 0
	fo_check "$tag: s2: failover-replicate-status says applied" status_applied s2 "$ID"
	fo_check "$tag: s2's 10.1.0.0 has renew-timer 900 now" renew_on_s2 900
	raw s1 "$(config_set_s1 "$CS3"' | .["client-classes"][0]["option-data"][0].data = "from-class-2"')" >"$d/cs4.json"
	fo_wait_state s1 rel1 Normal 60 Normal >/dev/null
	# DHCP traffic to s1 through the whole replication (perfdhcp, 10 new
	# clients a second, each answer waited for up to 5 s): Kea's main thread
	# never waits for the partner, so no answer is late by a second.
	fo_perfdhcp_bg "$d/perf.out" -r 10 -p 8 -R 100000 -d 5
	sleep 1
	rep s1 '{"name": "rel1"}' >"$d/rep-back.json"
	fo_check "$tag: ... the replication ended while perfdhcp still ran" kill -0 "$FO_PERF_PID"
	wait "$FO_PERF_PID" 2>/dev/null
	_fo_forget_pid "$FO_PERF_PID"
	fo_check "$tag: ... no DHCP answer of s1 delayed by 500 ms or more meanwhile" max_delay_ok "$d/perf.out" 500
	fo_check "$tag: s1's next replication by name: 10.0.0.0 (routers 10.0.0.252), s2's own renew-timer undone, class changed" \
	    rep_back_ok "$d/rep-back.json"
	fo_check "$tag: ... s2's config-get shows s1's 10.1.0.0 again" same_scope 10.1.0.0
	fo_check "$tag: ... and s1's 10.0.0.0" same_scope 10.0.0.0
}

# owners_agree SCOPE SECONDS: s1's free-mine is s2's free-partner and the
# other way round for SCOPE, and each owns about half (+-10 %) of the free
# addresses, within SECONDS (the rebalancing runs when the secondary
# reaches Normal after the replication's reconnection).
owners_agree() {
	_end=$(($(date +%s) + $2))
	while :; do
		c s1 failover-get '{"name": "rel1"}' >"$d/own1.json"
		c s2 failover-get '{"name": "rel1"}' >"$d/own2.json"
		_r=$(jq -s -c --arg sc "$1" 'map(.arguments.relationships[0].state.scope[] | select(."scope-id" == $sc)
		    | {m: ."free-mine", p: ."free-partner"}) as [$a, $b]
		    | {s1: $a, s2: $b, ok: ($a.m == $b.p and $a.p == $b.m and ($a.m - $a.p | fabs) <= ($a.m + $a.p) / 10 + 1)}' \
		    "$d/own1.json" "$d/own2.json")
		[ "$(echo "$_r" | jq .ok)" = true ] && { echo "#   $_r"; return 0; }
		[ "$(date +%s)" -lt "$_end" ] || { echo "#   $_r"; return 1; }
		sleep 1
	done
}

run() {
	mt=$1 tag="$(fo_mt_name "$1")"
	d="$FO_TMP/ans-$mt"; mkdir -p "$d"
	fo_pair_reset
	fo_pair_config s1 "$FO_TMP/s1.json" "$REL1" "{\"subnet4\": $SUBNETS1}"
	fo_pair_config s2 "$FO_TMP/s2.json" "$REL" "{\"subnet4\": $SUBNETS2, \"option-def\":
	    [{\"name\": \"s2-local-opt\", \"code\": 224, \"type\": \"uint8\", \"space\": \"dhcp4\"}]}"
	if ! fo_pair_start "$mt" "$FO_TMP/s1.json" "$FO_TMP/s2.json"; then
		fo_not_ok "$tag: both kea-dhcp4 start"; fo_kea_stop s1; fo_kea_stop s2; return
	fi
	if ! agent_start s1 0 || ! agent_start s2 1; then
		fo_not_ok "$tag: both kea-ctrl-agent start"; agents_stop; fo_kea_stop s1; fo_kea_stop s2; return
	fi
	md5sum "$FO_TMP/s2/kea-dhcp4.json" >"$d/s2-file.md5"
	fo_check "$tag: s1 reaches Normal" fo_wait_state s1 rel1 Normal 60 Normal
	fo_check "$tag: s2 reaches Normal" fo_wait_state s2 rel1 Normal 30 Normal

	raw s1 '{"command": "list-commands"}' >"$d/list.json"
	fo_check "$tag: list-commands has failover-replicate (and the partner's -apply, -commit, -status)" \
	    fo_jqe '.arguments as $a | ["failover-replicate", "failover-replicate-apply", "failover-replicate-commit",
	        "failover-replicate-status"] | all(. as $c | $a | index($c) != null)' "$d/list.json"
	c s1 failover-get '{"name": "rel1"}' >"$d/get1.json"
	fo_check "$tag: failover-get shows partner-control-url and -user, not the password" \
	    fo_jqe '.arguments.relationships[0] | ."partner-control-url" == "http://10.0.0.2:8000/" and
	        ."partner-control-user" == "fo-admin" and (has("partner-control-password") | not)' "$d/get1.json"
	fo_check "$tag: ... and validates against the YANG module" fo_yang_ok "$d/get1.json"
	raw s1 '{"command": "config-get"}' >"$d/config-get1.json"
	fo_check "$tag: config-get shows neither the shared secret nor the agent's password" \
	    fo_no_secret "$d/config-get1.json"
	bad_input
	by_name
	refused_by_config_test
	by_scope_id
	refused_credentials
	signed_requests
	crossing
	over_tls
	fo_check "$tag: s1 in Normal at the end" fo_wait_state s1 rel1 Normal 60 Normal
	fo_check "$tag: s2 in Normal at the end" fo_wait_state s2 rel1 Normal 30 Normal
	fo_check "$tag: s2's configuration file was not rewritten (no config-write)" md5sum -c --quiet "$d/s2-file.md5"
	fo_check "$tag: the shared secret and the agent's password are in no answer" fo_no_secret "$OUT" "$d"/*.json
	fo_check "$tag: ... and in no log" fo_no_secret "$FO_TMP"/s1/kea.*.log "$FO_TMP"/s2/kea.*.log "$FO_TMP"/s*/agent*.log
	agents_stop
	fo_kea_stop s1
	fo_kea_stop s2
}

# Stop this test's agents (by the PIDs it recorded).
AGENT_PIDS=""
agents_stop() {
	for p in $AGENT_PIDS; do
		kill "$p" 2>/dev/null; wait "$p" 2>/dev/null
		_fo_forget_pid "$p"
	done
	AGENT_PIDS=""
}

PKI_OK=""
if command -v openssl >/dev/null 2>&1; then
	if make_pki; then PKI_OK=1; else fo_not_ok "the certificates of the https case (openssl)"; sed 's/^/#   /' "$PKI/openssl.log" | tail -5; fi
fi

# Kea >= 2.7: the replication goes to kea-dhcp4's own HTTP control socket (no
# kea-ctrl-agent; ISC deprecates it there), with basic authentication.
http_socket() {
	tag=http d="$FO_TMP/ans-http"; mkdir -p "$d"
	fo_pair_reset
	agents_stop
	rel1=$(echo "$REL1" | jq -c '."partner-control-url" = "http://10.0.0.2:8010/"')
	fo_pair_config s1 "$FO_TMP/s1.json" "$rel1" "{\"subnet4\": $SUBNETS1}"
	fo_pair_config s2 "$FO_TMP/s2u.json" "$REL" "{\"subnet4\": $SUBNETS2}"
	fo_config_http s2 "$FO_TMP/s2u.json" "$FO_TMP/s2.json" 10.0.0.2 8010 "$AGENT_USER" "$PW"
	if ! fo_pair_start 0 "$FO_TMP/s1.json" "$FO_TMP/s2.json"; then
		fo_not_ok "$tag: both kea-dhcp4 start (s2 with an http control socket)"; fo_kea_stop s1; fo_kea_stop s2; return
	fi
	fo_check "$tag: s1 reaches Normal" fo_wait_state s1 rel1 Normal 60 Normal
	raw s1 "$(config_set_s1 '.subnet4[0].pools = [{"pool": "10.0.1.0 - 10.0.1.149"}]')" >"$d/cs1.json"
	fo_check "$tag: config-set on s1 (pool 10.0.1.0-149): result 0" fo_result_is "$d/cs1.json" 0
	fo_wait_state s1 rel1 Normal 60 Normal >/dev/null
	rep s1 '{"name": "rel1"}' >"$d/rep.json"
	fo_check "$tag: failover-replicate to s2's own http socket (http://10.0.0.2:8010/): result 0, applied" \
	    fo_jqe '.result == 0 and .arguments.replications[0].applied == true' "$d/rep.json"
	fo_check "$tag: s2's config-get shows s1's 10.0.0.0 (pool)" same_scope 10.0.0.0
	fo_check "$tag: s2 logged the replication as applied" fo_wait_log "$FO_LOG_s2" "FAILOVER_REPLICATE_APPLIED" 5
	fo_check "$tag: the shared secret and the password are in no answer and no log" \
	    fo_no_secret "$d"/*.json "$FO_TMP"/s1/kea.*.log "$FO_TMP"/s2/kea.*.log
	fo_kea_stop s1
	fo_kea_stop s2
}

for mt in ${FO_MT_LIST:-0 1}; do
	run "$mt"
done
[ "$KEA_HTTP" = 0 ] || http_socket

fo_summary
