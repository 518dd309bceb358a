#!/usr/bin/env python3
"""check_log_catalogue.py - the log event table, its doc and every log call agree.

The table is engine/include/fo_log_events.def (docs/logging.md says how to
read it). Checks, one line per violation:

  table   every entry has a known severity, a text and an explanation; no two
          entries share an ID; entries are sorted; placeholders are %1..%N
          with none missing and N <= 9 (Kea's formatter reads %1 in %10)
  doc     docs/logging.md lists every ID of the table and no other
  engine  the engine logs only through fo_log() (engine/lib/fo_log.h): no
          other call of the host's log callback; every fo_log() names
          FO_EVT_ constants of the table and passes one argument per
          placeholder; fo_peer_fail()/warn_failure() events have two
  shim    every LOG_xxx(failover_logger, ...) names table IDs at the table's
          severity with one .arg() per placeholder
  used    every ID of the table is logged somewhere

Usage: check_log_catalogue.py SRCDIR. Prints "N passed, N failed" and exits 1
on any violation.
"""
import os
import re
import sys

SEVERITIES = {"ERROR", "WARN", "INFO", "DEBUG", "DEBUG_DETAIL"}
ENTRY_RE = re.compile(r'^FO_LOG_EVENT\(\s*(\w+)\s*,\s*(\w+)\s*,((?:\s*"(?:[^"\\]|\\.)*")+)\s*,'
                      r'((?:\s*"(?:[^"\\]|\\.)*")+)\s*\)', re.M)
LIT_RE = re.compile(r'"((?:[^"\\]|\\.)*)"')


def strip_comments(text):
    text = re.sub(r'/\*.*?\*/', lambda m: re.sub(r'[^\n]', ' ', m.group(0)), text, flags=re.S)
    return re.sub(r'//[^\n]*', '', text)


def call_args(text, start):
    """The top-level arguments of the call whose '(' is at text[start]."""
    depth, args, cur, i, quote = 0, [], "", start, None
    while i < len(text):
        c = text[i]
        if quote:
            cur += c
            if c == "\\":
                cur += text[i + 1]
                i += 1
            elif c == quote:
                quote = None
        elif c in "\"'":
            quote = c
            cur += c
        elif c == "(":
            depth += 1
            if depth > 1:
                cur += c
        elif c == ")":
            depth -= 1
            if depth == 0:
                args.append(cur.strip())
                return args, i
            cur += c
        elif c == "," and depth == 1:
            args.append(cur.strip())
            cur = ""
        else:
            cur += c
        i += 1
    return args, i


def placeholders(text):
    return sorted({int(n) for n in re.findall(r'%(\d+)', text)})


def main(top):
    bad = {k: [] for k in ["table", "doc", "engine", "shim", "used"]}
    table_path = os.path.join(top, "engine", "include", "fo_log_events.def")
    table_text = open(table_path, encoding="utf-8").read()
    entries = ENTRY_RE.findall(table_text)
    starts = len(re.findall(r'^FO_LOG_EVENT\(', table_text, re.M))
    if starts != len(entries):
        bad["table"].append("%d entries start, %d parse (one string literal a line, "
                            "text then explanation)" % (starts, len(entries)))
    table, names = {}, []
    for name, sev, text_lits, expl_lits in entries:
        text = "".join(LIT_RE.findall(text_lits))
        expl = "".join(LIT_RE.findall(expl_lits))
        names.append(name)
        if name in table:
            bad["table"].append("FAILOVER_%s: two entries" % name)
        if sev not in SEVERITIES:
            bad["table"].append("FAILOVER_%s: severity %s" % (name, sev))
        if not text.strip() or len(expl.strip()) < 20:
            bad["table"].append("FAILOVER_%s: no text or no explanation" % name)
        ph = placeholders(text)
        if ph != list(range(1, len(ph) + 1)) or len(ph) > 9:
            bad["table"].append("FAILOVER_%s: placeholders %s (want %%1..%%N, N <= 9)" % (name, ph))
        table[name] = (sev, len(ph))
    if names != sorted(names):
        bad["table"].append("entries not sorted by name")

    # docs/logging.md: one "### FAILOVER_X" heading per ID.
    doc = open(os.path.join(top, "docs", "logging.md"), encoding="utf-8").read()
    doc_ids = re.findall(r'^### FAILOVER_(\w+)\s*$', doc, re.M)
    for n in sorted(set(table) - set(doc_ids)):
        bad["doc"].append("docs/logging.md lacks FAILOVER_%s" % n)
    for n in sorted(set(doc_ids) - set(table)):
        bad["doc"].append("docs/logging.md lists FAILOVER_%s, not in the table" % n)
    for n in sorted({n for n in doc_ids if doc_ids.count(n) > 1}):
        bad["doc"].append("docs/logging.md lists FAILOVER_%s twice" % n)

    used = set()
    # The engine: fo_log() only, with table events and one argument per placeholder.
    for d in ["include", "lib", "core", "wire", "run", "api"]:
        for f in sorted(os.listdir(os.path.join(top, "engine", d))):
            if not f.endswith((".c", ".h")):
                continue
            rel = "engine/%s/%s" % (d, f)
            text = strip_comments(open(os.path.join(top, rel), encoding="utf-8").read())
            if rel not in ("engine/lib/fo_log.c", "engine/include/fo_host.h"):
                for m in re.finditer(r'(?:->|\.)log\s*\(', text):
                    line = text.count("\n", 0, m.start()) + 1
                    bad["engine"].append("%s:%d: logs without an event id (not fo_log)" % (rel, line))
            for m in re.finditer(r'\b(fo_log|fo_peer_fail|warn_failure)\s*\(', text):
                fn = m.group(1)
                args, _ = call_args(text, m.end() - 1)
                line = text.count("\n", 0, m.start()) + 1
                if rel == "engine/lib/fo_log.h" or (args and re.match(
                        r'^(const\s+)?\w+(\s+|\s*\*\s*)\w+$', args[0])):
                    continue            # the macro, a declaration or the definition
                idarg = {"fo_log": 1, "fo_peer_fail": 2, "warn_failure": 2}[fn]
                if len(args) <= idarg:
                    continue
                ids = re.findall(r'\bFO_EVT_(\w+)', args[idarg])
                if not ids:
                    if fn == "fo_log" and args[idarg] == "id" and rel == "engine/run/fo_peer.c":
                        continue        # warn_failure's own event (checked at its callers)
                    if fn != "fo_log" and args[idarg] == "id":
                        continue        # passes its caller's event on
                    bad["engine"].append("%s:%d: %s() without an FO_EVT_ event: %s"
                                         % (rel, line, fn, args[idarg]))
                    continue
                want = len(args) - 2 if fn == "fo_log" else 2
                for n in ids:
                    used.add(n)
                    if n not in table:
                        bad["engine"].append("%s:%d: FO_EVT_%s is not in the table" % (rel, line, n))
                    elif table[n][1] != want:
                        bad["engine"].append("%s:%d: FO_EVT_%s has %d placeholder(s), %d argument(s)"
                                             % (rel, line, n, table[n][1], want))
    # The shim: LOG_xxx(failover_logger, [level,] ID).arg(...)...;
    shim_sev = {"LOG_ERROR": {"ERROR"}, "LOG_WARN": {"WARN"}, "LOG_INFO": {"INFO"},
                "LOG_DEBUG": {"DEBUG", "DEBUG_DETAIL"}}
    for f in sorted(os.listdir(os.path.join(top, "hook"))):
        if not f.endswith((".cc", ".h")):
            continue
        text = strip_comments(open(os.path.join(top, "hook", f), encoding="utf-8").read())
        for m in re.finditer(r'\b(LOG_ERROR|LOG_WARN|LOG_INFO|LOG_DEBUG)\s*\(', text):
            args, end = call_args(text, m.end() - 1)
            line = text.count("\n", 0, m.start()) + 1
            stmt = text[end:text.index(";", end)]
            nargs = len(re.findall(r'\.arg\s*\(', stmt))
            for n in re.findall(r'\bFAILOVER_(\w+)', args[-1]):
                used.add(n)
                if n not in table:
                    bad["shim"].append("hook/%s:%d: FAILOVER_%s is not in the table" % (f, line, n))
                    continue
                if table[n][0] not in shim_sev[m.group(1)]:
                    bad["shim"].append("hook/%s:%d: FAILOVER_%s is %s in the table, logged with %s"
                                       % (f, line, n, table[n][0], m.group(1)))
                if table[n][1] != nargs:
                    bad["shim"].append("hook/%s:%d: FAILOVER_%s has %d placeholder(s), %d .arg()"
                                       % (f, line, n, table[n][1], nargs))
    for n in sorted(set(table) - used):
        bad["used"].append("FAILOVER_%s is logged nowhere" % n)

    failed = 0
    for k, v in bad.items():
        for line in v:
            print("%s: %s" % (k, line))
        failed += 1 if v else 0
    print("%d passed, %d failed" % (len(bad) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
