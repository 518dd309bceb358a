// failover_convert.h - Kea objects to the engine's plain C structs.
// Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
#ifndef FAILOVER_CONVERT_H
#define FAILOVER_CONVERT_H

#include <cc/data.h>
#include <dhcp/pkt4.h>
#include <dhcpsrv/lease.h>
#include <dhcpsrv/srv_config.h>

#include <string>
#include <vector>

extern "C" {
#include "fo_engine.h"
}

namespace kea_failover {

// A query's option as Kea parsed it, for reading only: Pkt::getOption inside a
// callout returns a copy (Kea lets callouts change the options they retrieve),
// an allocation and a clone for every option read.
isc::dhcp::OptionPtr option_of(const isc::dhcp::Pkt4Ptr& query, uint16_t code);

// The client of a query; points into the packet (valid while it lives).
fo_client_ref client_of(const isc::dhcp::Pkt4Ptr& query);

// What kind of query this is (engine: fo_msg_classify).
fo_msg msg_of(const isc::dhcp::Pkt4Ptr& query);

// The JSON text of a Kea element with its strings' bytes as they are. Kea's
// own writer (Element::str) escapes every byte >= 0x7f of a string as
// \u00XX, so "ü" (bytes c3 bc) would read as two characters; here those
// escapes are written back as the bytes they stand for (the engine checks
// that the text is UTF-8 and names the leaf when it is not).
std::string json_of(const isc::data::ConstElementPtr& element);

// A Kea lease as the engine sees it; points into the lease.
fo_lease lease_of(const isc::dhcp::Lease4Ptr& lease);

// What the lease carries besides its client (hostname, FQDN flags, user
// context) into x; a user context longer than FO_USER_CONTEXT_MAX bytes is
// left out (logged once: FAILOVER_USER_CONTEXT_NOT_CARRIED).
void extra_of(const isc::dhcp::Lease4Ptr& lease, fo_lease_extra& x);

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
