#!/usr/bin/env python3
"""dhcp_probe.py - a precise DHCPv4 client driver for the integration tests.

It plays a DHCP relay agent (UDP source port 67 bound on the relay address,
giaddr = the relay address) in front of a deterministic list of clients, so
that a test knows exactly which client asked for what and what it got.

Clients: client number INDEX (0, 1, 2, ...) under SEED has the hardware
address 02:xx:xx:xx:xx:xx derived from sha256("SEED/INDEX") (locally
administered, unicast) and, with --client-id, the client identifier
01 + chaddr (option 61, type byte 1).

Modes (one JSON line per client on stdout, a summary on stderr):
  discover   DISCOVER only; records the OFFER (or null after the timeout)
  dora       DISCOVER, then REQUEST for the offered address; records the ACK/NAK
  renew      REQUEST with ciaddr (RENEWING through the relay) for the addresses
             of a previous run (--from FILE: its JSON lines) or --address A
  release    RELEASE of the addresses of a previous run (--from FILE); no answer
  buckets    no network: each client's RFC 3074 bucket and owner
  split      no network: the split of a pool's free addresses between the partners
  selftest   check the hash table and the RFC 3074 test vectors

With --also-server B (repeatable) the probe is a relay that forwards every
broadcast (DISCOVER, REQUEST in SELECTING) to each server, as a real relay
with two helper addresses does: each record then has "offers" (server id ->
offered address, every OFFER seen) and "acked_by". In discover mode a client
waits its whole --timeout to collect every OFFER. Renewals go to the
client's server id (unicast, as a renewing client). Every record has
"acked_at" (wall-clock seconds) when acknowledged.

Per-client line: {"index", "chaddr", "client_id", "bucket", "xid", "offered",
"offer_lease", "acked", "nak", "lease_time", "server_id", "tries"}.

The RFC 3074 Pearson hash and the address split are implemented here
independently of the hook, so that the tests check the hook against them:
  bucket: h = len & 0xff; for i = len-1 .. 0: h = T[h ^ key[i]]; key = option
          61 with its type byte when present and non-empty, else chaddr.
  primary's buckets: b < (primary_percent * 256 + 50) // 100.
  split: address i (0-based, of the sorted free pool addresses) is the
         secondary's iff ((i+1)*p+50)//100 > (i*p+50)//100, p = the
         secondary's percent.

Python 3 standard library only.
Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
"""

import argparse
import collections
import hashlib
import ipaddress
import json
import os
import select
import socket
import struct
import sys
import time

# RFC 3074 section 6: the mixing table (256 distinct values).
RFC3074_TABLE = (
    251, 175, 119, 215, 81, 14, 79, 191, 103, 49, 181, 143, 186, 157, 0,
    232, 31, 32, 55, 60, 152, 58, 17, 237, 174, 70, 160, 144, 220, 90, 57,
    223, 59, 3, 18, 140, 111, 166, 203, 196, 134, 243, 124, 95, 222, 179,
    197, 65, 180, 48, 36, 15, 107, 46, 233, 130, 165, 30, 123, 161, 209, 23,
    97, 16, 40, 91, 219, 61, 100, 10, 210, 109, 250, 127, 22, 138, 29, 108,
    244, 67, 207, 9, 178, 204, 74, 98, 126, 249, 167, 116, 34, 77, 193,
    200, 121, 5, 20, 113, 71, 35, 128, 13, 182, 94, 25, 226, 227, 199, 75,
    27, 41, 245, 230, 224, 43, 225, 177, 26, 155, 150, 212, 142, 218, 115,
    241, 73, 88, 105, 39, 114, 62, 255, 192, 201, 145, 214, 168, 158, 221,
    148, 154, 122, 12, 84, 82, 163, 44, 139, 228, 236, 205, 242, 217, 11,
    187, 146, 159, 64, 86, 239, 195, 42, 106, 198, 118, 112, 184, 172, 87,
    2, 173, 117, 176, 229, 247, 253, 137, 185, 99, 164, 102, 147, 45, 66,
    231, 52, 141, 211, 194, 206, 246, 238, 56, 110, 78, 248, 63, 240, 189,
    93, 92, 51, 53, 183, 19, 171, 72, 50, 33, 104, 101, 69, 8, 252, 83, 120,
    76, 135, 85, 54, 202, 125, 188, 213, 96, 235, 136, 208, 162, 129, 190,
    132, 156, 38, 47, 1, 7, 254, 24, 4, 216, 131, 89, 21, 28, 133, 37, 153,
    149, 80, 170, 68, 6, 169, 234, 151,
)

# RFC 3074 / failover-protocol.md section 7 reference vectors.
VECTORS = [
    (b"", 0), (b"test", 47), (b"whatever", 27), (b"RFC 3074", 214), (b"A" * 300, 139),
    (bytes.fromhex("001122334455"), 135), (bytes.fromhex("000000000000"), 254),
    (bytes.fromhex("ffffffffffff"), 79), (bytes.fromhex("525400123456"), 156),
    (bytes.fromhex("000c29123456"), 201), (bytes.fromhex("010203040506"), 179),
    (bytes.fromhex("01001122334455"), 223), (bytes.fromhex("01525400123456"), 253),
]

DISCOVER, OFFER, REQUEST, DECLINE, ACK, NAK, RELEASE = 1, 2, 3, 4, 5, 6, 7
MAGIC = b"\x63\x82\x53\x63"


def rfc3074_hash(key):
    h = len(key) & 0xFF
    for i in range(len(key) - 1, -1, -1):
        h = RFC3074_TABLE[h ^ key[i]]
    return h


def primary_buckets(primary_percent):
    """Number of buckets (0..n-1) the primary serves."""
    return (primary_percent * 256 + 50) // 100


def bucket_owner(bucket, primary_percent):
    return "primary" if bucket < primary_buckets(primary_percent) else "secondary"


def split_is_secondary(i, p):
    return ((i + 1) * p + 50) // 100 > (i * p + 50) // 100


def parse_pool(text):
    """'10.0.1.0-10.0.1.19' or '10.0.1.0/28' -> list of IPv4Address."""
    text = text.replace(" ", "")
    if "-" in text:
        a, b = text.split("-", 1)
        lo, hi = int(ipaddress.IPv4Address(a)), int(ipaddress.IPv4Address(b))
        return [ipaddress.IPv4Address(x) for x in range(lo, hi + 1)]
    return list(ipaddress.IPv4Network(text, strict=False))


def split_pool(pools, secondary_percent, exclude=()):
    addrs = sorted({a for p in pools for a in parse_pool(p)} - {ipaddress.IPv4Address(x) for x in exclude})
    out = {"primary": [], "secondary": []}
    for i, a in enumerate(addrs):
        out["secondary" if split_is_secondary(i, secondary_percent) else "primary"].append(str(a))
    return out


class Client:
    __slots__ = ("index", "chaddr", "client_id", "bucket", "xid", "offered", "offer_lease",
                 "acked", "nak", "lease_time", "server_id", "tries", "phase", "deadline",
                 "ciaddr", "done", "rq", "naks", "offers", "acked_at", "acked_by", "restarts")

    def __init__(self, index, seed, use_cid):
        d = hashlib.sha256(("%s/%d" % (seed, index)).encode()).digest()
        self.index = index
        self.chaddr = bytes([(d[0] & 0xFC) | 0x02]) + d[1:6]
        self.client_id = (b"\x01" + self.chaddr) if use_cid else None
        self.bucket = rfc3074_hash(self.client_id if self.client_id else self.chaddr)
        self.xid = 0
        self.offered = self.acked = self.server_id = self.ciaddr = None
        self.offer_lease = self.lease_time = None
        self.nak = False
        self.tries = 0
        self.rq = 0
        self.naks = 0
        self.phase = None
        self.deadline = 0.0
        self.done = False
        self.offers = None
        self.acked_at = None
        self.acked_by = None
        self.restarts = 0

    def record(self, primary_percent=None):
        r = collections.OrderedDict()
        r["index"] = self.index
        r["chaddr"] = ":".join("%02x" % b for b in self.chaddr)
        r["client_id"] = self.client_id.hex() if self.client_id else None
        r["bucket"] = self.bucket
        if primary_percent is not None:
            r["owner"] = bucket_owner(self.bucket, primary_percent)
        r["xid"] = self.xid
        r["offered"] = self.offered
        r["offer_lease"] = self.offer_lease
        r["acked"] = self.acked
        r["nak"] = self.nak
        r["naks"] = self.naks
        r["lease_time"] = self.lease_time
        r["server_id"] = self.server_id
        if self.ciaddr:
            r["ciaddr"] = self.ciaddr
        if self.offers is not None:
            r["offers"] = self.offers
            r["acked_by"] = self.acked_by
        if self.acked_at is not None:
            r["acked_at"] = round(self.acked_at, 3)
        if self.restarts:
            r["restarts"] = self.restarts
        r["tries"] = self.tries
        return r


# --hostname, --fqdn, --circuit-id: what every client adds (its index appended to names).
NAMES = {"hostname": None, "fqdn": None, "circuit": None}


def name_options(c):
    """Option 12 "<hostname>-<index>" and option 81 (flags S: the server
    updates A; the name as ASCII, E clear) "<fqdn>-<index>.example.org"."""
    out = bytearray()
    if NAMES["hostname"]:
        n = ("%s-%d" % (NAMES["hostname"], c.index)).encode()
        out += bytes([12, len(n)]) + n
    if NAMES["fqdn"]:
        n = ("%s-%d.example.org" % (NAMES["fqdn"], c.index)).encode()
        out += bytes([81, 3 + len(n), 0x01, 0, 0]) + n
    return bytes(out)


def build(msg, c, relay, secs, ciaddr=None, requested=None, server_id=None, hops=1):
    ip0 = b"\0\0\0\0"
    hdr = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, hops, c.xid, secs & 0xFFFF, 0,
                      socket.inet_aton(ciaddr) if ciaddr else ip0, ip0, ip0,
                      socket.inet_aton(relay) if relay else ip0,
                      c.chaddr.ljust(16, b"\0"), b"", b"")
    opts = bytearray(MAGIC)
    opts += bytes([53, 1, msg])
    if c.client_id:
        opts += bytes([61, len(c.client_id)]) + c.client_id
    if requested:
        opts += bytes([50, 4]) + socket.inet_aton(requested)
    if server_id:
        opts += bytes([54, 4]) + socket.inet_aton(server_id)
    if msg in (DISCOVER, REQUEST):
        opts += bytes([55, 4, 1, 3, 6, 51])
        opts += name_options(c)
    if relay and NAMES["circuit"]:
        sub = bytes([1, len(NAMES["circuit"])]) + NAMES["circuit"].encode()
        opts += bytes([82, len(sub)]) + sub
    opts.append(255)
    pkt = hdr + bytes(opts)
    if len(pkt) < 300:
        pkt += b"\0" * (300 - len(pkt))
    return pkt


def parse(pkt):
    if len(pkt) < 240 or pkt[0] != 2 or pkt[236:240] != MAGIC:
        return None
    xid = struct.unpack("!I", pkt[4:8])[0]
    hlen = min(pkt[2], 16)
    chaddr = pkt[28:28 + hlen]
    yiaddr = socket.inet_ntoa(pkt[16:20])
    opts = {}
    i = 240
    while i < len(pkt):
        code = pkt[i]
        if code == 255:
            break
        if code == 0:
            i += 1
            continue
        if i + 1 >= len(pkt):
            break
        ln = pkt[i + 1]
        opts.setdefault(code, pkt[i + 2:i + 2 + ln])
        i += 2 + ln
    mt = opts.get(53)
    return {
        "xid": xid, "chaddr": chaddr, "yiaddr": yiaddr,
        "type": mt[0] if mt else None,
        "lease": struct.unpack("!I", opts[51])[0] if 51 in opts and len(opts[51]) == 4 else None,
        "server_id": socket.inet_ntoa(opts[54]) if 54 in opts and len(opts[54]) == 4 else None,
    }


def make_clients(a):
    """The clients of a run: --count clients from --start-index, optionally
    only those whose bucket belongs to --only (primary|secondary)."""
    out = []
    i = a.start_index
    limit = a.start_index + max(a.count, 0) * 64 + 1024
    while len(out) < a.count and i < limit:
        c = Client(i, a.seed, a.client_id)
        i += 1
        if a.only != "all" and bucket_owner(c.bucket, a.primary_percent) != a.only:
            continue
        out.append(c)
    return out


def clients_from_file(a):
    """Clients (with their address) from the JSON lines of a previous run."""
    out = []
    with open(a.from_file) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            r = json.loads(line)
            addr = r.get("acked") or r.get("ciaddr")
            if not addr:
                continue
            c = Client(r["index"], a.seed, r.get("client_id") is not None)
            if c.chaddr.hex() != r["chaddr"].replace(":", ""):
                # a different seed: trust the file
                c.chaddr = bytes.fromhex(r["chaddr"].replace(":", ""))
                c.client_id = bytes.fromhex(r["client_id"]) if r.get("client_id") else None
                c.bucket = rfc3074_hash(c.client_id if c.client_id else c.chaddr)
            c.ciaddr = addr
            c.server_id = r.get("server_id")
            out.append(c)
    return out


def run(a, clients):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    sock.bind((a.relay_ip, a.port))
    sock.setblocking(False)
    dest = (a.server, 67)
    servers = [a.server] + [s for s in a.also_server if s != a.server]
    multi = len(servers) > 1
    if multi:
        for c in clients:
            c.offers = {}
    base = int.from_bytes(os.urandom(4), "big")
    byxid = {}
    for n, c in enumerate(clients):
        c.xid = (base + n) & 0xFFFFFFFF
        byxid[c.xid] = c

    pending = collections.deque(clients)
    inflight = {}                 # xid -> client
    retry_q = collections.deque()
    interval = 1.0 / a.rate if a.rate > 0 else 0.0
    next_send = time.monotonic()
    stats = collections.Counter()
    hard_end = time.monotonic() + a.max_time

    def send(c):
        nonlocal next_send
        if c.phase == "request":
            c.rq += 1
        else:
            c.tries += 1
        if a.mode in ("discover", "dora") and c.phase in (None, "discover"):
            c.phase = "discover"
            pkt = build(DISCOVER, c, a.relay_ip, a.secs)
        elif c.phase == "request":
            pkt = build(REQUEST, c, a.relay_ip, a.secs, requested=c.offered, server_id=c.server_id)
        elif a.mode == "renew":
            c.phase = "renew"
            pkt = build(REQUEST, c, a.relay_ip, a.secs, ciaddr=c.ciaddr)
        elif a.mode == "release":
            c.phase = "release"
            pkt = build(RELEASE, c, a.relay_ip, 0, ciaddr=c.ciaddr, server_id=c.server_id or a.server)
        if not multi:
            targets = [dest]
        elif c.phase in ("discover", "request"):
            targets = [(s, 67) for s in servers]       # relayed broadcasts
        else:
            targets = [(c.server_id or a.server, 67)]  # unicast to its server
        for t in targets:
            try:
                sock.sendto(pkt, t)
                stats["sent"] += 1
            except (BlockingIOError, InterruptedError):
                stats["send-retry"] += 1
        c.deadline = time.monotonic() + a.timeout
        inflight[c.xid] = c
        next_send = max(next_send + interval, time.monotonic() - 0.05) if interval else next_send

    def finish(c):
        c.done = True
        inflight.pop(c.xid, None)

    while pending or inflight or retry_q:
        now = time.monotonic()
        if now > hard_end:
            stats["gave-up"] += len(inflight) + len(pending) + len(retry_q)
            break
        # Sends: follow-ups (REQUESTs) and retries first, then new clients.
        while (retry_q or pending) and (not interval or now >= next_send):
            if retry_q:
                c = retry_q.popleft()
            elif a.parallel and len(inflight) >= a.parallel:
                break
            else:
                c = pending.popleft()
            if a.mode == "release":
                send(c)
                finish(c)
            else:
                send(c)
            now = time.monotonic()
        # Wait for answers until the next deadline or the next send slot.
        wake = min([c.deadline for c in inflight.values()] or [now + 0.2])
        if (pending or retry_q) and interval and not (a.parallel and len(inflight) >= a.parallel and not retry_q):
            wake = min(wake, next_send)
        tmo = max(0.0, min(wake - now, 0.2))
        r, _, _ = select.select([sock], [], [], tmo)
        if r:
            while True:
                try:
                    pkt, src = sock.recvfrom(4096)
                except (BlockingIOError, InterruptedError):
                    break
                p = parse(pkt)
                if not p:
                    continue
                c = inflight.get(p["xid"])
                if multi and p["type"] == OFFER:
                    oc = c if c is not None else byxid.get(p["xid"])
                    if oc is not None and p["chaddr"] == oc.chaddr:
                        oc.offers[p["server_id"] or src[0]] = p["yiaddr"]
                        if c is None or c.phase != "discover" or c.offered is not None:
                            stats["offer-other"] += 1
                            continue
                if c is None or p["chaddr"] != c.chaddr:
                    stats["stray"] += 1
                    continue
                if c.phase == "discover" and p["type"] == OFFER:
                    c.offered, c.offer_lease, c.server_id = p["yiaddr"], p["lease"], p["server_id"]
                    stats["offer"] += 1
                    if a.mode == "dora":
                        c.phase = "request"
                        inflight.pop(c.xid, None)
                        retry_q.append(c)
                    elif not multi:
                        finish(c)
                    # multi, discover: stays until its deadline, collecting OFFERs
                elif c.phase in ("request", "renew") and p["type"] in (ACK, NAK):
                    if p["type"] == ACK:
                        c.acked, c.lease_time = p["yiaddr"], p["lease"]
                        c.server_id = p["server_id"] or c.server_id
                        c.acked_at = time.time()
                        c.acked_by = p["server_id"] or src[0]
                        stats["ack"] += 1
                        finish(c)
                    else:
                        stats["nak"] += 1
                        c.naks += 1
                        if a.mode == "dora" and c.naks + c.restarts <= a.nak_restart:
                            # RFC 2131 4.4.1: on a NAK the client starts over with a DISCOVER.
                            inflight.pop(c.xid, None)
                            c.phase, c.offered, c.offer_lease, c.server_id = None, None, None, None
                            c.tries = c.rq = 0
                            retry_q.append(c)
                        else:
                            c.nak = True
                            finish(c)
                else:
                    stats["unexpected"] += 1
        now = time.monotonic()
        for c in [c for c in inflight.values() if c.deadline <= now]:
            inflight.pop(c.xid, None)
            if multi and a.mode == "discover" and c.offered is not None:
                finish(c)
            elif c.phase == "request":
                # A lost REQUEST: ask again for the same offer.
                if c.rq <= a.retries:
                    stats["retry"] += 1
                    retry_q.append(c)
                elif a.mode == "dora" and c.naks + c.restarts < a.nak_restart:
                    # RFC 2131 4.4.1: no ACK after the retransmissions: back to INIT.
                    stats["request-timeout-restart"] += 1
                    c.restarts += 1
                    c.phase, c.offered, c.offer_lease, c.server_id = None, None, None, None
                    c.tries = c.rq = 0
                    retry_q.append(c)
                else:
                    stats["timeout"] += 1
                    finish(c)
            elif c.tries <= a.retries:
                stats["retry"] += 1
                retry_q.append(c)
            else:
                stats["timeout"] += 1
                finish(c)
    sock.close()
    return stats


def cmd_selftest(_a):
    ok = True
    if sorted(RFC3074_TABLE) != list(range(256)):
        print("not ok - the table is not a permutation of 0..255")
        ok = False
    if list(RFC3074_TABLE[:10]) != [251, 175, 119, 215, 81, 14, 79, 191, 103, 49] or \
            list(RFC3074_TABLE[250:]) != [170, 68, 6, 169, 234, 151]:
        print("not ok - table check values")
        ok = False
    for key, want in VECTORS:
        got = rfc3074_hash(key)
        name = key[:12].hex() + ("..." if len(key) > 12 else "")
        if got != want:
            print("not ok - hash %s = %d, want %d" % (name, got, want))
            ok = False
    # The split and the bucket boundary on a few fixed points.
    checks = [
        (primary_buckets(50), 128), (primary_buckets(70), 179), (primary_buckets(30), 77),
        (primary_buckets(100), 256), (primary_buckets(0), 0),
        (len(split_pool(["10.0.1.0-10.0.1.19"], 50)["primary"]), 10),
        (len(split_pool(["10.0.1.0-10.0.1.99"], 10)["secondary"]), 10),
        (len(split_pool(["10.0.1.0-10.0.1.99"], 30)["secondary"]), 30),
        (len(split_pool(["10.0.1.0-10.0.1.99"], 100)["primary"]), 0),
    ]
    for got, want in checks:
        if got != want:
            print("not ok - split/bucket check %d != %d" % (got, want))
            ok = False
    print("selftest: %s (%d hash vectors)" % ("ok" if ok else "FAILED", len(VECTORS)))
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["discover", "dora", "renew", "release", "buckets", "split", "selftest"])
    ap.add_argument("--server", default="10.0.0.1")
    ap.add_argument("--also-server", action="append", default=[],
                    help="relay broadcasts to this server too (repeatable)")
    ap.add_argument("--relay-ip", default="10.0.0.3")
    ap.add_argument("--port", type=int, default=67, help="local UDP port (67: a relay)")
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--start-index", type=int, default=0)
    ap.add_argument("--seed", default="1")
    ap.add_argument("--client-id", action="store_true", help="send option 61 = 01 + chaddr")
    ap.add_argument("--hostname", help="send option 12 = HOSTNAME-<index>")
    ap.add_argument("--fqdn", help="send option 81 (S flag) = FQDN-<index>.example.org")
    ap.add_argument("--circuit-id", help="relayed: add option 82 with this circuit-id")
    ap.add_argument("--secs", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=1.0, help="seconds to wait for each answer")
    ap.add_argument("--retries", type=int, default=1, help="retransmissions after a timeout")
    ap.add_argument("--parallel", type=int, default=0, help="at most N clients outstanding (0: no limit)")
    ap.add_argument("--rate", type=float, default=2000.0, help="at most N packets per second (0: no limit)")
    ap.add_argument("--nak-restart", type=int, default=0,
                    help="dora: after a NAK, or a REQUEST left unanswered after its retries, start over "
                         "with a DISCOVER, up to N times (a real client does)")
    ap.add_argument("--max-time", type=float, default=120.0, help="hard bound on the whole run")
    ap.add_argument("--from", dest="from_file", help="renew/release: JSON lines of a previous run")
    ap.add_argument("--address", action="append", default=[], help="renew/release: address for client --start-index+n")
    ap.add_argument("--primary-percent", type=int, default=None,
                    help="annotate each client with the owner of its bucket")
    ap.add_argument("--only", choices=["all", "primary", "secondary"], default="all",
                    help="only clients whose bucket belongs to this server (needs --primary-percent)")
    ap.add_argument("--pool", action="append", default=[], help="split: a pool (A-B or CIDR)")
    ap.add_argument("--exclude", action="append", default=[], help="split: an address not in the free pool")
    ap.add_argument("--secondary-percent", type=int, default=50, help="split: the secondary's share")
    a = ap.parse_args()
    NAMES.update(hostname=a.hostname, fqdn=a.fqdn, circuit=a.circuit_id)
    if a.only != "all" and a.primary_percent is None:
        ap.error("--only needs --primary-percent")

    if a.mode == "selftest":
        return cmd_selftest(a)
    if a.mode == "split":
        print(json.dumps(split_pool(a.pool, a.secondary_percent, a.exclude)))
        return 0
    if a.mode == "buckets":
        for c in make_clients(a):
            r = c.record(a.primary_percent)
            for k in ("xid", "offered", "offer_lease", "acked", "nak", "lease_time", "server_id", "tries"):
                r.pop(k, None)
            print(json.dumps(r))
        return 0

    if a.mode in ("renew", "release"):
        if a.from_file:
            clients = clients_from_file(a)
        else:
            clients = []
            for n, addr in enumerate(a.address):
                c = Client(a.start_index + n, a.seed, a.client_id)
                c.ciaddr = addr
                clients.append(c)
    else:
        clients = make_clients(a)

    t0 = time.monotonic()
    stats = run(a, clients)
    dt = time.monotonic() - t0
    out = sys.stdout
    for c in clients:
        out.write(json.dumps(c.record(a.primary_percent)) + "\n")
    out.flush()
    summary = {"mode": a.mode, "clients": len(clients), "seconds": round(dt, 3)}
    summary.update(stats)
    summary["answered"] = sum(1 for c in clients if (c.acked if a.mode in ("dora", "renew") else c.offered))
    sys.stderr.write("dhcp_probe: " + json.dumps(summary) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
