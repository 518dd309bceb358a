// failover_leases.h - the partner's binding changes into Kea's lease database.
// Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
#ifndef FAILOVER_LEASES_H
#define FAILOVER_LEASES_H

extern "C" {
#include "fo_engine.h"
}

namespace kea_failover {

// fo_host.lease_changed: called on the protocol driver's thread; only copies
// the change into a queue (never blocks on Kea, never calls the engine).
void lease_changed(void* ctx, const fo_lease_change* c);

// On Kea's IO thread (a timer, and unload()): apply the queued changes to
// Kea's lease database: ACTIVE inserts or updates the lease, any other state
// deletes it. Returns how many were applied.
size_t apply_lease_changes();

} // namespace kea_failover

#endif // FAILOVER_LEASES_H
