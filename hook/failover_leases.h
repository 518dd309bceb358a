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
// deletes it; then, with_replay, the next slice of the restart replay (at
// most 20 ms of batches pulled from the engine, fo_engine_replay_next). The
// queue first: the replay reads the bindings as they are now, later than
// any change queued before. Returns how many were applied.
size_t apply_lease_changes(bool with_replay = true);

// The restart replay (after fo_engine_attach): from the first binding again
// (replay_start), or no more of it (replay_stop: the engine is going away).
void replay_start();
void replay_stop();

} // namespace kea_failover

#endif // FAILOVER_LEASES_H
