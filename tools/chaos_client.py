#!/usr/bin/env python3
"""chaos_client.py - the clients, the fault plan and the judge of the chaos test
(tests/kea/test-chaos.sh, issue 9).

Modes:
  plan   --seed S --budget SECONDS --clients N
         the seeded fault plan (random.Random(seed)), one step a line, run by
         the test script: "mt M1 M2" (multi-threading of s1 and s2), "pool A - B",
         then blocks of steps ("block K KIND" opens each; a block heals what it
         breaks). Steps:
           cut-bridge sK / heal-bridge sK    sK's port on the bridge disabled /
                                             forwarding: sK cut from its partner
           cut-side sK / heal-side sK        sK's side link to the clients cut
           kill sK / start sK                kill -9 / restart with its files
           partner-down sK                   failover-partner-down to sK once it is
                                             in CommunicationInterrupted
           wait-recovery SECONDS             until a server is in a recovery state
           wait-normal SECONDS               until both are Normal/Normal
           sleep SECONDS
  run    the clients (a relay agent on --relay-ip, UDP port 67, in front of
         --clients clients) against --server1 and --server2 until --stop-file
         exists or --max-time passes; every answer is one JSON line of --events.
  judge  reads the events, the fault log, both servers' final leases and the
         counter samples; prints the verdict (see the test script).

The clients (client i of seed S: chaddr from sha256("chaos-S/i"), as
dhcp_probe.py's clients; about half send a client identifier 01+chaddr):
  INIT       DISCOVER relayed to both servers (option 50 = the previous
             address when it had one), secs = seconds since it started;
             retransmitted after 2, 4, 4, ... s (+-0.5 s); the first OFFER wins
  SELECTING  REQUEST (server id, requested address) relayed to both; 3 tries
             2 s apart, then INIT
  BOUND      at T1 (option 58, else lease/2): RENEWING, REQUEST with ciaddr to
             the server that acked (unicast), retransmitted at half the time
             left to T2 (at least 2 s); at T2 (option 59, else 7/8 lease):
             REBINDING, REQUEST with ciaddr to both, likewise until the lease
             ends: then INIT
  each lease, by its own seeded draw: RELEASE (to its server) and come back
             2-40 s later; INIT-REBOOT (REQUEST with option 50, no server id,
             to both; 3 tries, then go on as before); leave silently and come
             back once the lease has expired (or never); else renew
  NAK        stop using the address at once, INIT.
The simulator itself sends only to --server1/--server2 (addresses inside the
test's namespaces).

Events (JSON lines): {"t", "ev", "c" (client index), ...}:
  ack      addr, srv (server id), lease, t0 (the transaction's start), kind
           (select|renew|rebind|reboot), to (server address or "both")
  nak      addr (the address it asked for), srv, valid (its told lease was still
           running), kind, t0, to
  release  addr, srv;  drop  addr (stopped using it before its end)
  abandon  kind, t0, to (a transaction ended unanswered)
  end      (the run's end; "final": every client's held address at the end)

Python 3 standard library only; the packet code is tools/dhcp_probe.py's.
Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
"""

import argparse
import collections
import hashlib
import heapq
import ipaddress
import json
import os
import random
import select
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dhcp_probe as dp  # noqa: E402  (build, parse, rfc3074_hash, message types)

RECOVERY_STATES = ("Startup", "Recover", "RecoverWait", "RecoverDone", "PotentialConflict",
                   "ConflictDone", "ResolutionInterrupted")


# ---------------------------------------------------------------- the plan

def pool_range(clients, factor, size=0):
    n = size if size > 0 else max(40, int(clients * factor) + 20)
    lo = int(ipaddress.IPv4Address("10.0.1.0"))
    return str(ipaddress.IPv4Address(lo)), str(ipaddress.IPv4Address(lo + n - 1)), n


def cmd_plan(a):
    rng = random.Random("chaos-plan/%s" % a.seed)
    out = []
    mt1, mt2 = rng.randint(0, 1), rng.randint(0, 1)
    if a.mt:
        mt1, mt2 = (int(x) for x in a.mt.split(","))
    out.append("mt %d %d" % (mt1, mt2))
    lo, hi, _n = pool_range(a.clients, a.pool_factor, a.pool_size)
    out.append("pool %s - %s" % (lo, hi))
    est = 0.0
    k = 0
    kinds = ["isolate", "isolate", "cut", "cut", "kill", "kill"]
    if a.kinds:
        kinds = a.kinds.split(",")
        bad = [x for x in kinds if x not in ("isolate", "cut", "kill")]
        if bad:
            print("plan: unknown block kind %s" % ",".join(bad), file=sys.stderr)
            return 2
    while est < a.budget:
        k += 1
        kind = rng.choice(kinds)
        s = rng.choice(["s1", "s2"])
        o = "s2" if s == "s1" else "s1"
        steps = ["block %d %s %s" % (k, kind, s)]
        if kind in ("isolate", "cut"):
            dur = rng.randint(15, 55)
            steps.append("cut-bridge %s" % s)
            if kind == "isolate":
                steps.append("cut-side %s" % s)
            # failover-partner-down by command, to a server that still serves
            if rng.random() < 0.3:
                steps.append("partner-down %s" % (o if kind == "isolate" else rng.choice([s, o])))
            killed = None
            if rng.random() < 0.3:
                d1 = rng.randint(3, max(4, dur - 5))
                killed = rng.choice([s, o])
                steps += ["sleep %d" % d1, "kill %s" % killed]
                dur -= d1
                if rng.random() < 0.5:        # restarted while still cut off
                    d2 = rng.randint(1, max(2, dur - 2))
                    steps += ["sleep %d" % d2, "start %s" % killed]
                    dur -= d2
                    killed = None
            steps.append("sleep %d" % max(1, dur))
            if kind == "isolate":
                steps.append("heal-side %s" % s)
            steps.append("heal-bridge %s" % s)
            if killed:
                steps.append("start %s" % killed)
            est += dur + 10
        else:
            down = rng.randint(1, 8)
            steps += ["kill %s" % s, "sleep %d" % down, "start %s" % s]
            est += down + 8
        # kill -9 mid-recovery, of either server
        if rng.random() < 0.3:
            x = rng.choice(["s1", "s2"])
            steps += ["wait-recovery 20", "kill %s" % x, "sleep %d" % rng.randint(1, 6), "start %s" % x]
            est += 10
        if rng.random() < 0.75:
            steps.append("wait-normal 90")
            est += 15
        q = rng.randint(3, 12)
        steps.append("sleep %d" % q)
        est += q
        out += steps
    print("\n".join(out))
    return 0


# ---------------------------------------------------------------- the clients

class C:
    __slots__ = ("index", "chaddr", "client_id", "xid", "rng", "state", "token", "addr", "srv",
                 "lease", "t_ack", "t1", "t2", "texp", "offered", "offer_srv", "tries",
                 "t0", "prev", "to", "kind")

    def __init__(self, index, seed, cid_share):
        d = hashlib.sha256(("chaos-%s/%d" % (seed, index)).encode()).digest()
        self.index = index
        self.chaddr = bytes([(d[0] & 0xFC) | 0x02]) + d[1:6]
        self.rng = random.Random("chaos-client/%s/%d" % (seed, index))
        self.client_id = (b"\x01" + self.chaddr) if self.rng.random() < cid_share else None
        self.xid = 0
        self.state = "new"
        self.token = 0
        self.addr = self.srv = self.offered = self.offer_srv = self.prev = None
        self.lease = 0
        self.t_ack = self.t1 = self.t2 = self.texp = self.t0 = 0.0
        self.tries = 0
        self.to = None
        self.kind = None


def tee_times(pkt):
    """Options 58 and 59 of an answer (None when absent)."""
    t1 = t2 = None
    i = 240
    while i + 1 < len(pkt):
        code = pkt[i]
        if code == 255:
            break
        if code == 0:
            i += 1
            continue
        ln = pkt[i + 1]
        v = pkt[i + 2:i + 2 + ln]
        if code == 58 and ln == 4:
            t1 = struct.unpack("!I", v)[0]
        elif code == 59 and ln == 4:
            t2 = struct.unpack("!I", v)[0]
        i += 2 + ln
    return t1, t2


class Sim:
    def __init__(self, a):
        self.a = a
        self.servers = [a.server1, a.server2]
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        self.sock.bind((a.relay_ip, 67))
        self.sock.setblocking(False)
        self.timers = []
        self.seq = 0
        self.byxid = {}
        self.xid_base = int.from_bytes(os.urandom(4), "big")
        self.xid_n = 0
        self.outq = collections.deque()
        self.interval = 1.0 / a.rate if a.rate > 0 else 0.0
        self.next_send = 0.0
        self.stats = collections.Counter()
        self.ev = open(a.events, "w")
        self.clients = [C(i, a.seed, a.client_id_share) for i in range(a.clients)]
        arr = random.Random("chaos-arrivals/%s" % a.seed)
        # Half arrive in the first fifth of the arrival period, the rest spread
        # over all of it (new clients keep coming during the faults).
        for c in self.clients:
            t = arr.uniform(0, a.arrival * 0.2) if arr.random() < 0.5 else arr.uniform(0, a.arrival)
            self.at(c, t, "init")
        self.t_start_wall = time.time()

    # -- plumbing
    def at(self, c, delay, what):
        self.seq += 1
        heapq.heappush(self.timers, (time.monotonic() + delay, self.seq, c.index, c.token, what))

    def log(self, ev, c, **kw):
        r = {"t": round(time.time(), 3), "ev": ev, "c": c.index}
        r.update(kw)
        self.ev.write(json.dumps(r, separators=(",", ":")) + "\n")

    def new_xid(self, c):
        self.byxid.pop(c.xid, None)
        self.xid_n += 1
        c.xid = (self.xid_base + self.xid_n * 7919) & 0xFFFFFFFF
        self.byxid[c.xid] = c

    def send(self, c, msg, to, secs=0, ciaddr=None, requested=None, server_id=None):
        pkt = dp.build(msg, c, self.a.relay_ip, secs, ciaddr=ciaddr, requested=requested,
                       server_id=server_id)
        targets = self.servers if to == "both" else [to]
        for t in targets:
            self.outq.append((pkt, t))

    def flush(self):
        now = time.monotonic()
        while self.outq and (not self.interval or now >= self.next_send):
            pkt, t = self.outq.popleft()
            try:
                self.sock.sendto(pkt, (t, 67))
                self.stats["sent"] += 1
            except OSError:
                # a cut side link (no route): the packet is lost, as on a wire
                self.stats["send-failed"] += 1
            if self.interval:
                self.next_send = max(self.next_send + self.interval, now - 0.05)

    # -- client behaviour
    def start_tx(self, c, kind, to):
        c.token += 1
        c.kind = kind
        c.to = to
        c.t0 = time.time()
        c.tries = 0
        self.new_xid(c)

    def abandon(self, c):
        self.log("abandon", c, kind=c.kind, t0=round(c.t0, 3), to=c.to)

    def init(self, c):
        c.state = "selecting"
        self.start_tx(c, "select", "both")
        c.offered = c.offer_srv = None
        self.discover(c)

    def discover(self, c):
        c.tries += 1
        self.send(c, dp.DISCOVER, "both", int(time.time() - c.t0), requested=c.prev)
        self.stats["discover"] += 1
        self.at(c, min(2.0 * c.tries, 4.0) + c.rng.uniform(-0.5, 0.5), "discover-timeout")

    def request_selecting(self, c):
        c.tries += 1
        self.send(c, dp.REQUEST, "both", int(time.time() - c.t0), requested=c.offered,
                  server_id=c.offer_srv)
        self.at(c, 2.0 + c.rng.uniform(-0.3, 0.3), "request-timeout")

    def bound(self, c, p, raw):
        now = time.time()
        if c.addr and c.addr != p["yiaddr"]:
            self.log("drop", c, addr=c.addr)
        lease = p["lease"] or 0
        t1, t2 = tee_times(raw)
        if not t2 or t2 >= lease:
            t2 = lease * 0.875
        if not t1 or t1 >= t2:
            t1 = lease * 0.5
        srv = p["server_id"] or "?"
        self.log("ack", c, addr=p["yiaddr"], srv=srv, lease=lease, kind=c.kind,
                 t0=round(c.t0, 3), to=c.to)
        self.stats["ack-" + c.kind] += 1
        c.state = "bound"
        c.addr, c.srv, c.lease = p["yiaddr"], srv, lease
        c.t_ack, c.t1, c.t2, c.texp = now, now + t1, now + t2, now + lease
        c.prev = c.addr
        c.token += 1
        self.byxid.pop(c.xid, None)
        r = c.rng.random()
        a = self.a
        if r < a.p_release:
            self.at(c, c.rng.uniform(0.2, 0.9) * t1, "release")
        elif r < a.p_release + a.p_reboot:
            self.at(c, c.rng.uniform(0.1, 0.9) * t1, "reboot")
        elif r < a.p_release + a.p_reboot + a.p_leave:
            self.at(c, c.rng.uniform(0.1, 0.9) * t1, "leave")
        else:
            self.at(c, t1, "renew")

    def resume(self, c):
        """Go on with the lease held (after an unanswered INIT-REBOOT)."""
        now = time.time()
        c.state = "bound"
        c.token += 1
        if now < c.t1:
            self.at(c, c.t1 - now, "renew")
        elif now < c.t2:
            self.renew(c)
        elif now < c.texp:
            self.rebind(c)
        else:
            self.init(c)

    def renew(self, c):
        c.state = "renewing"
        self.start_tx(c, "renew", c.srv)
        self.renew_send(c)

    def renew_send(self, c):
        c.tries += 1
        self.send(c, dp.REQUEST, c.srv, int(time.time() - c.t0), ciaddr=c.addr)
        now = time.time()
        nxt = max(2.0, (c.t2 - now) / 2)
        if now + nxt >= c.t2:
            self.at(c, max(0.0, c.t2 - now), "rebind")
        else:
            self.at(c, nxt, "renew-again")

    def rebind(self, c):
        if c.state == "renewing":
            self.abandon(c)
        c.state = "rebinding"
        self.start_tx(c, "rebind", "both")
        self.rebind_send(c)

    def rebind_send(self, c):
        c.tries += 1
        self.send(c, dp.REQUEST, "both", int(time.time() - c.t0), ciaddr=c.addr)
        now = time.time()
        nxt = max(2.0, (c.texp - now) / 2)
        if now + nxt >= c.texp:
            self.at(c, max(0.0, c.texp - now), "expire")
        else:
            self.at(c, nxt, "rebind-again")

    def reboot(self, c):
        c.state = "rebooting"
        self.start_tx(c, "reboot", "both")
        self.reboot_send(c)

    def reboot_send(self, c):
        c.tries += 1
        self.send(c, dp.REQUEST, "both", int(time.time() - c.t0), requested=c.addr)
        self.at(c, 2.0 + c.rng.uniform(-0.3, 0.3), "reboot-timeout")

    def fire(self, c, what):
        a = self.a
        if what == "init":
            self.init(c)
        elif what == "discover-timeout":
            self.discover(c)
        elif what == "request-timeout":
            if c.tries < 3:
                self.request_selecting(c)
            else:
                self.stats["select-timeout"] += 1
                self.init(c)
        elif what == "renew":
            self.renew(c)
        elif what == "renew-again":
            self.renew_send(c)
        elif what == "rebind":
            self.rebind(c)
        elif what == "rebind-again":
            self.rebind_send(c)
        elif what == "expire":
            self.abandon(c)
            self.stats["expired"] += 1
            self.log("expire", c, addr=c.addr)
            c.addr = None
            self.init(c)
        elif what == "release":
            self.send(c, dp.RELEASE, c.srv, 0, ciaddr=c.addr, server_id=c.srv)
            self.log("release", c, addr=c.addr, srv=c.srv)
            self.stats["release"] += 1
            c.addr = None
            c.state = "away"
            c.token += 1
            self.at(c, c.rng.uniform(2, 40), "init")
        elif what == "reboot":
            self.stats["reboot"] += 1
            self.reboot(c)
        elif what == "reboot-timeout":
            if c.tries < 3:
                self.reboot_send(c)
            else:
                self.abandon(c)
                self.resume(c)
        elif what == "leave":
            # silent: the told lease runs out while it is away
            self.stats["leave"] += 1
            c.state = "away"
            c.token += 1
            if c.rng.random() < 0.8:
                self.at(c, (c.texp - time.time()) + c.rng.uniform(1, 30), "return")
        elif what == "return":
            c.addr = None
            self.init(c)

    def answer(self, pkt, src):
        p = dp.parse(pkt)
        if not p:
            return
        c = self.byxid.get(p["xid"])
        if c is None or p["chaddr"] != c.chaddr:
            self.stats["late-or-stray"] += 1
            return
        t = p["type"]
        if c.state == "selecting" and t == dp.OFFER:
            self.stats["offer"] += 1
            c.offered, c.offer_srv = p["yiaddr"], p["server_id"] or src[0]
            c.state = "requesting"
            c.token += 1
            c.tries = 0
            self.request_selecting(c)
        elif c.state in ("requesting", "renewing", "rebinding", "rebooting") and t == dp.ACK:
            if c.state == "requesting" and p["yiaddr"] != c.offered:
                self.stats["ack-not-offered"] += 1
            self.bound(c, p, pkt)
        elif c.state in ("requesting", "renewing", "rebinding", "rebooting") and t == dp.NAK:
            asked = c.offered if c.state == "requesting" else c.addr
            valid = c.addr is not None and time.time() < c.texp and c.state != "requesting"
            self.log("nak", c, addr=asked, srv=p["server_id"] or src[0], valid=valid, kind=c.kind,
                     t0=round(c.t0, 3), to=c.to)
            self.stats["nak-" + c.kind] += 1
            if c.addr and c.state != "requesting":
                self.log("drop", c, addr=c.addr)
                c.addr = None
                c.prev = None
            self.byxid.pop(c.xid, None)
            c.state = "away"
            c.token += 1
            self.at(c, c.rng.uniform(0.1, 1.0), "init")
        else:
            self.stats["ignored-%d" % (t or 0)] += 1

    def loop(self):
        a = self.a
        hard_end = time.monotonic() + a.max_time
        last_flush = last_stop_check = time.monotonic()
        while True:
            now = time.monotonic()
            if now > hard_end:
                self.stats["max-time"] = 1
                break
            if now - last_stop_check > 0.5:
                last_stop_check = now
                if a.stop_file and os.path.exists(a.stop_file):
                    break
            while self.timers and self.timers[0][0] <= now:
                _t, _s, idx, token, what = heapq.heappop(self.timers)
                c = self.clients[idx]
                if token != c.token and what != "init":
                    continue
                if what == "init" and c.state not in ("new", "away"):
                    continue
                self.fire(c, what)
            self.flush()
            wake = self.timers[0][0] if self.timers else now + 0.2
            if self.outq:
                wake = min(wake, self.next_send)
            tmo = max(0.0, min(wake - time.monotonic(), 0.2))
            r, _, _ = select.select([self.sock], [], [], tmo)
            if r:
                for _ in range(256):
                    try:
                        pkt, src = self.sock.recvfrom(4096)
                    except (BlockingIOError, InterruptedError):
                        break
                    self.answer(pkt, src)
            if now - last_flush > 1.0:
                self.ev.flush()
                last_flush = now
        t_end = time.time()
        for c in self.clients:
            if c.addr:
                self.log("final", c, addr=c.addr, srv=c.srv, texp=round(c.texp, 3), state=c.state)
        self.ev.write(json.dumps({"t": round(t_end, 3), "ev": "end", "c": -1}) + "\n")
        self.ev.close()
        self.sock.close()


def cmd_run(a):
    sim = Sim(a)
    t0 = time.time()
    sim.loop()
    s = dict(sim.stats)
    s["seconds"] = round(time.time() - t0, 1)
    s["bound-at-end"] = sum(1 for c in sim.clients if c.addr)
    sys.stderr.write("chaos_client: " + json.dumps(s, sort_keys=True) + "\n")
    return 0


# ---------------------------------------------------------------- the judge

def read_lines(path):
    out = []
    try:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line:
                    try:
                        out.append(json.loads(line))
                    except ValueError:
                        pass
    except OSError:
        pass
    return out


def read_leases(path):
    """lease4-get-all answer -> {address: lease}."""
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError):
        return None
    if isinstance(doc, list):
        doc = doc[0]
    if doc.get("result") not in (0, 3):
        return None
    out = {}
    for l in (doc.get("arguments") or {}).get("leases", []):
        out[l["ip-address"]] = l
    return out


def cmd_judge(a):
    events = read_lines(a.events)
    events.sort(key=lambda e: e["t"])
    hw = {}
    for i in range(a.clients):
        c = C(i, a.seed, a.client_id_share)
        hw[i] = ":".join("%02x" % b for b in c.chaddr)
    srv_name = {a.server1: "s1", a.server2: "s2"}

    # holdings from the clients' view
    holdings = collections.defaultdict(list)   # addr -> [h]
    open_h = {}                                 # client -> h
    acks = []
    answers = []
    waits = []
    naks_valid = []
    naks = collections.Counter()
    t_end = None
    finals = {}
    for e in events:
        ev, ci = e["ev"], e["c"]
        if ev == "ack":
            h0 = open_h.get(ci)
            if h0 is not None and h0["end"] > e["t"]:
                h0["end"] = e["t"]
            h = {"c": ci, "addr": e["addr"], "start": e["t"], "end": e["t"] + e["lease"],
                 "told": e["t"] + e["lease"], "srv": e["srv"], "lease": e["lease"], "kind": e["kind"]}
            holdings[e["addr"]].append(h)
            open_h[ci] = h
            acks.append(e)
            answers.append(e)
            waits.append((e["t0"], e["t"]))
        elif ev == "nak":
            answers.append(e)
            waits.append((e["t0"], e["t"]))
            naks[e["kind"]] += 1
            if e.get("valid"):
                naks_valid.append(e)
        elif ev in ("release", "drop"):
            h0 = open_h.pop(ci, None)
            if h0 is not None and h0["addr"] == e["addr"] and h0["end"] > e["t"]:
                h0["end"] = e["t"]
        elif ev == "abandon":
            waits.append((e["t0"], e["t"]))
        elif ev == "expire":
            open_h.pop(ci, None)
        elif ev == "final":
            finals[ci] = e
        elif ev == "end":
            t_end = e["t"]

    # duplicates: two clients, one address, overlapping told leases
    dups = []
    for addr, hs in holdings.items():
        hs.sort(key=lambda h: h["start"])
        for i, x in enumerate(hs):
            for y in hs[i + 1:]:
                if y["start"] >= x["end"]:
                    continue
                if y["c"] == x["c"]:
                    continue
                ov = min(x["end"], y["end"]) - max(x["start"], y["start"])
                if ov > a.slack:
                    dups.append((addr, x, y, ov))
    dup_addrs = sorted({d[0] for d in dups}, key=lambda s: int(ipaddress.IPv4Address(s)))

    # lost or shortened acked leases, in each server's database at the end
    leases = {"s1": read_leases(a.leases1) if a.leases1 else None,
              "s2": read_leases(a.leases2) if a.leases2 else None}
    t_check = a.t_check or time.time()
    loss = collections.Counter()
    loss_ex = []
    checked = 0
    for ci, h in sorted(open_h.items()):
        if h["end"] <= t_check + 2:
            continue
        checked += 1
        acker = srv_name.get(h["srv"], "?")
        for who in ("s1", "s2"):
            db = leases.get(who)
            role = "acking" if who == acker else "partner"
            if db is None:
                loss["%s-no-database" % role] += 1
                continue
            l = db.get(h["addr"])
            why = None
            if l is None:
                why = "missing"
            elif (l.get("hw-address") or "").lower() != hw[ci]:
                why = "other-client"
            elif l.get("state", 0) != 0:
                why = "state-%s" % l.get("state")
            elif l["cltt"] + l["valid-lft"] < h["told"] - 2:
                why = "shortened"
            if why:
                loss["%s-%s" % (role, why)] += 1
                if len(loss_ex) < 12:
                    loss_ex.append({"client": ci, "hw": hw[ci], "addr": h["addr"], "acked-by": acker,
                                    "db": who, "why": why, "told-expiry": round(h["told"], 1),
                                    "db-expiry": (l["cltt"] + l["valid-lft"]) if l else None,
                                    "kind": h["kind"]})
    lost = sum(v for k, v in loss.items() if k.startswith("acking-"))
    lost_partner = sum(v for k, v in loss.items() if k.startswith("partner-"))

    # service: windows with no answer to anyone while someone waited
    faults = []
    try:
        with open(a.faults) as f:
            for line in f:
                p = line.split()
                if len(p) >= 2:
                    faults.append((float(p[0]), p[1], p[2] if len(p) > 2 else ""))
    except OSError:
        pass
    heals = [t for t, act, _ in faults if act in ("heal-bridge", "heal-side", "start")]
    ans_t = sorted(e["t"] for e in answers)
    waits.sort()
    windows = []
    cur0 = cur1 = None
    comps = []
    for w0, w1 in waits:
        if cur0 is None or w0 > cur1:
            if cur0 is not None:
                comps.append((cur0, cur1))
            cur0, cur1 = w0, w1
        else:
            cur1 = max(cur1, w1)
    if cur0 is not None:
        comps.append((cur0, cur1))
    import bisect
    for u0, u1 in comps:
        i = bisect.bisect_right(ans_t, u0)
        prev = u0
        while i < len(ans_t) and ans_t[i] < u1:
            if ans_t[i] - prev > 1.0:
                windows.append((prev, ans_t[i]))
            prev = ans_t[i]
            i += 1
        if u1 - prev > 1.0:
            windows.append((prev, u1))
    longest = max(windows, key=lambda w: w[1] - w[0]) if windows else None
    after_heal = 0.0
    per_server_heal = []
    for h in heals:
        for w in windows:
            if w[1] > h and w[0] < h + 60:
                after_heal = max(after_heal, w[1] - max(w[0], h))
    # After a partition heals (heal-bridge, heal-side, the final "healed"),
    # both servers running: the window up to the next kill -9 of either (a
    # pair with a server killed is down by the plan, not by the heal).
    kills = sorted(t for t, act, _ in faults if act == "kill")
    running = {"s1": True, "s2": True}
    part_heals = []
    for t, act, x in faults:
        if act == "kill" and x in running:
            running[x] = False
        elif act == "start" and x in running:
            running[x] = True
        elif act in ("heal-bridge", "heal-side", "healed") and all(running.values()):
            part_heals.append(t)
    after_part = 0.0
    after_part_at = None
    for h in part_heals:
        nk = next((k for k in kills if k > h), float("inf"))
        for w in windows:
            end = min(w[1], nk)
            if end > h and w[0] < h + 60 and end - max(w[0], h) > after_part:
                after_part = end - max(w[0], h)
                after_part_at = max(w[0], h)
    # each server: from each heal to its first answer afterwards
    srv_ans = collections.defaultdict(list)
    for e in acks:
        srv_ans[srv_name.get(e["srv"], "?")].append(e["t"])
    for s in srv_ans:
        srv_ans[s].sort()
    first_after = []
    for h in heals:
        for s in ("s1", "s2"):
            lst = srv_ans.get(s, [])
            i = bisect.bisect_right(lst, h)
            if i < len(lst):
                first_after.append((lst[i] - h, s, h))
    worst_first = max(first_after) if first_after else None

    # rejected updates (failover-get counters sampled by the test)
    samples = read_lines(a.counters) if a.counters else []
    rej = {}
    for s in ("s1", "s2"):
        # counter64 values are strings in the YANG JSON encoding
        pts = [(float(x["t"]), int(x["rej"])) for x in samples
               if x.get("s") == s and x.get("rej") is not None]
        total = 0
        peak = 0.0
        for (ta, va), (tb, vb) in zip(pts, pts[1:]):
            d = vb - va if vb >= va else vb        # a restart resets the counter
            total += d
            if tb > ta:
                peak = max(peak, d / (tb - ta))
        rej[s] = {"total": total, "max-per-s": round(peak, 1), "samples": len(pts)}

    by_srv = collections.Counter(srv_name.get(e["srv"], "?") for e in acks)
    res = {
        "seed": a.seed, "clients": a.clients, "mt": a.mt,
        "acks": len(acks), "acks-by-server": dict(by_srv),
        "clients-served": len({e["c"] for e in acks}),
        "addresses": len(holdings),
        "duplicates": len(dup_addrs), "duplicate-pairs": len(dups),
        "duplicate-addresses": dup_addrs[:50],
        "checked-leases": checked, "lost": lost, "lost-on-partner": lost_partner,
        "loss": dict(loss), "loss-examples": loss_ex,
        "naks": dict(naks), "naks-to-valid": len(naks_valid),
        "naks-to-valid-examples": naks_valid[:8],
        "faults": len([f for f in faults if f[1] in ("cut-bridge", "kill", "partner-down")]),
        "heals": len(heals),
        "longest-no-answer": round(longest[1] - longest[0], 1) if longest else 0.0,
        "longest-no-answer-at": round(longest[0], 1) if longest else None,
        "longest-no-answer-after-heal": round(after_heal, 1),
        "partition-heals": len(part_heals),
        "longest-no-answer-after-partition-heal": round(after_part, 1),
        "longest-no-answer-after-partition-heal-at": round(after_part_at, 1) if after_part_at else None,
        "slowest-server-after-heal": ({"seconds": round(worst_first[0], 1), "server": worst_first[1],
                                       "heal-at": round(worst_first[2], 1)} if worst_first else None),
        "rejected-updates": rej,
    }
    # details of each duplicate
    details = []
    for addr, x, y, ov in dups[:40]:
        def desc(h):
            return {"client": h["c"], "hw": hw[h["c"]], "server": srv_name.get(h["srv"], h["srv"]),
                    "kind": h["kind"], "acked": round(h["start"], 3), "lease": h["lease"],
                    "until": round(h["end"], 3)}
        details.append({"address": addr, "overlap": round(ov, 1), "first": desc(x), "second": desc(y)})
    res["duplicate-details"] = details
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=1)
    print("chaos: seed=%s clients=%d mt=%s acks=%d served=%d faults=%d duplicates=%d (pairs %d) "
          "lost=%d lost-on-partner=%d (checked %d) naks-to-valid-renewals=%d longest-no-answer=%.1fs "
          "after-heal=%.1fs after-partition-heal=%.1fs rejected-updates=%s/%s (max %s/%s per s)" % (
              a.seed, a.clients, a.mt, len(acks), res["clients-served"], res["faults"],
              len(dup_addrs), len(dups), lost, lost_partner, checked, len(naks_valid),
              res["longest-no-answer"], after_heal, after_part, rej["s1"]["total"], rej["s2"]["total"],
              rej["s1"]["max-per-s"], rej["s2"]["max-per-s"]))
    for d in details[:a.show]:
        print("duplicate %s: overlap %.1f s: client %d (%s) acked by %s (%s) at %.3f for %d s; "
              "client %d (%s) acked by %s (%s) at %.3f for %d s" % (
                  d["address"], d["overlap"], d["first"]["client"], d["first"]["hw"],
                  d["first"]["server"], d["first"]["kind"], d["first"]["acked"], d["first"]["lease"],
                  d["second"]["client"], d["second"]["hw"], d["second"]["server"],
                  d["second"]["kind"], d["second"]["acked"], d["second"]["lease"]))
    for x in loss_ex[:a.show]:
        print("lost: %s" % json.dumps(x))
    return 1 if (dups or lost or lost_partner) else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["plan", "run", "judge"])
    ap.add_argument("--seed", default="1")
    ap.add_argument("--clients", type=int, default=300)
    ap.add_argument("--client-id-share", type=float, default=0.5)
    # 2.2: each server's own share (half the pool) has room for every client,
    # the scope of issue 9's goal ("while each still has free addresses of its
    # own"); a tighter pool (--pool-size) measures what happens when one runs out.
    ap.add_argument("--pool-factor", type=float, default=2.2,
                    help="plan: pool size = clients * factor + 20")
    ap.add_argument("--pool-size", type=int, default=0,
                    help="plan: the pool's size in addresses (0: clients * pool-factor + 20)")
    ap.add_argument("--kinds", default="",
                    help="plan: the block kinds drawn from, comma-separated (isolate,cut,kill; "
                         "default isolate,isolate,cut,cut,kill,kill)")
    ap.add_argument("--budget", type=float, default=120.0, help="plan: seconds of faults (estimated)")
    ap.add_argument("--mt", default="", help="plan: force multi-threading 'M1,M2'; judge: label")
    ap.add_argument("--server1", default="10.1.1.1")
    ap.add_argument("--server2", default="10.1.2.2")
    ap.add_argument("--relay-ip", default="10.0.0.4")
    ap.add_argument("--events", default="events.json")
    ap.add_argument("--stop-file", default="")
    ap.add_argument("--max-time", type=float, default=600.0)
    ap.add_argument("--arrival", type=float, default=60.0, help="run: clients arrive over this many seconds")
    ap.add_argument("--rate", type=float, default=1500.0, help="run: at most N packets per second")
    ap.add_argument("--p-release", type=float, default=0.03)
    ap.add_argument("--p-reboot", type=float, default=0.04)
    ap.add_argument("--p-leave", type=float, default=0.03)
    ap.add_argument("--faults", default="", help="judge: the test's fault log")
    ap.add_argument("--leases1", default="")
    ap.add_argument("--leases2", default="")
    ap.add_argument("--t-check", type=float, default=0.0, help="judge: when the leases were read")
    ap.add_argument("--counters", default="")
    ap.add_argument("--slack", type=float, default=1.0)
    ap.add_argument("--json", default="")
    ap.add_argument("--show", type=int, default=10)
    a = ap.parse_args()
    if a.mode == "plan":
        return cmd_plan(a)
    if a.mode == "run":
        return cmd_run(a)
    return cmd_judge(a)


if __name__ == "__main__":
    sys.exit(main())
