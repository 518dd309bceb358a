// failover_both.h - failover-add & co. on both partners (fo_both.h): the
// engine's exchange thread, the local commit on Kea's main thread, and
// failover-change-status.
// Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
#ifndef FAILOVER_BOTH_H
#define FAILOVER_BOTH_H

#include <hooks/hooks.h>

#include <cstdint>
#include <string>

extern "C" {
#include "fo_both.h"
}

namespace kea_failover {

// Start req on both partners (inside Kea's critical section: the dry run).
// FO_OK with id 0: made here only (msg says why); id > 0: the exchange runs.
fo_status both_start(const fo_admin_req& req, uint64_t& id, char* msg, size_t msglen);

// A change of relationship `name` runs (why: which); local-only changes wait.
bool both_busy(const std::string& name, std::string& why);

// Kea's IO service timer (main thread): make a due change here.
void both_tick();

// unload(): stop the exchange thread (a due commit is undone on the partner).
void both_unload();

void register_both_commands(isc::hooks::LibraryHandle& handle);

} // namespace kea_failover

#endif // FAILOVER_BOTH_H
