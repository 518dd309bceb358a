// failover_both.cc - failover-add & co. on both partners: the engine's
// exchange thread (fo_both.h), its commit here on Kea's main thread, and
// failover-change-status {id}.
// Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
#include "kea_compat.h"  // first: Kea 3.0 wants its config.h before its headers

#include <cc/command_interpreter.h>
#include <cc/data.h>
#include <util/multi_threading_mgr.h>

#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <string>

#include "failover_both.h"
#include "failover_command_util.h"
#include "failover_context.h"
#include "failover_log.h"

using namespace isc::config;
using namespace isc::data;
using namespace isc::hooks;

namespace kea_failover {

namespace {

fo_both* both = nullptr;        // created by the first change sent to both partners

// failover-change-status {id}
int
failover_change_status(CalloutHandle& handle) {
    try {
        ConstElementPtr args = arguments_of(handle, {"id"}, true);
        ConstElementPtr nid = args->get("id");
        if (!nid || nid->getType() != Element::integer || nid->intValue() <= 0) {
            throw BadArgument("id: must be a positive integer (the id failover-add, -set, "
                              "-remove or -scope-* answered)");
        }
        int rc = 0;
        char* text = nullptr;
        char* out = nullptr;
        if (fo_both_status(both, static_cast<uint64_t>(nid->intValue()), &rc, &text,
                           &out) != FO_OK) {
            reply(handle, CONTROL_RESULT_EMPTY, "id: this server started no change " +
                  nid->str() + " on both partners (the last 16 are kept)");
            return (0);
        }
        std::string t(text);
        ConstElementPtr a = Element::fromJSON(out);
        free(text);
        free(out);
        reply(handle, rc, t, a);
    } catch (const BadArgument& ex) {
        reply(handle, CONTROL_RESULT_ERROR, ex.what());
    } catch (const std::exception& ex) {
        reply(handle, CONTROL_RESULT_ERROR, std::string("failover-change-status: ") +
              ex.what());
    }
    return (0);
}

} // namespace

fo_status
both_start(const fo_admin_req& req, uint64_t& id, char* msg, size_t msglen) {
    if (both == nullptr) {
        fo_host host = {};
        host.log = engine_log;
        if (fo_both_create(&both, &host) != FO_OK) {
            throw std::runtime_error("the thread of the changes on both partners cannot be "
                                     "started");
        }
    }
    return (fo_engine_both_start(engine, both, &req, wall_now(), &id, msg, msglen));
}

bool
both_busy(const std::string& name, std::string& why) {
    char msg[512] = "";
    if (!fo_both_busy(both, name.c_str(), msg, sizeof(msg))) {
        return (false);
    }
    why = msg;
    return (true);
}

void
both_tick() {
    if (fo_both_due(both)) {
        isc::util::MultiThreadingCriticalSection cs;
        fo_engine_both_commit(engine, both, wall_now());
    }
}

void
both_unload() {
    fo_both_destroy(both);
    both = nullptr;
}

void
register_both_commands(LibraryHandle& handle) {
    handle.registerCommandCallout("failover-change-status", failover_change_status);
}

} // namespace kea_failover
