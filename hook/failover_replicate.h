// failover_replicate.h - failover-replicate (Invoke-DhcpServerv4FailoverReplication)
// and the partner's side of it (docs/commands.md, failover-replicate).
//
// The sender (failover_replicate.cc) collects the Kea configuration of the
// scopes and hands it to the engine's sender thread (fo_replicate.h), which
// sends it to the partner's kea-ctrl-agent in two steps:
// failover-replicate-apply (the partner checks it with config-test and
// answers what would change; nothing changes yet) and
// failover-replicate-commit (the partner applies it with config-set once the
// command handler has returned); then it polls failover-replicate-status
// until the partner says applied or failed. The command answers at once with
// an id; failover-replicate-status {id} (an integer) tells the outcome. The
// partner's side is failover_replicate_apply.cc.
// Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
#ifndef FAILOVER_REPLICATE_H
#define FAILOVER_REPLICATE_H

#include <asiolink/io_service.h>
#include <cc/data.h>
#include <hooks/hooks.h>

#include <cstdint>
#include <string>
#include <vector>

struct fo_repl_sender;

namespace kea_failover {

// Register failover-replicate and the partner's commands
// (failover-replicate-apply, -commit, -status).
void register_replicate_commands(isc::hooks::LibraryHandle& handle);

// dhcp4_srv_configured: the server's IO service, on which the partner's
// side runs config-set after its command handler has returned.
void replicate_configured(const isc::asiolink::IOServicePtr& io);

// load(): pin this library in memory (dlopen RTLD_NODELETE of its own file),
// so that Kea's dlclose keeps it mapped; see failover_replicate_apply.cc.
// false (why says why) when that fails; failover-replicate-commit then refuses.
bool replicate_pin(std::string& why);

// unload(): forget the IO service and a prepared (not committed) replication.
// The status of past replications is kept (see failover_replicate_apply.cc).
void replicate_unload();

// ---- Shared by the two files -------------------------------------------------

// The Dhcp4 map of the running configuration (a copy).
isc::data::ConstElementPtr running_dhcp4();

// The scope-ids of relationship `name` (false, err set, when there is none).
bool relationship_scopes(const std::string& name, std::vector<uint32_t>& out, std::string& err);

// This server's sender thread (nullptr before the first failover-replicate).
fo_repl_sender* replicate_sender();

// The status of the replication this server sent with handle `id` (false:
// no such id): the answer's result, text and arguments.
bool replicate_sent_status(uint64_t id, int& result, std::string& text,
                           isc::data::ConstElementPtr& args);

// unload(): stop the sender's thread (a running exchange ends after its
// current request) and forget the replications sent.
void replicate_sender_stop();

// Partner-side command handlers (failover_replicate_apply.cc).
int failover_replicate_apply(isc::hooks::CalloutHandle& handle);
int failover_replicate_commit(isc::hooks::CalloutHandle& handle);
int failover_replicate_status(isc::hooks::CalloutHandle& handle);

} // namespace kea_failover

#endif // FAILOVER_REPLICATE_H
