// failover_admin_commands.cc - run-time changes of the relationships.
//
// Each handler checks the shape of its arguments, turns them into plain C
// (member names with their JSON text, scope-ids as numbers), calls one
// engine function inside Kea's multi-threading critical section (no packet
// is in flight while the relationships are rebuilt) and answers: result 0
// success, 1 bad input or refused (the text names the field or gives the
// reason), 3 unknown relationship. Without "local-only": true the change is
// made on both partners (fo_both.h, failover_both.cc): the answer is then
// the change's id, and failover-change-status {id} its outcome. A
// local-only change carrying time or digest is the partner's: checked
// first (fo_engine_both_check: the digest under enable-auth) and made as
// the partner's side (fo_engine_admin_partner: a removal retires the scopes).
// Any other local-only change is the operator's (fo_engine_admin): the
// engine refuses a removal while the partner may serve the scopes unless
// "force": true (failover-remove, failover-scope-remove) is given.
// Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
#include "kea_compat.h"  // first: Kea 3.0 wants its config.h before its headers

#include <asiolink/io_address.h>
#include <cc/command_interpreter.h>
#include <cc/data.h>
#include <util/multi_threading_mgr.h>

#include <cstdlib>
#include <exception>
#include <set>
#include <string>
#include <vector>

#include "failover_admin_commands.h"
#include "failover_both.h"
#include "failover_command_util.h"
#include "failover_context.h"
#include "failover_convert.h"

extern "C" {
#include "fo_admin.h"
}

using namespace isc::config;
using namespace isc::data;
using namespace isc::hooks;

namespace kea_failover {

namespace {

std::string
name_arg(const ConstElementPtr& args) {
    ConstElementPtr v = args->get("name");
    if (!v) {
        throw BadArgument("name: missing");
    }
    if (v->getType() != Element::string || v->stringValue().empty()) {
        throw BadArgument("name: must be a non-empty string");
    }
    return (v->stringValue());
}

// "local-only": false when absent.
bool
local_only_arg(const ConstElementPtr& args) {
    ConstElementPtr v = args->get("local-only");
    if (v && v->getType() != Element::boolean) {
        throw BadArgument("local-only: must be a boolean");
    }
    return (v && v->boolValue());
}

// The members of a map as the engine's fo_kv (the strings own the text),
// but local-only, a partner's time and digest, and those of `skip`.
struct Members {
    std::vector<std::string> keys, values;
    std::vector<fo_kv> kv;
    Members(const ConstElementPtr& map, const std::set<std::string>& skip) {
        for (auto const& m : map->mapValue()) {
            if (skip.count(m.first) == 0 && m.first != "local-only" && m.first != "time" &&
                m.first != "digest") {
                keys.push_back(m.first);
                values.push_back(json_of(m.second));
            }
        }
        for (size_t i = 0; i < keys.size(); ++i) {
            kv.push_back(fo_kv{keys[i].c_str(), values[i].c_str()});
        }
    }
    ~Members() {
        for (auto& v : values) {        // may hold the shared secret
            std::fill(v.begin(), v.end(), '\0');
        }
    }
};

// The relationship as failover-get shows it, for the answer (null if gone).
ConstElementPtr
shown(const std::string& name) {
    char* json = nullptr;
    char err[256] = "";
    if (fo_engine_get_json(engine, name.c_str(), 0, false, wall_now(), &json, err,
                           sizeof(err)) != FO_OK) {
        return (ConstElementPtr());
    }
    std::string text(json);
    free(json);
    return (Element::fromJSON(text));
}

void
answer(CalloutHandle& handle, fo_status st, const char* msg, const std::string& name,
       bool show) {
    std::string text = msg[0] != '\0' ? msg : fo_status_name(st);
    if (st == FO_OK) {
        reply(handle, CONTROL_RESULT_SUCCESS, text, show ? shown(name) : ConstElementPtr());
    } else if (st == FO_ERR_NOTFOUND) {
        reply(handle, CONTROL_RESULT_EMPTY, text);
    } else {
        reply(handle, CONTROL_RESULT_ERROR, text);
    }
}

// The partner's request (checked by partner_ok): a local-only change with time or digest.
bool
from_partner(const ConstElementPtr& args) {
    return (args->get("time") || args->get("digest"));
}

// "force" (failover-remove, failover-scope-remove): false when absent; only
// in the operator's local-only removal (fo_engine_admin decides when it is
// needed).
bool
force_arg(const ConstElementPtr& args) {
    ConstElementPtr v = args->get("force");
    if (!v) {
        return (false);
    }
    if (v->getType() != Element::boolean) {
        throw BadArgument("force: must be a boolean");
    }
    if (!local_only_arg(args) || from_partner(args)) {
        throw BadArgument("force: only in the operator's local-only removal (without "
                          "local-only the removal is made on both partners, the partner "
                          "retires the scopes, and no force is needed)");
    }
    return (v->boolValue());
}

// A request from the partner carries time (and digest under enable-auth):
// checked (fo_engine_both_check); false when refused (answered).
bool
partner_ok(CalloutHandle& handle, const fo_admin_req& req, const ConstElementPtr& args,
           bool local_only) {
    if (!from_partner(args)) {
        return (true);
    }
    if (!local_only) {
        throw BadArgument("time, digest: only in a partner's request, which is local-only");
    }
    char msg[512] = "";
    fo_status st;
    {
        isc::util::MultiThreadingCriticalSection cs;    // failover-add's dry run
        st = fo_engine_both_check(engine, &req, json_of(args).c_str(), wall_now(), msg,
                                  sizeof(msg));
    }
    if (st == FO_OK) {
        return (true);
    }
    reply(handle, CONTROL_RESULT_ERROR, msg[0] != '\0' ? msg : fo_status_name(st));
    return (false);
}

// The change on both partners unless local_only; true when answered (the
// caller makes it here only, as before, when false). A partner's request
// is checked first.
bool
on_both(CalloutHandle& handle, const fo_admin_req& req, const ConstElementPtr& args,
        const std::string& name, bool show) {
    bool local_only = local_only_arg(args);
    std::string why;
    if (!partner_ok(handle, req, args, local_only)) {
        return (true);
    }
    if (local_only) {
        if (both_busy(name, why)) {
            reply(handle, CONTROL_RESULT_ERROR, why);
            return (true);
        }
        return (false);
    }
    char msg[1024] = "";
    uint64_t id = 0;
    fo_status st;
    {
        isc::util::MultiThreadingCriticalSection cs;
        st = both_start(req, id, msg, sizeof(msg));
    }
    if (st != FO_OK || id == 0) {
        answer(handle, st, msg, name, show);
        return (true);
    }
    ElementPtr out = Element::createMap();
    out->set("id", Element::create(static_cast<int64_t>(id)));
    out->set("status", Element::create(std::string("sending")));
    reply(handle, CONTROL_RESULT_SUCCESS, msg, out);
    return (true);
}

template <typename F>
int
guarded(CalloutHandle& handle, const char* cmd, F f) {
    try {
        f();
    } catch (const BadArgument& ex) {
        reply(handle, CONTROL_RESULT_ERROR, ex.what());
    } catch (const std::exception& ex) {
        reply(handle, CONTROL_RESULT_ERROR, std::string(cmd) + ": " + ex.what());
    }
    return (0);
}

// failover-add {<a relationships entry>}
int
failover_add(CalloutHandle& handle) {
    return (guarded(handle, "failover-add", [&]() {
        ConstElementPtr args = arguments_of(handle, {}, true);
        std::string name = name_arg(args);
        Members m(args, {"partner-side", "restore-state"});
        ConstElementPtr restore = args->get("restore-state");
        if (restore && (restore->getType() != Element::boolean || !args->get("time") ||
                        !local_only_arg(args))) {
            throw BadArgument("restore-state: only in the partner's undo of a failover-remove "
                              "(a boolean, with local-only and time)");
        }
        ConstElementPtr side = args->get("partner-side");
        if (side && side->getType() != Element::map) {
            throw BadArgument("partner-side: must be a map (the partner's own leaves: "
                              "server-name, partner-control-*)");
        }
        if (side && local_only_arg(args)) {
            throw BadArgument("partner-side: nothing is sent to the partner with local-only");
        }
        Members own(side ? side : Element::createMap(), {});
        fo_admin_req req{FO_ADMIN_ADD, nullptr, m.kv.data(), m.kv.size(), nullptr, 0,
                         own.kv.data(), own.kv.size(), restore && restore->boolValue()};
        if (on_both(handle, req, args, name, true)) {
            return;
        }
        char msg[1024] = "";
        isc::util::MultiThreadingCriticalSection cs;
        fo_status st = fo_engine_admin(engine, &req, false, wall_now(), msg, sizeof(msg));
        answer(handle, st, msg, name, true);
    }));
}

// failover-set {name, <leaves to change>}
int
failover_set(CalloutHandle& handle) {
    return (guarded(handle, "failover-set", [&]() {
        ConstElementPtr args = arguments_of(handle, {}, true);
        std::string name = name_arg(args);
        Members m(args, {"name"});
        fo_admin_req req{FO_ADMIN_SET, name.c_str(), m.kv.data(), m.kv.size(), nullptr, 0, nullptr,
                         0, false};
        if (on_both(handle, req, args, name, true)) {
            return;
        }
        char msg[1024] = "";
        isc::util::MultiThreadingCriticalSection cs;
        fo_status st = fo_engine_admin_set(engine, name.c_str(), m.kv.data(), m.kv.size(),
                                           wall_now(), msg, sizeof(msg));
        answer(handle, st, msg, name, true);
    }));
}

// failover-remove {name}
int
failover_remove(CalloutHandle& handle) {
    return (guarded(handle, "failover-remove", [&]() {
        ConstElementPtr args = arguments_of(handle, {"name", "local-only", "force", "time",
                                                      "digest"}, true);
        std::string name = name_arg(args);
        bool force = force_arg(args);
        fo_admin_req req{FO_ADMIN_REMOVE, name.c_str(), nullptr, 0, nullptr, 0, nullptr, 0,
                         false};
        if (on_both(handle, req, args, name, false)) {
            return;
        }
        char msg[1024] = "";
        isc::util::MultiThreadingCriticalSection cs;
        fo_status st = from_partner(args) ?
            fo_engine_admin_partner(engine, &req, wall_now(), msg, sizeof(msg)) :
            fo_engine_admin(engine, &req, force, wall_now(), msg, sizeof(msg));
        answer(handle, st, msg, name, false);
    }));
}

int
scope_change(CalloutHandle& handle, bool add) {
    return (guarded(handle, add ? "failover-scope-add" : "failover-scope-remove", [&]() {
        std::set<std::string> allowed{"name", "scope-id", "local-only", "time", "digest"};
        if (!add) {
            allowed.insert("force");
        }
        ConstElementPtr args = arguments_of(handle, allowed, true);
        std::string name = name_arg(args);
        std::vector<fo_ip4> scopes = scope_ids_arg(args);
        bool force = !add && force_arg(args);
        fo_admin_req req{add ? FO_ADMIN_SCOPE_ADD : FO_ADMIN_SCOPE_REMOVE, name.c_str(),
                         nullptr, 0, scopes.data(), scopes.size(), nullptr, 0, false};
        if (on_both(handle, req, args, name, true)) {
            return;
        }
        char msg[1024] = "";
        isc::util::MultiThreadingCriticalSection cs;
        fo_status st = from_partner(args) ?
            fo_engine_admin_partner(engine, &req, wall_now(), msg, sizeof(msg)) :
            fo_engine_admin(engine, &req, force, wall_now(), msg, sizeof(msg));
        answer(handle, st, msg, name, true);
    }));
}

// failover-scope-add {name, scope-id}
int
failover_scope_add(CalloutHandle& handle) {
    return (scope_change(handle, true));
}

// failover-scope-remove {name, scope-id}
int
failover_scope_remove(CalloutHandle& handle) {
    return (scope_change(handle, false));
}

// failover-partner-down {name}
int
failover_partner_down(CalloutHandle& handle) {
    return (guarded(handle, "failover-partner-down", [&]() {
        ConstElementPtr args = arguments_of(handle, {"name"}, true);
        std::string name = name_arg(args);
        char msg[1024] = "";
        fo_status st = fo_engine_admin_partner_down(engine, name.c_str(), wall_now(), msg,
                                                    sizeof(msg));
        answer(handle, st, msg, name, true);
    }));
}

// failover-retired-get: the scopes retired here (the partner's side of a
// removal on both partners), no arguments.
int
failover_retired_get(CalloutHandle& handle) {
    return (guarded(handle, "failover-retired-get", [&]() {
        char* json = fo_engine_retired_get_json(engine);
        if (json == nullptr) {
            throw std::runtime_error("out of memory");
        }
        std::string text(json);
        free(json);
        ConstElementPtr out = Element::fromJSON(text);
        size_t n = out->get("scopes") ? out->get("scopes")->size() : 0;
        bool damaged = out->get("damaged") && out->get("damaged")->boolValue();
        reply(handle, damaged ? CONTROL_RESULT_ERROR : CONTROL_RESULT_SUCCESS,
              damaged ? "the list of retired scopes is damaged: every subnet in no failover "
                        "relationship answers no client (FAILOVER_RETIRED_DAMAGED)" :
                        std::to_string(n) + " retired scope(s)", out);
    }));
}

} // namespace

void
register_admin_commands(LibraryHandle& handle) {
    handle.registerCommandCallout("failover-add", failover_add);
    handle.registerCommandCallout("failover-set", failover_set);
    handle.registerCommandCallout("failover-remove", failover_remove);
    handle.registerCommandCallout("failover-scope-add", failover_scope_add);
    handle.registerCommandCallout("failover-scope-remove", failover_scope_remove);
    handle.registerCommandCallout("failover-partner-down", failover_partner_down);
    handle.registerCommandCallout("failover-retired-get", failover_retired_get);
    register_both_commands(handle);
}

} // namespace kea_failover
