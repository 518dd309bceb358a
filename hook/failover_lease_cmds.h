// failover_lease_cmds.h - an operator's lease4-add, lease4-update and
// lease4-del (Kea's lease_cmds library) reach the binding table.
// Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
#ifndef FAILOVER_LEASE_CMDS_H
#define FAILOVER_LEASE_CMDS_H

#include <cc/data.h>

#include <string>

namespace kea_failover {

// command_processed: after a successful lease4-add, lease4-update or
// lease4-del, the engine learns the change (and so does the partner); the
// answer to give instead of `response`, or null to leave it as it is. A
// lease the failover rules refuse is taken back out of Kea's database and
// answered with result 1 and the reason.
isc::data::ConstElementPtr lease_command_done(const std::string& name,
                                              const isc::data::ConstElementPtr& arguments,
                                              const isc::data::ConstElementPtr& response);

} // namespace kea_failover

#endif // FAILOVER_LEASE_CMDS_H
