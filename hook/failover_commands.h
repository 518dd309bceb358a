// failover_commands.h - the control commands and the status-get section.
// Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
#ifndef FAILOVER_COMMANDS_H
#define FAILOVER_COMMANDS_H

#include <hooks/hooks.h>

namespace kea_failover {

// failover-get always; failover-test-set-state only with the test seam on.
void register_commands(isc::hooks::LibraryHandle& handle, bool test_seam);

} // namespace kea_failover

#endif // FAILOVER_COMMANDS_H
