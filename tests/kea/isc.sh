# isc.sh - ISC dhcpd 4.4 in the namespaces of scenario.sh, for the tests that
# pair it with (or replace it by) kea-dhcp4 with the hook. Sourced after
# scenario.sh, never run. dhcpd runs in the foreground (-f -d) with its own
# files in $FO_TMP/isc-NAME; the Debian service is neither used nor touched.
#   isc_run NAME CONF              dhcpd in NAME's namespace (s1|s2) on fo-NAME with
#                                  a copy of CONF and an empty lease file
#   isc_stop NAME                  SIGTERM, then SIGKILL after 5 s
#   isc_wait_state NAME STATE SECS [FROM_LINE]
#                                  "failover peer $ISC_PEER: I move from X to STATE"
#                                  in its output (after line FROM_LINE)
#   isc_lines NAME                 lines of its output so far
#   isc_leases NAME                its lease file, the last declaration per
#                                  address: {address: "state hw"} as JSON
#   isc_leases_kea NAME            the same leases as JSON lines in the form of
#                                  Kea's lease4-get-all (for check_duplicates.py)
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0

: "${DHCPD:=$(command -v dhcpd || echo /usr/sbin/dhcpd)}"
: "${ISC_PEER:=rel1}"

isc_skip_unless_installed() {
	[ -x "$DHCPD" ] || { echo "SKIP: ISC dhcpd is not installed (apt-get install isc-dhcp-server)"; exit 77; }
}

isc_run() {
	_d="$FO_TMP/isc-$1"
	rm -rf "$_d"; mkdir -p "$_d"
	cp "$2" "$_d/dhcpd.conf"
	: >"$_d/dhcpd.leases"
	eval "_ns=\$FO_NS_$1"
	ip netns exec "$_ns" "$DHCPD" -4 -f -d -cf "$_d/dhcpd.conf" -lf "$_d/dhcpd.leases" \
	    -pf "$_d/dhcpd.pid" "fo-$1" >"$_d/dhcpd.log" 2>&1 &
	eval "ISC_PID_$1=$!"
	FO_PIDS="$FO_PIDS $!"
	fo_wait_log "$_d/dhcpd.log" 'Server starting service' 10 ||
	    { sed 's/^/#   dhcpd: /' "$_d/dhcpd.log" | tail -8; return 1; }
}

isc_stop() {
	eval "_pid=\${ISC_PID_$1:-}"
	[ -n "$_pid" ] || return 0
	kill -TERM "$_pid" 2>/dev/null
	i=0; while kill -0 "$_pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	kill -KILL "$_pid" 2>/dev/null; wait "$_pid" 2>/dev/null
	_fo_forget_pid "$_pid"; eval "ISC_PID_$1="
}

isc_wait_state() {
	_log="$FO_TMP/isc-$1/dhcpd.log"
	_pat="failover peer $ISC_PEER: I move from [a-z-]* to $2\$"
	_end=$(($(date +%s) + $3))
	while :; do   # the log read first and at the end (fo_wait_log)
		if tail -n +"${4:-1}" "$_log" | grep -q "$_pat"; then
			echo "#   dhcpd $1: $(tail -n +"${4:-1}" "$_log" | grep "$_pat" | tail -1)"
			return 0
		fi
		[ "$(date +%s)" -lt "$_end" ] || break
		sleep 0.25
	done
	echo "#   dhcpd $1 did not move to $2 within $3 s; last state lines:"
	grep "failover peer $ISC_PEER: I move" "$_log" | tail -3 | sed 's/^/#     /'
	return 1
}

isc_lines() { wc -l <"$FO_TMP/isc-$1/dhcpd.log"; }

isc_leases() { _isc_leases "$1" table; }
isc_leases_kea() { _isc_leases "$1" kea; }
_isc_leases() {
	"$PYTHON" - "$FO_TMP/isc-$1/dhcpd.leases" "$2" <<'PY'
import calendar, json, re, sys, time
text = open(sys.argv[1]).read()
last = {}
for m in re.finditer(r'lease (\S+) \{(.*?)\n\}', text, re.S):
    last[m.group(1)] = m.group(2)
def when(body, key):
    t = re.search(r'\n\s*%s \d+ (\S+ \S+);' % key, body)
    return calendar.timegm(time.strptime(t.group(1), "%Y/%m/%d %H:%M:%S")) if t else None
out = {}
for a, body in last.items():
    st = re.search(r'\n\s*binding state (\S+);', body)
    hw = re.search(r'hardware ethernet (\S+);', body)
    st, hw = (st.group(1) if st else "?"), (hw.group(1) if hw else "-")
    if sys.argv[2] == "table":
        out[a] = "%s %s" % (st, hw)
    elif st == "active" and hw != "-" and when(body, "starts") and when(body, "ends"):
        s, e = when(body, "starts"), when(body, "ends")
        print(json.dumps({"ip-address": a, "hw-address": hw, "state": 0, "cltt": s, "valid-lft": e - s}))
if sys.argv[2] == "table":
    print(json.dumps(out))
PY
}
