// failover_commands.cc - the control commands and the status-get section.
//
// Each handler checks the shape of its arguments, calls one engine function
// and turns the result into Kea's answer: result 0 success, 1 bad input
// (the text names the field), 3 unknown relationship or scope.
// Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
#include "kea_compat.h"  // first: Kea 3.0 wants its config.h before its headers

#include <asiolink/io_address.h>
#include <cc/command_interpreter.h>
#include <cc/data.h>

#include <cstdlib>
#include <exception>
#include <set>
#include <string>

#include "failover_admin_commands.h"
#include "failover_command_util.h"
#include "failover_commands.h"
#include "failover_config_test.h"
#include "failover_context.h"
#include "failover_lease_cmds.h"
#include "failover_log.h"
#include "failover_replicate.h"

using namespace isc::config;
using namespace isc::data;
using namespace isc::hooks;

namespace kea_failover {

namespace {

std::string
string_arg(const ConstElementPtr& args, const std::string& key, bool required) {
    ConstElementPtr v = args->get(key);
    if (!v) {
        if (required) {
            throw BadArgument(key + ": missing");
        }
        return ("");
    }
    if (v->getType() != Element::string) {
        throw BadArgument(key + ": must be a string");
    }
    return (v->stringValue());
}

fo_state
state_arg(const ConstElementPtr& args, const std::string& key) {
    std::string text = string_arg(args, key, true);
    fo_state s;
    if (!fo_state_parse(text.c_str(), &s)) {
        throw BadArgument(key + ": \"" + text + "\" is not a state (Normal, PartnerDown, ...)");
    }
    return (s);
}

// The engine's JSON text as Kea data; the engine's buffer is freed here.
ConstElementPtr
parsed(char* json) {
    std::string text(json);
    free(json);
    return (Element::fromJSON(text));
}

// An IPv4 address argument ("start" -> 0 where allowed).
fo_ip4
address_arg(const ConstElementPtr& args, const std::string& key, bool start) {
    std::string text = string_arg(args, key, false);
    if (text.empty() || (start && text == "start")) {
        return (0);
    }
    try {
        isc::asiolink::IOAddress a(text);
        if (a.isV4()) {
            return (a.toUint32());
        }
    } catch (const std::exception&) {
    }
    throw BadArgument(key + ": \"" + text + "\" is not an IPv4 address" +
                      (start ? " nor \"start\"" : ""));
}

uint32_t
limit_arg(const ConstElementPtr& args) {
    ConstElementPtr v = args->get("limit");
    if (!v) {
        return (FO_ENGINE_PAGE_DEFAULT);
    }
    if (v->getType() != Element::integer || v->intValue() < 1 ||
        v->intValue() > FO_ENGINE_PAGE_MAX) {
        throw BadArgument("limit: must be an integer from 1 to " +
                          std::to_string(FO_ENGINE_PAGE_MAX));
    }
    return (static_cast<uint32_t>(v->intValue()));
}

// The answer's text for a page of bindings.
std::string
page_text(fo_ip4 from, size_t count, fo_ip4 next) {
    std::string text = "failover relationships, " + std::to_string(count) + " binding(s) " +
        (from == 0 ? std::string("from the start") :
         "after " + isc::asiolink::IOAddress(from).toText());
    if (next == 0) {
        return (text + ", the last page");
    }
    return (text + "; more follow: ask again with \"from\": \"" +
            isc::asiolink::IOAddress(next).toText() + "\" (bindings-page/next)");
}

// failover-get [name | scope-id] [bindings [from] [limit]]
int
failover_get(CalloutHandle& handle) {
    try {
        ConstElementPtr args = arguments_of(handle, {"name", "scope-id", "bindings", "from",
                                                     "limit"}, false);
        std::string name = string_arg(args, "name", false);
        fo_ip4 scope = address_arg(args, "scope-id", false);
        if (args->get("name") && name.empty()) {        // else "" would select them all
            throw BadArgument("name: must be a non-empty string");
        }
        if (args->get("scope-id") && scope == 0) {
            throw BadArgument("scope-id: must be a scope's IPv4 address, not empty or 0.0.0.0");
        }
        bool bindings = false;
        if (ConstElementPtr b = args->get("bindings")) {
            if (b->getType() != Element::boolean) {
                throw BadArgument("bindings: must be true or false");
            }
            bindings = b->boolValue();
        }
        for (auto const& key : {"from", "limit"}) {
            if (!bindings && args->get(key)) {
                throw BadArgument(std::string(key) + ": pages the bindings, give it with "
                                  "\"bindings\": true");
            }
        }
        fo_ip4 from = address_arg(args, "from", true);
        uint32_t limit = limit_arg(args);
        char* json = nullptr;
        char err[512] = "";
        size_t count = 0;
        fo_ip4 next = 0;
        const char* only = name.empty() ? nullptr : name.c_str();
        fo_status st = bindings ?
            fo_engine_get_page_json(engine, only, scope, from, limit, wall_now(), &json, &count,
                                    &next, err, sizeof(err)) :
            fo_engine_get_json(engine, only, scope, false, wall_now(), &json, err, sizeof(err));
        if (st == FO_ERR_NOTFOUND) {
            reply(handle, CONTROL_RESULT_EMPTY, err);
        } else if (st != FO_OK) {
            reply(handle, CONTROL_RESULT_ERROR, err[0] != '\0' ? err : fo_status_name(st));
        } else {
            reply(handle, CONTROL_RESULT_SUCCESS, bindings ? page_text(from, count, next) :
                  std::string("failover relationships"), parsed(json));
        }
    } catch (const BadArgument& ex) {
        reply(handle, CONTROL_RESULT_ERROR, ex.what());
    } catch (const std::exception& ex) {
        reply(handle, CONTROL_RESULT_ERROR, std::string("failover-get: ") + ex.what());
    }
    return (0);
}

// failover-test-set-state {name, state, partner-state}: the test seam.
int
failover_test_set_state(CalloutHandle& handle) {
    try {
        ConstElementPtr args = arguments_of(handle, {"name", "state", "partner-state"}, false);
        std::string name = string_arg(args, "name", true);
        fo_state mine = state_arg(args, "state");
        fo_state partner = state_arg(args, "partner-state");
        char err[512] = "";
        fo_status st = fo_engine_test_set_state(engine, name.c_str(), mine, partner, wall_now(),
                                                err, sizeof(err));
        if (st == FO_ERR_NOTFOUND) {
            reply(handle, CONTROL_RESULT_EMPTY, err);
        } else if (st != FO_OK) {
            reply(handle, CONTROL_RESULT_ERROR, err[0] != '\0' ? err : fo_status_name(st));
        } else {
            reply(handle, CONTROL_RESULT_SUCCESS, "state set");
        }
    } catch (const std::exception& ex) {
        reply(handle, CONTROL_RESULT_ERROR, ex.what());
    }
    return (0);
}

} // namespace

void
register_commands(LibraryHandle& handle, bool test_seam) {
    handle.registerCommandCallout("failover-get", failover_get);
    register_admin_commands(handle);    // failover-add & co. (failover_admin_commands.cc)
    register_replicate_commands(handle); // failover-replicate (failover_replicate.cc)
    if (test_seam) {
        handle.registerCommandCallout("failover-test-set-state", failover_test_set_state);
    }
}

} // namespace kea_failover

extern "C" {

// config-get: Kea answers with the hooks' parameters as configured; the
// shared secrets and partner-control-passwords of this library's
// relationships are taken out.
static ElementPtr
without_secrets(ConstElementPtr args) {
    ElementPtr copy = boost::const_pointer_cast<Element>(isc::data::copy(args));
    ConstElementPtr dhcp4 = copy->get("Dhcp4");
    ConstElementPtr libs = dhcp4 ? dhcp4->get("hooks-libraries") : ConstElementPtr();
    if (!libs || libs->getType() != Element::list) {
        return (copy);
    }
    for (auto const& lib : libs->listValue()) {
        ConstElementPtr path = lib->get("library");
        ConstElementPtr params = lib->get("parameters");
        if (!path || path->getType() != Element::string || !params ||
            !kea_failover::is_this_library(path->stringValue())) {
            continue;
        }
        ConstElementPtr rels = params->get("relationships");
        for (auto const& rel : rels && rels->getType() == Element::list ?
                 rels->listValue() : std::vector<ElementPtr>()) {
            if (rel->getType() == Element::map) {
                rel->remove("shared-secret");
                rel->remove("partner-control-password");
            }
        }
    }
    return (copy);
}

// status-get: add a "failover" section (the relationships, as failover-get
// shows them without bindings) to a successful answer. config-get: no secret.
int
command_processed(CalloutHandle& handle) {
    using namespace kea_failover;
    try {
        std::string name;
        handle.getArgument("name", name);
        ConstElementPtr response;
        handle.getArgument("response", response);
        if (name == "lease4-add" || name == "lease4-update" || name == "lease4-del") {
            ConstElementPtr arguments;
            handle.getArgument("arguments", arguments);
            ConstElementPtr answer = lease_command_done(name, arguments, response);
            if (answer) {
                handle.setArgument("response", answer);
            }
            return (0);
        }
        if (name != "status-get" && name != "config-get") {
            return (0);
        }
        int rcode = CONTROL_RESULT_ERROR;
        ConstElementPtr args = parseAnswer(rcode, response);
        if (rcode != CONTROL_RESULT_SUCCESS || !args || args->getType() != Element::map) {
            return (0);
        }
        if (name == "config-get") {
            handle.setArgument("response", createAnswer(CONTROL_RESULT_SUCCESS,
                                                         without_secrets(args)));
            return (0);
        }
        char* json = nullptr;
        char err[256] = "";
        if (fo_engine_get_json(engine, nullptr, 0, false, wall_now(), &json, err,
                               sizeof(err)) != FO_OK) {
            return (0);
        }
        ElementPtr mutable_args = boost::const_pointer_cast<Element>(isc::data::copy(args));
        mutable_args->set("failover", parsed(json)->get("relationships"));
        handle.setArgument("response", createAnswer(CONTROL_RESULT_SUCCESS, mutable_args));
    } catch (const std::exception& ex) {
        LOG_ERROR(failover_logger, FAILOVER_CALLOUT_ERROR).arg("command_processed").arg(ex.what());
    }
    return (0);
}

} // extern "C"
