// null_hook.cc - a hooks library with the failover hook's packet callouts,
// each returning at once: what Kea 2.2 itself spends on invoking them.
// bench/bench_dora.sh compiles it and measures it as case N.
// Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
#include <hooks/hooks.h>

using isc::hooks::CalloutHandle;

extern "C" {
int version() { return (KEA_HOOKS_VERSION); }
int multi_threading_compatible() { return (1); }
int subnet4_select(CalloutHandle&) { return (0); }
int lease4_select(CalloutHandle&) { return (0); }
int lease4_renew(CalloutHandle&) { return (0); }
int leases4_committed(CalloutHandle&) { return (0); }
int lease4_release(CalloutHandle&) { return (0); }
int lease4_decline(CalloutHandle&) { return (0); }
int lease4_expire(CalloutHandle&) { return (0); }
}
