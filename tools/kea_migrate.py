# kea_migrate.py - what tools/windows-to-kea and tools/dhcpd-to-kea share:
# the refusal list, address arithmetic, and the kea-dhcp4 configuration
# around the converted subnets (interfaces, lease file, control socket, the
# failover hook and its relationships). Python 3 standard library only.
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
import argparse
import ipaddress
import json
import sys

DEFAULT_HOOK = "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_failover.so"

# The header of a Kea 2.2 memfile lease file (lease4), in Kea's column order.
KEA_LEASE4_HEADER = ("address,hwaddr,client_id,valid_lifetime,expire,subnet_id,"
                     "fqdn_fwd,fqdn_rev,hostname,state,user_context")

# Standard DHCPv4 options by code: (Kea name, value kind). Kinds: ip (one
# address), ips (a list), str, u8, u16, u32, i32, bool, fqdns (a list of
# domain names). Codes Kea fills itself (1, 51, 58, 59) are handled by the tools.
KEA_OPTIONS = {
    2: ("time-offset", "i32"), 3: ("routers", "ips"), 4: ("time-servers", "ips"),
    5: ("name-servers", "ips"), 6: ("domain-name-servers", "ips"), 7: ("log-servers", "ips"),
    8: ("cookie-servers", "ips"), 9: ("lpr-servers", "ips"), 10: ("impress-servers", "ips"),
    11: ("resource-location-servers", "ips"), 12: ("host-name", "str"), 13: ("boot-size", "u16"),
    14: ("merit-dump", "str"), 15: ("domain-name", "str"), 16: ("swap-server", "ip"),
    17: ("root-path", "str"), 18: ("extensions-path", "str"), 19: ("ip-forwarding", "bool"),
    20: ("non-local-source-routing", "bool"), 22: ("max-dgram-reassembly", "u16"),
    23: ("default-ip-ttl", "u8"), 24: ("path-mtu-aging-timeout", "u32"), 26: ("interface-mtu", "u16"),
    27: ("all-subnets-local", "bool"), 28: ("broadcast-address", "ip"),
    29: ("perform-mask-discovery", "bool"), 30: ("mask-supplier", "bool"),
    31: ("router-discovery", "bool"), 32: ("router-solicitation-address", "ip"),
    34: ("trailer-encapsulation", "bool"), 35: ("arp-cache-timeout", "u32"),
    36: ("ieee802-3-encapsulation", "bool"), 37: ("default-tcp-ttl", "u8"),
    38: ("tcp-keepalive-interval", "u32"), 39: ("tcp-keepalive-garbage", "bool"),
    40: ("nis-domain", "str"), 41: ("nis-servers", "ips"), 42: ("ntp-servers", "ips"),
    44: ("netbios-name-servers", "ips"), 45: ("netbios-dd-server", "ips"),
    46: ("netbios-node-type", "u8"), 47: ("netbios-scope", "str"), 48: ("font-servers", "ips"),
    49: ("x-display-manager", "ips"), 64: ("nisplus-domain-name", "str"),
    65: ("nisplus-servers", "ips"), 66: ("tftp-server-name", "str"), 67: ("boot-file-name", "str"),
    68: ("mobile-ip-home-agent", "ips"), 69: ("smtp-server", "ips"), 70: ("pop-server", "ips"),
    71: ("nntp-server", "ips"), 72: ("www-server", "ips"), 73: ("finger-server", "ips"),
    74: ("irc-server", "ips"), 75: ("streettalk-server", "ips"), 76: ("streettalk-directory-assistance-server", "ips"),
    119: ("domain-search", "fqdns"),
}
KEA_OPTION_CODES = {name: code for code, (name, _) in KEA_OPTIONS.items()}


class Refusals:
    """What could not be converted, each with where it is (an XML path or
    file:line); notes are what was converted with a loss worth saying."""

    def __init__(self):
        self.refused = []
        self.notes = []

    def refuse(self, where, why):
        self.refused.append("%s: %s" % (where, why))

    def note(self, where, what):
        self.notes.append("%s: %s" % (where, what))

    def report(self, tool):
        for n in self.notes:
            print("%s: note: %s" % (tool, n), file=sys.stderr)
        for r in self.refused:
            print("%s: refused: %s" % (tool, r), file=sys.stderr)
        if self.refused:
            print("%s: %d refusal(s); nothing written" % (tool, len(self.refused)), file=sys.stderr)
        return 1 if self.refused else 0


def ip4(text):
    """An IPv4 address from text, or None."""
    try:
        return ipaddress.IPv4Address(text.strip())
    except (ValueError, AttributeError):
        return None


def range_minus(start, end, holes):
    """[start, end] without the address ranges in holes: a list of (a, b)."""
    out = []
    cur = int(start)
    for a, b in sorted((int(a), int(b)) for a, b in holes):
        if b < cur or a > int(end):
            continue
        if a > cur:
            out.append((cur, a - 1))
        cur = max(cur, b + 1)
    if cur <= int(end):
        out.append((cur, int(end)))
    return [(ipaddress.IPv4Address(a), ipaddress.IPv4Address(b)) for a, b in out]


def pool(a, b):
    return {"pool": "%s - %s" % (a, b)}


def option_data(code, values):
    """A Kea option-data entry for a standard option; None when the code is
    not in KEA_OPTIONS. values: a list of strings; raises ValueError on a
    value of the wrong kind."""
    if code not in KEA_OPTIONS:
        return None
    name, kind = KEA_OPTIONS[code]
    if kind in ("ip", "ips"):
        if not values or (kind == "ip" and len(values) != 1) or any(ip4(v) is None for v in values):
            raise ValueError("%s takes %s IPv4 address%s, not %r" % (
                name, "one" if kind == "ip" else "a list of", "" if kind == "ip" else "es", values))
        data = ", ".join(str(ip4(v)) for v in values)
    elif kind in ("u8", "u16", "u32", "i32"):
        if len(values) != 1:
            raise ValueError("%s takes one number, not %r" % (name, values))
        n = int(values[0], 0)
        lo, hi = {"u8": (0, 255), "u16": (0, 65535), "u32": (0, 2**32 - 1), "i32": (-2**31, 2**31 - 1)}[kind]
        if not lo <= n <= hi:
            raise ValueError("%s: %d is out of range %d..%d" % (name, n, lo, hi))
        data = str(n)
    elif kind == "bool":
        if len(values) != 1 or values[0].lower() not in ("0", "1", "true", "false", "on", "off"):
            raise ValueError("%s takes one boolean, not %r" % (name, values))
        data = "true" if values[0].lower() in ("1", "true", "on") else "false"
    elif kind == "fqdns":
        data = ", ".join(v.strip().strip('"') for v in values)
    else:  # str
        if len(values) != 1:
            raise ValueError("%s takes one string, not %r" % (name, values))
        data = values[0]
    return {"name": name, "data": data}


def common_arguments(parser):
    """The options both tools take for the configuration around the subnets."""
    g = parser.add_argument_group("the kea-dhcp4 configuration written")
    g.add_argument("-o", "--output", default="-", help="the kea-dhcp4 configuration (default: stdout)")
    g.add_argument("--interface", action="append", default=None,
                   help="interfaces-config: an interface Kea listens on (repeatable; default *)")
    g.add_argument("--hook", default=DEFAULT_HOOK, help="path of libdhcp_failover.so (default %(default)s)")
    g.add_argument("--lease-cmds", default=None,
                   help="path of libdhcp_lease_cmds.so, loaded before the failover hook when given")
    g.add_argument("--state-directory", default=None, help="the hook's state-directory")
    g.add_argument("--lease-file", default=None, help="lease-database name (memfile); default Kea's")
    g.add_argument("--control-socket", default=None, help="the unix control socket's path")
    g.add_argument("--first-subnet-id", type=int, default=1, help="id of the first subnet4 (default 1)")
    g.add_argument("--local-address", default=None,
                   help="the relationship's local-address (this server's failover address)")
    g.add_argument("--dialect", choices=["draft", "isc", "microsoft"], default=None,
                   help="the relationship's dialect (the protocol the partner speaks)")


def kea_config(args, subnets, relationships, globals_=None):
    """The whole kea-dhcp4 configuration: Dhcp4 with the subnets, the hooks
    (lease_cmds when asked, then the failover hook with its relationships)."""
    d4 = {"interfaces-config": {"interfaces": args.interface or ["*"]},
          "lease-database": {"type": "memfile", "persist": True, "lfc-interval": 3600}}
    if args.lease_file:
        d4["lease-database"]["name"] = args.lease_file
    if args.control_socket:
        d4["control-socket"] = {"socket-type": "unix", "socket-name": args.control_socket}
    d4.update(globals_ or {})
    hooks = []
    if args.lease_cmds:
        hooks.append({"library": args.lease_cmds})
    params = {"relationships": relationships}
    if args.state_directory:
        params = {"state-directory": args.state_directory, "relationships": relationships}
    hooks.append({"library": args.hook, "parameters": params})
    d4["hooks-libraries"] = hooks
    d4["subnet4"] = subnets
    return {"Dhcp4": d4}


def write_json(path, doc):
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if path == "-":
        sys.stdout.write(text)
    else:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


def parser(prog, description):
    return argparse.ArgumentParser(prog=prog, description=description)
