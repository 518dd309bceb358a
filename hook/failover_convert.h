// failover_convert.h - Kea objects to the engine's plain C structs.
// Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
#ifndef FAILOVER_CONVERT_H
#define FAILOVER_CONVERT_H

#include <dhcp/pkt4.h>
#include <dhcpsrv/lease.h>
#include <dhcpsrv/srv_config.h>

#include <vector>

extern "C" {
#include "fo_engine.h"
}

namespace kea_failover {

// The client of a query; points into the packet (valid while it lives).
fo_client_ref client_of(const isc::dhcp::Pkt4Ptr& query);

// What kind of query this is (engine: fo_msg_classify).
fo_msg msg_of(const isc::dhcp::Pkt4Ptr& query);

// A Kea lease as the engine sees it; points into the lease.
fo_lease lease_of(const isc::dhcp::Lease4Ptr& lease);

// Kea's subnets with their pools and reserved addresses. The vectors own the
// memory the fo_subnet pointers refer to.
struct SubnetList {
    std::vector<fo_subnet> subnets;
    std::vector<std::vector<fo_pool_range>> pools;
    std::vector<std::vector<fo_ip4>> reserved;
};
void subnets_of(const isc::dhcp::SrvConfigPtr& config, SubnetList& out);

} // namespace kea_failover

#endif // FAILOVER_CONVERT_H
