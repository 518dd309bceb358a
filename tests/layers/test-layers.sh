#!/bin/sh
# test-layers.sh - the engine's includes point down the layers (lib, core,
# wire, run, api), the shim sees public headers only, no header cycle
# (tools/check_layers.py, docs/design.md).
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
: "${srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
exec python3 "$srcdir/tools/check_layers.py" "$srcdir"
