#!/usr/bin/env python3
"""check_layers.py - the engine's includes point down the layers, never up,
no include cycle exists between headers or modules (docs/design.md, "Layers"),
and every allocation of the engine goes through lib/fo_alloc (so that
fo_alloc_fail_after reaches it: tests/unit/check_alloc).

Layers, lowest first: lib, core, wire, run, api. engine/include holds the
public headers: the base ones (fo_types.h, fo_host.h and the log event
table fo_log_events.def it includes) that every layer may include, and the facade (fo_engine.h, fo_admin.h, fo_replicate.h) that only
api/ implements and only the shim and api/ include. The shim (hook/)
includes public headers only.

Usage: check_layers.py SRCDIR. Prints one line per violation, then
"N passed, N failed" (one check per rule), and exits 1 on any violation.
"""
import os
import re
import sys

LAYERS = ["lib", "core", "wire", "run", "api"]
BASE = {"fo_types.h", "fo_host.h", "fo_log_events.def"}
INCLUDE_RE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
# A call of libc's allocator (not a member such as a->malloc, not fo_malloc).
ALLOC_RE = re.compile(r'(?<![\w>.])(malloc|calloc|realloc|reallocarray|strdup|strndup|'
                      r'aligned_alloc|posix_memalign|asprintf|vasprintf)\s*\(')


def main(top):
    where = {}
    files = []
    for d in ["include"] + LAYERS:
        for f in sorted(os.listdir(os.path.join(top, "engine", d))):
            if f.endswith((".c", ".h", ".def")):
                where[f] = d
                files.append((d, f))
    bad = {"up": [], "facade": [], "public": [], "shim": [], "cycle": [], "alloc": []}
    graph = {}
    for d, f in files:
        text = open(os.path.join(top, "engine", d, f), encoding="utf-8").read()
        if f.endswith(".c") and f != "fo_alloc.c":
            for no, line in enumerate(text.splitlines(), 1):
                code = line.split("/*")[0].split("//")[0]
                for m in ALLOC_RE.finditer(code):
                    bad["alloc"].append("engine/%s/%s:%d calls %s() (use fo_%s, fo_alloc.h)"
                                        % (d, f, no, m.group(1), m.group(1)))
        incs = [h for h in INCLUDE_RE.findall(text) if h in where]
        if f.endswith(".h"):
            graph[f] = [h for h in incs if h.endswith(".h")]
        for h in incs:
            hd = where[h]
            if d == "include":
                if hd != "include":
                    bad["public"].append("engine/include/%s includes %s/%s" % (f, hd, h))
                elif f in BASE and h not in BASE:
                    bad["public"].append("engine/include/%s includes the facade %s" % (f, h))
            elif hd == "include":
                if h not in BASE and d != "api":
                    bad["facade"].append("engine/%s/%s includes the facade %s" % (d, f, h))
            elif LAYERS.index(hd) > LAYERS.index(d):
                bad["up"].append("engine/%s/%s includes %s/%s (up)" % (d, f, hd, h))
    for f in sorted(os.listdir(os.path.join(top, "hook"))):
        if not f.endswith((".cc", ".h")):
            continue
        text = open(os.path.join(top, "hook", f), encoding="utf-8").read()
        for h in INCLUDE_RE.findall(text):
            if h.startswith("fo_") and where.get(h) != "include":
                bad["shim"].append("hook/%s includes %s (not a public header)" % (f, h))
    # Header include cycles: depth-first search with colours.
    colour = {}

    def visit(h, path):
        colour[h] = 1
        for n in graph.get(h, []):
            if colour.get(n) == 1:
                bad["cycle"].append(" -> ".join(path[path.index(n):] + [n]))
            elif n not in colour:
                visit(n, path + [n])
        colour[h] = 2

    for h in sorted(graph):
        if h not in colour:
            visit(h, [h])
    # Module cycles: a module is a header and its .c (a private "_int.h"
    # belongs to its module, and a .c without a header of its own to the
    # module whose "_int.h" it includes, as fo_peer_bnd.c to fo_peer).
    heads = {f[:-2] for _, f in files if f.endswith(".h")}
    incl = {}
    for d, f in files:
        text = open(os.path.join(top, "engine", d, f), encoding="utf-8").read()
        incl[f] = [h for h in INCLUDE_RE.findall(text) if h in where]

    def module(f):
        stem = f.rsplit(".", 1)[0]
        if stem.endswith("_int"):
            return stem[:-4]
        if stem not in heads:
            for h in incl.get(f, []):
                if h.endswith("_int.h"):
                    return h[:-6]
        return stem

    deps = {}
    for _, f in files:
        m = module(f)
        for h in incl[f]:
            if module(h) != m:
                deps.setdefault(m, set()).add(module(h))
    state = {}

    def walk(m, path):
        state[m] = 1
        for n in sorted(deps.get(m, ())):
            if state.get(n) == 1:
                bad["cycle"].append("modules " + " -> ".join(path[path.index(n):] + [n]))
            elif n not in state:
                walk(n, path + [n])
        state[m] = 2

    for m in sorted(deps):
        if m not in state:
            walk(m, [m])
    passed = failed = 0
    for rule, what in [("up", "no include points up the layers"),
                       ("facade", "only api/ includes the facade"),
                       ("public", "public headers include public base headers only"),
                       ("shim", "the shim includes public headers only"),
                       ("cycle", "no include cycle between headers or modules"),
                       ("alloc", "every engine allocation goes through fo_alloc")]:
        for line in bad[rule]:
            print("#   " + line)
        if bad[rule]:
            failed += 1
            print("not ok %d - %s" % (passed + failed, what))
        else:
            passed += 1
            print("ok %d - %s" % (passed + failed, what))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
