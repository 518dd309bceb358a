#!/bin/sh
# test-tshark.sh - Wireshark's dhcpfo dissector as an independent decoder
# of what fo_wire encodes. gen_messages writes one message of each type
# as a TCP stream to port 647 in a pcap; tshark must decode every frame
# as DHCP failover with the expected message type and without
# "Malformed" or error-level expert info.
#
# The ISC dialect is what an ISC peer receives; the draft dialect adds
# batched bindings, the Microsoft one offset 8, UTF-16LE names and
# options 30-41 (tshark before 4.2 shows those as unknown options).
# Warnings (tshark reads the binary client-identifier and UTF-16 names as
# ASCII) are listed as comments, not counted.
#
# Environment: GEN_MESSAGES (default $builddir/tests/wire/gen_messages),
# TSHARK (default tshark). Exit 77 (skip) without tshark.
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0

set -u

TSHARK=${TSHARK:-tshark}
GEN=${GEN_MESSAGES:-${builddir:-.}/tests/wire/gen_messages}

if ! command -v "$TSHARK" >/dev/null 2>&1; then
	echo "SKIP: tshark not installed"
	exit 77
fi
if [ ! -x "$GEN" ]; then
	echo "not ok - generator $GEN not built"
	echo "0 passed, 1 failed"
	exit 1
fi

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

pass=0
fail=0

# Wireshark's names (it swaps 7 and 9 against the draft; the code in
# parentheses is what we check).
type_name() {
	case $1 in
	1) echo "Pool request" ;;
	2) echo "Pool response" ;;
	3) echo "Binding update" ;;
	4) echo "Binding acknowledge" ;;
	5) echo "Connect" ;;
	6) echo "Connect acknowledge" ;;
	7) echo "Update request" ;;
	8) echo "Update done" ;;
	9) echo "Update request all" ;;
	10) echo "State" ;;
	11) echo "Contact" ;;
	12) echo "Disconnect" ;;
	esac
}

check_dialect() {
	dialect=$1
	pcap=$tmp/$dialect.pcap
	if ! "$GEN" pcap "$pcap" "$dialect" >"$tmp/$dialect.frames"; then
		echo "not ok - $dialect: generator failed"
		fail=$((fail + 1))
		return
	fi
	if ! "$TSHARK" -n -r "$pcap" -d tcp.port==647,dhcpfo -V \
	    >"$tmp/$dialect.txt" 2>"$tmp/$dialect.err"; then
		echo "not ok - $dialect: tshark failed: $(cat "$tmp/$dialect.err")"
		fail=$((fail + 1))
		return
	fi
	while read -r frame type; do
		awk -v f="$frame" '
			/^Frame [0-9]+:/ { on = ($2 == f ":") }
			on' "$tmp/$dialect.txt" >"$tmp/frame.txt"
		name=$(type_name "$type")
		what="$dialect frame $frame: $name ($type)"
		if ! grep -q '^DHCP Failover' "$tmp/frame.txt"; then
			echo "not ok - $what: not decoded as dhcpfo"
			fail=$((fail + 1))
		elif ! grep -qF "Message Type: $name ($type)" "$tmp/frame.txt"; then
			echo "not ok - $what: wrong message type:" \
			    "$(grep 'Message Type' "$tmp/frame.txt")"
			fail=$((fail + 1))
		elif grep -qE 'Malformed|Expert Info \(Error' "$tmp/frame.txt"; then
			echo "not ok - $what: $(grep -E 'Malformed|Expert Info \(Error' \
			    "$tmp/frame.txt" | head -1 | sed 's/^ *//')"
			fail=$((fail + 1))
		else
			echo "ok - $what"
			pass=$((pass + 1))
		fi
		grep -E 'Expert Info \(Warning' "$tmp/frame.txt" | sed 's/^ *//' |
		    sort | uniq -c | sed "s/^ */# $dialect frame $frame: /"
	done <"$tmp/$dialect.frames"
}

for d in isc draft microsoft; do
	check_dialect "$d"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
