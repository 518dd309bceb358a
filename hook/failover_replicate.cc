// failover_replicate.cc - failover-replicate: copy the Kea configuration of a
// relationship's scopes to the partner (the sender's side; see
// failover_replicate.h for the exchange, failover_replicate_apply.cc for the
// partner's side).
// Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
#include "kea_compat.h"  // first: Kea 3.0 wants its config.h before its headers

#include <asiolink/io_address.h>
#include <cc/command_interpreter.h>
#include <cc/data.h>
#include <dhcpsrv/cfgmgr.h>


#include <algorithm>
#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "failover_command_util.h"
#include "failover_context.h"
#include "failover_log.h"
#include "failover_replicate.h"
#include "failover_replicate_config.h"

extern "C" {
#include "fo_replicate.h"
}

using namespace isc::config;
using namespace isc::data;
using namespace isc::hooks;

namespace kea_failover {

namespace {

fo_repl_sender* sender = nullptr;        // created by the first failover-replicate

std::string
dotted(uint32_t a) {
    return (isc::asiolink::IOAddress(a).toText());
}

struct Group {
    std::string rel;
    std::vector<uint32_t> scopes;
    bool all = false;
};

// failover-replicate-apply's arguments for one relationship (Kea's data,
// collected on the main thread; the engine signs and sends them).
std::string
apply_args(const Group& g) {
    ReplicatePayload p = collect_payload(running_dhcp4(), g.scopes);
    ElementPtr args = Element::createMap();
    args->set("relationship", Element::create(g.rel));
    args->set("all-scopes", Element::create(g.all));
    args->set("subnet4", p.subnets);
    args->set("client-classes", p.classes);
    args->set("option-def", p.option_defs);
    return (args->str());
}

// The relationship holding `scope` ("" when none).
std::string
holder_of(uint32_t scope) {
    char name[FO_NAME_MAX + 1];
    return (fo_engine_scope_relationship(engine, scope, name) == FO_OK ? name : "");
}

// The groups to replicate; result 3 (reply set, false) for an unknown
// relationship or a scope in none.
bool
plan(CalloutHandle& handle, const ConstElementPtr& args, std::vector<Group>& groups) {
    ConstElementPtr name = args->get("name");
    ConstElementPtr scope = args->get("scope-id");
    if (name && scope) {
        throw BadArgument("scope-id: give name (every scope of a relationship) or scope-id, "
                          "not both");
    }
    if (name) {
        if (name->getType() != Element::string || name->stringValue().empty()) {
            throw BadArgument("name: must be a non-empty string");
        }
        Group g;
        std::string err;
        g.rel = name->stringValue();
        g.all = true;
        if (!relationship_scopes(g.rel, g.scopes, err)) {
            reply(handle, CONTROL_RESULT_EMPTY, err);
            return (false);
        }
        groups.push_back(g);
        return (true);
    }
    if (!scope) {
        throw BadArgument("name: missing (give name, or scope-id)");
    }
    for (uint32_t s : scope_ids_arg(args)) {
        std::string rel = holder_of(s);
        if (rel.empty()) {
            reply(handle, CONTROL_RESULT_EMPTY, "scope-id: no failover relationship holds "
                  "scope " + dotted(s));
            return (false);
        }
        auto it = groups.begin();
        while (it != groups.end() && it->rel != rel) {
            ++it;
        }
        if (it == groups.end()) {
            groups.push_back(Group{rel, {}, false});
            it = groups.end() - 1;
        }
        if (std::find(it->scopes.begin(), it->scopes.end(), s) == it->scopes.end()) {
            it->scopes.push_back(s);
        }
    }
    return (true);
}

// failover-replicate {name} | {scope-id}: checks, then the exchange starts
// on the engine's sender thread; the answer is its id at once (Kea's main
// thread never waits for the partner), failover-replicate-status {id} tells.
int
failover_replicate(CalloutHandle& handle) {
    try {
        ConstElementPtr args = arguments_of(handle, {"name", "scope-id"}, true);
        std::vector<Group> groups;
        if (!plan(handle, args, groups)) {
            return (0);
        }
        std::vector<std::string> payloads;
        std::vector<fo_repl_group> cgroups;
        for (auto const& g : groups) {
            char why[512] = "";
            if (fo_repl_receiver_busy(fo_repl_receiver_kept(), g.rel.c_str(), mono_now(), why,
                                      sizeof(why))) {
                reply(handle, CONTROL_RESULT_ERROR, "relationship '" + g.rel + "': " + why);
                return (0);
            }
            payloads.push_back(apply_args(g));
        }
        for (size_t i = 0; i < groups.size(); ++i) {
            cgroups.push_back(fo_repl_group{groups[i].rel.c_str(), groups[i].scopes.data(),
                                            groups[i].scopes.size(), payloads[i].c_str()});
        }
        fo_host host = {};
        host.log = engine_log;
        if (sender == nullptr && fo_repl_sender_create(&sender, &host) != FO_OK) {
            throw std::runtime_error("the sender's thread cannot be started");
        }
        uint64_t id = 0;
        char err[1024] = "";
        fo_status st = fo_engine_replicate_start(engine, sender, cgroups.data(), cgroups.size(),
                                                 &id, err, sizeof(err));
        if (st != FO_OK) {
            reply(handle, st == FO_ERR_NOTFOUND ? CONTROL_RESULT_EMPTY : CONTROL_RESULT_ERROR,
                  err[0] != '\0' ? err : fo_status_name(st));
            return (0);
        }
        ElementPtr out = Element::createMap();
        out->set("id", Element::create(static_cast<int64_t>(id)));
        out->set("status", Element::create(std::string("sending")));
        reply(handle, CONTROL_RESULT_SUCCESS, "replication " + std::to_string(id) +
              " started; failover-replicate-status {\"id\": " + std::to_string(id) +
              "} tells its outcome", out);
    } catch (const BadArgument& ex) {
        reply(handle, CONTROL_RESULT_ERROR, ex.what());
    } catch (const std::exception& ex) {
        reply(handle, CONTROL_RESULT_ERROR, std::string("failover-replicate: ") + ex.what());
    }
    return (0);
}

} // namespace

ConstElementPtr
running_dhcp4() {
    ConstElementPtr cfg = isc::dhcp::CfgMgr::instance().getCurrentCfg()->toElement();
    ConstElementPtr d4 = cfg ? cfg->get("Dhcp4") : ConstElementPtr();
    if (!d4 || d4->getType() != Element::map) {
        throw std::runtime_error("the running configuration has no Dhcp4 map");
    }
    return (d4);
}

bool
relationship_scopes(const std::string& name, std::vector<uint32_t>& out, std::string& err) {
    char msg[256] = "";
    size_t n = 0;
    fo_status st = fo_engine_relationship_scopes(engine, name.c_str(), nullptr, 0, &n, msg,
                                                 sizeof(msg));
    if (st == FO_OK) {
        std::vector<fo_ip4> ids(n);
        st = fo_engine_relationship_scopes(engine, name.c_str(), ids.data(), n, &n, msg,
                                           sizeof(msg));
        out.assign(ids.begin(), ids.begin() + std::min(n, ids.size()));
    }
    if (st != FO_OK) {
        err = msg[0] != '\0' ? msg : "no failover relationship named '" + name + "'";
        return (false);
    }
    return (true);
}

fo_repl_sender*
replicate_sender() {
    return (sender);
}

bool
replicate_sent_status(uint64_t id, int& result, std::string& text, ConstElementPtr& args) {
    char* t = nullptr;
    char* a = nullptr;
    if (fo_repl_sender_status(sender, id, &result, &t, &a) != FO_OK) {
        return (false);
    }
    text = t;
    args = Element::fromJSON(a);
    free(t);
    free(a);
    return (true);
}

void
replicate_sender_stop() {
    fo_repl_sender_destroy(sender);
    sender = nullptr;
}

void
register_replicate_commands(LibraryHandle& handle) {
    handle.registerCommandCallout("failover-replicate", failover_replicate);
    handle.registerCommandCallout("failover-replicate-apply", failover_replicate_apply);
    handle.registerCommandCallout("failover-replicate-commit", failover_replicate_commit);
    handle.registerCommandCallout("failover-replicate-status", failover_replicate_status);
}

} // namespace kea_failover
