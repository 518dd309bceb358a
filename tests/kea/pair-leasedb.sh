# pair-leasedb.sh - a failover pair whose Kea servers keep their leases in a
# database of their own: MySQL or PostgreSQL (FO_LEASE_BACKEND, set by
# test-pair-mysql.sh / test-pair-pgsql.sh, which source this). Memfile is
# test-pair-crash.sh's.
#
# s1 primary, s2 secondary, LoadBalance 50, MCLT 600 s (a client's first
# lease is MCLT long: longer than the test, so nothing expires), multi-threading on
# (FO_MT_LIST), each server with its own database server (tests/kea/leasedb.sh:
# started by the test in the server's namespace, schema by kea-admin db-init).
#   1. both reach Normal; the probe gets FO_DB_CLIENTS clients (300) a lease
#      through a relay forwarding to both; about 2 s in, s2 is killed with
#      SIGKILL and started again 3 s later (its database keeps running);
#      both reach Normal again and acknowledge every update;
#   2. replicated into the partner's database: in each server's database
#      (SQL on lease4) every acknowledged lease, whichever server gave it, is
#      there, active, for the same client, expiring no earlier than the client
#      was told (acknowledged at + lease time); as many active rows as
#      clients; lease4-get of every address on both servers says the same;
#   3. s1 is killed with SIGKILL and started again: nothing lost: the same
#      checks on both databases and servers, and no lease expires earlier
#      than before the kill;
#   4. the clients' view: every client, asking again from scratch (DISCOVER,
#      REQUEST: its bucket's owner answers), gets the address it had.
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
. "$(dirname "$0")/scenario.sh"
. "$(dirname "$0")/leasedb.sh"

B=${FO_LEASE_BACKEND:?FO_LEASE_BACKEND: mysql or pgsql}
[ -f "$FO_HOOK" ] || { echo "hook not built: $FO_HOOK"; exit 99; }
fo_need jq socat
fo_db_need "$B"
fo_deadline "${FO_DB_DEADLINE:-420}"
fo_topology_up || { fo_not_ok "topology up"; fo_summary; exit 1; }
N=${FO_DB_CLIENTS:-300}
D4=$(jq -cn --argjson db "$(fo_db_lease_database "$B")" '{"lease-database": $db,
  "subnet4": [{"id": 1, "subnet": "10.0.0.0/16", "pools": [{"pool": "10.0.1.0 - 10.0.2.255"}]}]}')

# 0. The two database servers, their schema made side by side.
fo_check "$B: s1's database server starts" fo_db_start "$B" s1
fo_check "$B: s2's database server starts" fo_db_start "$B" s2
fo_db_init "$B" s1 >"$FO_TMP/init.s1" 2>&1 & i1=$!
fo_db_init "$B" s2 >"$FO_TMP/init.s2" 2>&1 & i2=$!
wait "$i1"; r1=$?; wait "$i2"; r2=$?
cat "$FO_TMP/init.s1" "$FO_TMP/init.s2"
fo_check "$B: kea-admin db-init makes Kea's schema in both databases" test "$r1$r2" = 00

# config NAME: the pair's configuration with the database (on Kea >= 3.0 its
# backend's hook library first).
config() {
	fo_pair_config "$1" "$FO_TMP/$1.base.json" '{"max-client-lead-time": 600}' "$D4"
	jq --argjson h "$(fo_db_hooks "$B")" '.Dhcp4["hooks-libraries"] = $h + .Dhcp4["hooks-libraries"]' \
	    "$FO_TMP/$1.base.json" >"$FO_TMP/$1.json"
}

# leases_cover FILE TAG: every acknowledged lease of the probe's FILE is in
# both databases (SQL) and on both servers (lease4-get), active, for the same
# client, expiring no earlier than acked_at + lease time (2 s for Kea's whole
# seconds); each database has exactly as many active leases as clients.
# Keeps each database's {address: expire} in $FO_TMP/exp.TAG.NAME.json.
# Waits up to 20 s for it: an update the partner acknowledged is in its
# journal and reaches its Kea database from Kea's IO thread's 100 ms timer
# (docs/operation.md), a moment after fo_wait_synced saw nothing pending.
leases_cover() {
	_end=$(($(date +%s) + 20))
	while ! leases_cover_now "$1" "$2" >"$FO_TMP/cover.out"; do
		if [ "$(date +%s)" -ge "$_end" ]; then
			cat "$FO_TMP/cover.out"
			evidence "$1" $(sort -u "$FO_TMP/missing.$2".s?)
			return 1
		fi
		sleep 0.5
	done
	cat "$FO_TMP/cover.out"
}
leases_cover_now() {
	_now=$(date +%s)
	jq -s -c 'map(select(.acked != null) | {(.acked): {hw: .chaddr, until: ((.acked_at + .lease_time) | floor)}}) | add // {}' \
	    "$1" >"$FO_TMP/want.json"
	_ok=0
	for _s in s1 s2; do
		fo_db_leases "$_s" | jq -s -c 'map({(.address): .}) | add // {}' >"$FO_TMP/db.$2.$_s.json"
		jq -c 'map_values(.expire)' "$FO_TMP/db.$2.$_s.json" >"$FO_TMP/exp.$2.$_s.json"
		# lease4-get of each address (the answers' arguments; a missing lease has none)
		for _a in $(jq -r 'keys[]' "$FO_TMP/want.json"); do
			fo_kea_cmd "$_s" "{\"command\": \"lease4-get\", \"arguments\": {\"ip-address\": \"$_a\"}}"
		done | jq -s -c 'map(select(.result == 0) | .arguments | {(.["ip-address"]): {hw: .["hw-address"],
		    state, expire: (.cltt + .["valid-lft"])}}) | add // {}' >"$FO_TMP/get.$2.$_s.json"
		_r=$(jq -n -c --slurpfile w "$FO_TMP/want.json" --slurpfile d "$FO_TMP/db.$2.$_s.json" \
		    --slurpfile g "$FO_TMP/get.$2.$_s.json" --argjson now "$_now" '
		    $w[0] as $w | $d[0] as $d | $g[0] as $g
		    | def bad($t): [$w | to_entries[] | .key as $k | .value as $v
		          | select($t[$k] | (. == null or .hw != $v.hw or .state != 0 or .expire < $v.until - 2))
		          | {($k): {client: $v, lease: $t[$k]}}];
		    {acked: ($w | length), db_active: ([$d[] | select(.state == 0 and .expire > $now)] | length),
		     db_missing: bad($d), get_missing: bad($g)}
		    | .ok = (.acked > 0 and .db_active == .acked and (.db_missing | length) == 0
		             and (.get_missing | length) == 0)
		    | .missing = ([.db_missing[], .get_missing[] | keys[]] | unique)
		    | .db_missing |= .[:4] | .get_missing |= .[:4]')
		echo "$_r" | jq -r '.missing[]' >"$FO_TMP/missing.$2.$_s"
		_r=$(echo "$_r" | jq -c 'del(.missing)')
		echo "#   $_s: $_r"
		[ "$(echo "$_r" | jq .ok)" = true ] && _ok=$((_ok + 1))
	done
	[ $_ok = 2 ]
}

# evidence FILE ADDRESS...: what a failed check has to say about these
# addresses (at most 4): the probe's records of the clients acknowledged them
# in FILE, each server's binding of the address (failover-get) and Kea's lease
# (lease4-get), and every line of either server's logs (every start) naming
# the address or one of those clients' hardware addresses.
evidence() {
	_f=$1; shift
	for _a in $(printf '%s\n' "$@" | head -4); do
		echo "# evidence for $_a:"
		jq -c --arg a "$_a" 'select(.acked == $a or .offered == $a)' "$_f" | sed 's/^/#   probe: /'
		_hw=$(jq -r --arg a "$_a" 'select(.acked == $a or .offered == $a) | .chaddr' "$_f" | sort -u)
		_prev=$(echo "$_a" | awk -F. '{ n = (($1 * 256 + $2) * 256 + $3) * 256 + $4 - 1;
		    printf "%d.%d.%d.%d", n / 16777216 % 256, n / 65536 % 256, n / 256 % 256, n % 256 }')
		for _s in s1 s2; do
			fo_kea_cmd "$_s" "{\"command\": \"failover-get\", \"arguments\": {\"bindings\": true,
			    \"from\": \"$_prev\", \"limit\": 1}}" | jq -c --arg a "$_a" \
			    '[.arguments.relationships[].state.scope[]?.binding[]? | select(.address == $a)]' |
			    sed "s/^/#   $_s binding: /"
			fo_kea_cmd "$_s" "{\"command\": \"lease4-get\", \"arguments\": {\"ip-address\": \"$_a\"}}" |
			    jq -c '.arguments // .text' | sed "s/^/#   $_s lease4-get: /"
			_pat=$(printf '%s\n' "$_a" $_hw | paste -sd'|' | sed 's/\./\\./g')
			for _l in $(ls "$FO_TMP/$_s"/kea.*.log 2>/dev/null | sort -t. -k2 -n); do
				grep -Ew "$_pat" "$_l" | tail -40 | sed "s|^|#   $_s $(basename "$_l"): |"
			done
		done
	done
}

# not_shortened TAG_BEFORE TAG_AFTER: no address's expiry in either database
# is earlier after than before.
not_shortened() {
	_ok=0
	for _s in s1 s2; do
		_r=$(jq -n -c --slurpfile a "$FO_TMP/exp.$1.$_s.json" --slurpfile b "$FO_TMP/exp.$2.$_s.json" '
		    $a[0] as $a | $b[0] as $b
		    | {before: ($a | length), shortened: [$a | keys[] | select(($b[.] // 0) < $a[.])]}
		    | .ok = (.before > 0 and (.shortened | length) == 0) | .shortened |= .[:6]')
		echo "#   $_s: $_r"
		[ "$(echo "$_r" | jq .ok)" = true ] && _ok=$((_ok + 1))
	done
	[ $_ok = 2 ]
}

# kept FILE_BEFORE FILE_AFTER: every client of AFTER was acknowledged the address it had in BEFORE.
kept() {
	_r=$(jq -n -c --slurpfile a "$1" --slurpfile b "$2" '
	    ($a | map({(.chaddr): .acked}) | add) as $was
	    | {clients: ($b | length), acked: ($b | map(select(.acked != null)) | length),
	       moved: [$b[] | select(.acked != $was[.chaddr]) | .chaddr][:6], naks: ($b | map(select(.nak)) | length)}
	    | .ok = (.clients == ($a | length) and .acked == .clients and (.moved | length) == 0)')
	echo "#   $_r"
	[ "$(echo "$_r" | jq .ok)" = true ] && return 0
	# The moved clients: their records now, and the evidence of the address each had.
	for _c in $(echo "$_r" | jq -r '.moved[]' | head -4); do
		jq -c --arg c "$_c" 'select(.chaddr == $c)' "$2" | sed 's/^/#   asking again: /'
		evidence "$1" $(jq -r --arg c "$_c" 'select(.chaddr == $c) | .acked // empty' "$1")
	done
	return 1
}

run() {
	mt=$1 tag="$B, $(fo_mt_name "$1")"
	fo_pair_reset
	fo_db_sql s1 'DELETE FROM lease4'; fo_db_sql s2 'DELETE FROM lease4'
	config s1; config s2
	if ! fo_pair_start "$mt" "$FO_TMP/s1.json" "$FO_TMP/s2.json"; then fo_not_ok "$tag: both servers start"; return; fi
	fo_check "$tag: both reach Normal" fo_pair_normal

	# 1. Clients through both servers; s2 killed and restarted meanwhile.
	fo_probe_pair_bg "$FO_TMP/load.json" dora --count "$N" --seed "db-$B-$mt" --primary-percent 50 \
	    --rate 60 --parallel 32 --timeout 1 --retries 4 --nak-restart 3 --max-time 120
	sleep 2
	fo_kea_kill9 s2
	echo "# $(date -u +%T) s2 killed (SIGKILL)"
	sleep 3
	fo_check "$tag: s2 starts again after kill -9" fo_kea_start s2 "$FO_TMP/s2.json" "$mt"
	fo_check "$tag: after s2's restart both reach Normal again" fo_pair_normal
	fo_probe_wait "$FO_TMP/load.json"
	fo_check "$tag: every one of the $N clients got a lease" fo_all_acked "$FO_TMP/load.json"
	fo_check "$tag: the partners acknowledged every update (nothing pending), <= 30 s" fo_wait_synced 30
	echo "#   acknowledged by s1: $(fo_json_count "$FO_TMP/load.json" '.acked_by == "10.0.0.1"'), by s2: $(fo_json_count "$FO_TMP/load.json" '.acked_by == "10.0.0.2"')"

	# 2. In both databases and on both servers.
	fo_check "$tag: every lease in both databases (SQL) and on both servers (lease4-get), expiring no earlier than the client was told" \
	    leases_cover "$FO_TMP/load.json" 1

	# 3. kill -9 s1; nothing lost.
	fo_kea_kill9 s1
	echo "# $(date -u +%T) s1 killed (SIGKILL)"
	fo_check "$tag: s1 starts again after kill -9" fo_kea_start s1 "$FO_TMP/s1.json" "$mt"
	fo_check "$tag: after s1's restart both reach Normal again" fo_pair_normal
	fo_check "$tag: after s1's restart every update acknowledged, <= 30 s" fo_wait_synced 30
	fo_check "$tag: after kill -9 of each server every lease is still in both databases and on both servers" \
	    leases_cover "$FO_TMP/load.json" 2
	fo_check "$tag: no lease in either database expires earlier than before the kill -9" not_shortened 1 2

	# 4. The clients' view.
	fo_probe_pair dora --count "$N" --seed "db-$B-$mt" --primary-percent 50 --rate 200 --parallel 32 \
	    --timeout 1 --retries 4 --max-time 60 >"$FO_TMP/again.json" 2>"$FO_TMP/again.err"
	sed 's/^/#   /' "$FO_TMP/again.err"
	fo_check "$tag: every client asking again (DISCOVER, REQUEST) gets the address it had" \
	    kept "$FO_TMP/load.json" "$FO_TMP/again.json"
	fo_kea_stop s1; fo_kea_stop s2
}

for mt in ${FO_MT_LIST:-1}; do
	run "$mt"
done
fo_db_stop s1; fo_db_stop s2

[ -z "${FO_KEEP:-}" ] || cp -a "$FO_TMP" "$FO_KEEP"   # keep logs for a post-mortem
fo_summary
