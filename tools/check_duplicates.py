#!/usr/bin/env python3
"""check_duplicates.py - is any address held by two different clients at the same time?

Reads what every party says about who holds which address, and when:

  --leases LABEL=FILE     Kea's lease4-get-all answer (the whole answer, its
                          "arguments", or JSON lines of leases); a lease in
                          state 0 (default) holds its address from cltt to
                          cltt + valid-lft
  --bindings LABEL=FILE   the hook's failover-get answer (with "bindings":
                          true); an "active" binding holds its address from
                          cltt (or start-time-of-state) to expiry
  --probe LABEL=FILE      tools/dhcp_probe.py JSON lines; an acked client holds
                          its address from acked_at to acked_at + lease_time
                          (records without acked_at hold it "now")
  --kea-csv LABEL=FILE    a memfile lease file (every line is a holding from
                          expire - valid_lifetime to expire, state 0 only)

Several files of each kind may be given (a snapshot per server, several
snapshots over time, several probe runs). A client is its hardware address
(lower case, colon separated); a holding with neither a hardware address nor
a time is ignored.

Two holdings of one address by two different clients whose intervals overlap
by more than --slack seconds (default 1, for clock rounding) are a
duplicate: each is printed, and the exit status is 1. The summary line
(stderr, and stdout with --json) counts addresses, holdings and clients.

Python 3 standard library only.
Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
"""

import argparse
import calendar
import json
import sys
import time


def parse_time(v):
    """RFC 3339 'YYYY-MM-DDTHH:MM:SSZ' or a number -> epoch seconds."""
    if v is None:
        return None
    if isinstance(v, (int, float)):
        return float(v)
    s = str(v).strip()
    if s.endswith("Z"):
        s = s[:-1]
    s = s.split(".")[0].split("+")[0]
    return float(calendar.timegm(time.strptime(s, "%Y-%m-%dT%H:%M:%S")))


def norm_hw(hw):
    if not hw:
        return None
    return str(hw).lower().replace("-", ":")


def read_json_any(path):
    """A JSON document, or JSON lines: a list of objects."""
    with open(path) as f:
        text = f.read()
    text = text.strip()
    if not text:
        return []
    try:
        doc = json.loads(text)
        return doc if isinstance(doc, list) else [doc]
    except json.JSONDecodeError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]


def holdings_from_leases(label, path):
    out = []
    for doc in read_json_any(path):
        if isinstance(doc, dict) and "arguments" in doc:
            doc = doc["arguments"] or {}
        leases = doc.get("leases") if isinstance(doc, dict) and "leases" in doc else [doc]
        for l in leases or []:
            if not isinstance(l, dict) or "ip-address" not in l:
                # fo_leases lines: {address, hw, state, expire}
                if isinstance(l, dict) and "address" in l and "expire" in l:
                    if l.get("state", 0) != 0:
                        continue
                    out.append((l["address"], norm_hw(l.get("hw")), None, float(l["expire"]),
                                "%s lease" % label))
                continue
            if l.get("state", 0) != 0:
                continue
            start = float(l.get("cltt", 0))
            end = start + float(l.get("valid-lft", 0))
            out.append((l["ip-address"], norm_hw(l.get("hw-address")), start, end,
                        "%s lease" % label))
    return out


def holdings_from_bindings(label, path):
    out = []
    for doc in read_json_any(path):
        if "arguments" in doc:
            doc = doc["arguments"] or {}
        for rel in doc.get("relationships", []):
            st = rel.get("state", {})
            for sc in st.get("scope", []):
                for b in sc.get("binding", []):
                    if b.get("binding-state") != "active":
                        continue
                    start = parse_time(b.get("cltt") or b.get("start-time-of-state"))
                    end = parse_time(b.get("expiry"))
                    out.append((b["address"], norm_hw(b.get("client-hw-address")), start, end,
                                "%s binding (%s)" % (label, rel.get("name"))))
    return out


def holdings_from_probe(label, path, now):
    out = []
    for r in read_json_any(path):
        addr = r.get("acked")
        if not addr:
            continue
        start = r.get("acked_at")
        end = start + float(r.get("lease_time") or 0) if start is not None else None
        if start is None:
            start, end = now, now
        out.append((addr, norm_hw(r.get("chaddr")), float(start), float(end),
                    "%s probe client %s via %s" % (label, r.get("index"), r.get("acked_by") or r.get("server_id"))))
    return out


def holdings_from_csv(label, path):
    out = []
    with open(path) as f:
        for line in f:
            fld = line.rstrip("\n").split(",")
            if len(fld) < 10 or fld[0] == "address":
                continue
            try:
                valid, expire, state = float(fld[3]), float(fld[4]), int(fld[9])
            except ValueError:
                continue
            if state != 0:
                continue
            out.append((fld[0], norm_hw(fld[1]), expire - valid, expire, "%s csv" % label))
    return out


def split_label(arg):
    if "=" in arg:
        return arg.split("=", 1)
    return arg, arg


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--leases", action="append", default=[])
    ap.add_argument("--bindings", action="append", default=[])
    ap.add_argument("--probe", action="append", default=[])
    ap.add_argument("--kea-csv", action="append", default=[])
    ap.add_argument("--slack", type=float, default=1.0, help="overlap tolerated, seconds")
    ap.add_argument("--now", type=float, default=None, help="the time of the snapshots (default: now)")
    ap.add_argument("--json", action="store_true", help="print the summary as JSON on stdout")
    a = ap.parse_args()
    now = a.now if a.now is not None else time.time()

    hold = []
    for arg in a.leases:
        hold += holdings_from_leases(*split_label(arg))
    for arg in a.bindings:
        hold += holdings_from_bindings(*split_label(arg))
    for arg in a.probe:
        hold += holdings_from_probe(*split_label(arg), now)
    for arg in a.kea_csv:
        hold += holdings_from_csv(*split_label(arg))

    by_addr = {}
    for addr, hw, start, end, src in hold:
        if hw is None:
            continue
        if start is None:
            start = end if end is not None else now
        if end is None:
            end = start
        by_addr.setdefault(addr, []).append((start, end, hw, src))

    dups = []
    for addr, hs in sorted(by_addr.items()):
        hs.sort()
        for i in range(len(hs)):
            for j in range(i + 1, len(hs)):
                s1, e1, c1, src1 = hs[i]
                s2, e2, c2, src2 = hs[j]
                if c1 == c2:
                    continue
                overlap = min(e1, e2) - max(s1, s2)
                if overlap > a.slack:
                    dups.append({"address": addr, "overlap_s": round(overlap, 1),
                                 "a": {"client": c1, "from": s1, "to": e1, "source": src1},
                                 "b": {"client": c2, "from": s2, "to": e2, "source": src2}})
    summary = {"addresses": len(by_addr), "holdings": sum(len(v) for v in by_addr.values()),
               "clients": len({h[2] for v in by_addr.values() for h in v}),
               "duplicates": len(dups)}
    for d in dups[:50]:
        print("DUPLICATE " + json.dumps(d))
    if a.json:
        print(json.dumps(summary))
    sys.stderr.write("check_duplicates: " + json.dumps(summary) + "\n")
    return 1 if dups else 0


if __name__ == "__main__":
    sys.exit(main())
