#!/bin/sh
# yang2c.sh IN.yang OUT.c SYMBOL - embed a YANG module in the engine as a C string,
# so the hook validates its parameters without reading the module from disk.
set -eu
in=$1 out=$2 sym=$3
{
	printf '/* Generated from %s by tools/yang2c.sh: do not edit. */\n' "$(basename "$in")"
	printf 'const char %s[] =\n' "$sym"
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$/\\n"/' "$in"
	printf ';\n'
} >"$out.tmp"
mv "$out.tmp" "$out"
