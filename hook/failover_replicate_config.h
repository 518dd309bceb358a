// failover_replicate_config.h - the Kea configuration that failover-replicate
// copies: what is taken on the sender, how the partner merges it into its own
// configuration and what changed (docs/commands.md, failover-replicate).
//
// Pure functions over Kea's JSON data (isc::data::Element): no I/O, no
// server state; the configurations come from the caller
// (CfgMgr::instance().getCurrentCfg()->toElement()).
// Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
#ifndef FAILOVER_REPLICATE_CONFIG_H
#define FAILOVER_REPLICATE_CONFIG_H

#include <cc/data.h>

#include <cstdint>
#include <string>
#include <vector>

namespace kea_failover {

// Members of a subnet4 entry that belong to one server and are never copied:
// Kea's subnet id (the partner's leases refer to its own) and the local
// interface name.
bool replicate_local_member(const std::string& key);

// What is copied for some scopes: their subnet4 entries (in the order of the
// scope list), and the global client-classes and option-def entries they use.
struct ReplicatePayload {
    isc::data::ElementPtr subnets;      // list of subnet4 maps
    isc::data::ElementPtr classes;      // list of client-classes maps
    isc::data::ElementPtr option_defs;  // list of option-def maps
};

// The subnet4 entry (top level or in a shared network) whose "subnet" has
// the network address `scope` (host byte order); null when there is none.
isc::data::ConstElementPtr find_subnet(const isc::data::ConstElementPtr& dhcp4,
                                       uint32_t scope);

// Collect the payload for `scopes` from the Dhcp4 map `dhcp4`. Classes: the
// ones the subnets, their pools and reservations name (client-class,
// require-client-classes, client-classes), and those their test expressions
// name with member('...'), transitively; built-in classes (no entry in
// client-classes) are skipped. Option definitions: the ones an option-data
// of these subnets, pools, reservations or classes names (by name or code,
// and space), and the ones of the spaces they encapsulate. Throws
// std::runtime_error("scope-id: ...") for a scope without subnet4.
ReplicatePayload collect_payload(const isc::data::ConstElementPtr& dhcp4,
                                 const std::vector<uint32_t>& scopes);

// What a merge changes. Per scope: "added", "changed" (with the names of
// the changed members) or "unchanged"; classes and option definitions (by
// name, "name/space" for option definitions) added or changed.
struct ScopeChange {
    std::string scope_id;               // dotted quad
    std::string change;                 // added, changed, unchanged
    std::vector<std::string> members;   // for "changed", sorted
};
struct ReplicateChanges {
    std::vector<ScopeChange> scopes;
    std::vector<std::string> classes_added, classes_changed;
    std::vector<std::string> defs_added, defs_changed;
    bool any() const;
    isc::data::ElementPtr toElement() const;
};

// The partner's candidate configuration: {"Dhcp4": dhcp4 with each subnet
// of `p` replacing the entry of the same network address (where it is, in a
// shared network or not; the partner keeps its own local members, see
// replicate_local_member) or appended to subnet4, and the classes and option
// definitions replacing those of the same name (and space) or appended}.
// `dhcp4` is not modified. Throws std::runtime_error naming the field for a
// malformed or conflicting payload (subnet4[2]/subnet: missing ..., a network
// address, class or option definition sent twice). Merging the same payload
// into the result changes nothing (every scope "unchanged").
isc::data::ElementPtr merge_payload(const isc::data::ConstElementPtr& dhcp4,
                                    const ReplicatePayload& p, ReplicateChanges& changes);

// The network address of a "subnet" value such as "10.0.0.0/16" (host byte
// order); false when it is not an IPv4 prefix.
bool subnet_prefix(const isc::data::ConstElementPtr& subnet, uint32_t& prefix);

} // namespace kea_failover

#endif // FAILOVER_REPLICATE_CONFIG_H
