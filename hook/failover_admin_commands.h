// failover_admin_commands.h - the commands that change relationships at run
// time: failover-add, -set, -remove, -scope-add, -scope-remove,
// -partner-down (docs/commands.md).
// Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
#ifndef FAILOVER_ADMIN_COMMANDS_H
#define FAILOVER_ADMIN_COMMANDS_H

#include <hooks/hooks.h>

namespace kea_failover {

void register_admin_commands(isc::hooks::LibraryHandle& handle);

} // namespace kea_failover

#endif // FAILOVER_ADMIN_COMMANDS_H
