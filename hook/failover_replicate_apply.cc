// failover_replicate_apply.cc - the partner's side of failover-replicate:
// failover-replicate-apply (check), failover-replicate-commit (apply) and
// failover-replicate-status.
//
// Applying a configuration is Kea's config-set, which unloads and loads every
// hooks library again. A command handler must not run it: Kea's CalloutHandle
// of the handler keeps the library collection alive (Kea 2.2 then throws
// LibrariesStillOpened), and the code running it would be unmapped. So
// failover-replicate-commit only posts the config-set to the server's IO
// service and answers; the posted task runs from Kea's main loop once no
// callout of this library is on the stack. The library is first pinned
// (dlopen RTLD_NODELETE of its own file): Kea's dlclose then keeps it
// mapped, so that the posted task, which is this library's code, can return
// after config-set, and Kea's next dlopen gets the same code and the same
// memory. (The library is pinned at load: the C++ runtime's GNU unique
// symbols already keep it mapped, as glibc never unloads an object that has
// them, and the pin makes that a guarantee rather than a side effect of the
// compiler's choices.) After config-set returns the task touches only the
// engine's table of received replications (fo_repl_receiver_kept(): static
// data of this library, made to outlive the reload): never the engine
// instance, the prepared replication or anything of the load that posted it.
// What a replication's apply, commit, status and abort mean, its expiry and
// the lock against crossing replications are the engine's
// (core/fo_repl_rx.h); this file converts Kea's objects and runs Kea's
// config-test and config-set.
// Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
#include "kea_compat.h"  // first: Kea 3.0 wants its config.h before its headers

#include <asiolink/io_address.h>
#include <cc/command_interpreter.h>
#include <cc/data.h>
#include <config/command_mgr.h>

#include <dlfcn.h>
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <exception>
#include <random>
#include <stdexcept>
#include <string>
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

fo_repl_receiver* const received = fo_repl_receiver_kept();

// The Kea side of the prepared replication (the engine keeps its state):
// this load only.
struct Prepared {
    std::string id;
    ElementPtr candidate;               // {"Dhcp4": ...}
    ConstElementPtr base;               // the running Dhcp4 it was built from
};
Prepared prepared;
isc::asiolink::IOServicePtr io_service;

std::string
new_id() {
    static unsigned counter;
    std::random_device rd;
    char buf[64];
    snprintf(buf, sizeof(buf), "%lld-%u-%08x", static_cast<long long>(time(nullptr)),
             ++counter, static_cast<unsigned>(rd()));
    return (buf);
}

// ---- Helpers ----

std::string
string_arg(const ConstElementPtr& args, const std::string& key) {
    ConstElementPtr v = args->get(key);
    if (!v) {
        throw BadArgument(key + ": missing");
    }
    if (v->getType() != Element::string || v->stringValue().empty()) {
        throw BadArgument(key + ": must be a non-empty string");
    }
    return (v->stringValue());
}

ElementPtr
list_arg(const ConstElementPtr& args, const std::string& key, bool required) {
    ConstElementPtr v = args->get(key);
    if (!v) {
        if (required) {
            throw BadArgument(key + ": missing");
        }
        return (Element::createList());
    }
    if (v->getType() != Element::list) {
        throw BadArgument(key + ": must be a list");
    }
    return (boost::const_pointer_cast<Element>(v));
}

// Refused: result 1, logged, nothing changed.
void
refuse(CalloutHandle& handle, const std::string& rel, const std::string& why,
       ConstElementPtr args = ConstElementPtr()) {
    LOG_WARN(failover_logger, FAILOVER_REPLICATE_REFUSED).arg(rel).arg(why);
    reply(handle, CONTROL_RESULT_ERROR, why, args);
}

// The digest and time (enable-auth); false when the reply is set.
bool
authentic(CalloutHandle& handle, const std::string& rel, const char* command,
          const ConstElementPtr& args) {
    char err[512] = "";
    fo_status st = fo_engine_replicate_check(engine, rel.c_str(), command, args->str().c_str(),
                                             wall_now(), err, sizeof(err));
    if (st == FO_OK) {
        return (true);
    }
    if (st == FO_ERR_NOTFOUND) {
        reply(handle, CONTROL_RESULT_EMPTY, err);
    } else {
        refuse(handle, rel, err[0] != '\0' ? err : fo_status_name(st));
    }
    return (false);
}

// The sent subnets must be scopes of `rel` here (all of them when `all`).
std::string
scope_mismatch(const std::string& rel, const ConstElementPtr& subnets, bool all) {
    std::vector<uint32_t> mine, sent;
    std::string err;
    if (!relationship_scopes(rel, mine, err)) {
        return (err);
    }
    for (size_t i = 0; i < subnets->size(); ++i) {
        uint32_t prefix = 0;
        ConstElementPtr s = subnets->get(i);
        if (s->getType() != Element::map || !subnet_prefix(s->get("subnet"), prefix)) {
            return ("subnet4[" + std::to_string(i) + "]/subnet: missing or not an IPv4 prefix");
        }
        if (std::find(mine.begin(), mine.end(), prefix) == mine.end()) {
            return ("subnet4[" + std::to_string(i) + "]: " + s->get("subnet")->stringValue() +
                    " is not a scope of relationship '" + rel + "' on this server");
        }
        sent.push_back(prefix);
    }
    for (uint32_t m : all ? mine : std::vector<uint32_t>()) {
        if (std::find(sent.begin(), sent.end(), m) == sent.end()) {
            return ("scope-id: relationship '" + rel + "' has more scopes on this server than "
                    "on the partner (" + isc::asiolink::IOAddress(m).toText() + " is not in "
                    "the partner's)");
        }
    }
    return ("");
}

// The text of Kea's answer.
std::string
answer_text(const ConstElementPtr& answer, int& rcode) {
    ConstElementPtr r = answer ? answer->get("result") : ConstElementPtr();
    ConstElementPtr t = answer ? answer->get("text") : ConstElementPtr();
    rcode = r && r->getType() == Element::integer ? static_cast<int>(r->intValue()) : -1;
    return (t && t->getType() == Element::string ? t->stringValue() : std::string());
}

} // namespace

// Keep this library mapped through Kea's dlclose (see the top of this file).
bool
replicate_pin(std::string& why) {
    static bool pinned = false;
    Dl_info info;
    if (pinned) {
        return (true);
    }
    if (dladdr(reinterpret_cast<const void*>(&replicate_pin), &info) == 0 ||
        info.dli_fname == nullptr) {
        why = "the library cannot find its own file (dladdr)";
        return (false);
    }
    if (dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE) == nullptr) {
        const char* e = dlerror();
        why = std::string("the library cannot pin itself (dlopen RTLD_NODELETE): ") +
              (e != nullptr ? e : "unknown error");
        return (false);
    }
    pinned = true;
    return (true);
}

namespace {

// The posted task: config-set from Kea's main loop. From the call to
// processCommand on, this library is unloaded and loaded again: touch only
// the arguments (owned by this task) and the status records.
void
apply_posted(const ElementPtr& candidate, const ConstElementPtr& base, const std::string& id,
             const std::string& rel) {
    bool ok = false;
    std::string text;
    try {
        if (!running_dhcp4()->equals(*base)) {
            text = "the configuration of this server changed after the check (another "
                   "config-set?); nothing applied, replicate again";
        } else {
            int rc = -1;
            text = answer_text(CommandMgr::instance().processCommand(
                createCommand("config-set", candidate)), rc);
            ok = rc == CONTROL_RESULT_SUCCESS;
        }
    } catch (const std::exception& ex) {
        text = std::string("config-set: ") + ex.what();
    }
    fo_repl_receiver_done(received, id.c_str(), ok, text.c_str());
    if (ok) {
        LOG_INFO(failover_logger, FAILOVER_REPLICATE_APPLIED).arg(id).arg(text);
    } else {
        LOG_ERROR(failover_logger, FAILOVER_REPLICATE_FAILED).arg(id).arg(text);
    }
}

} // namespace

// failover-replicate-apply {relationship, all-scopes, subnet4, client-classes,
// option-def, time, digest}: check, config-test, answer what would change.
int
failover_replicate_apply(CalloutHandle& handle) {
    try {
        ConstElementPtr args = arguments_of(handle, {"relationship", "all-scopes", "subnet4",
            "client-classes", "option-def", "time", "digest"}, true);
        std::string rel = string_arg(args, "relationship");
        if (!authentic(handle, rel, "failover-replicate-apply", args)) {
            return (0);
        }
        ConstElementPtr all = args->get("all-scopes");
        if (all && all->getType() != Element::boolean) {
            throw BadArgument("all-scopes: must be true or false");
        }
        ReplicatePayload p;
        p.subnets = list_arg(args, "subnet4", true);
        p.classes = list_arg(args, "client-classes", false);
        p.option_defs = list_arg(args, "option-def", false);
        if (p.subnets->empty()) {
            throw BadArgument("subnet4: the list is empty");
        }
        char err[512] = "";
        if (fo_repl_receiver_admit(received, replicate_sender(), rel.c_str(), err,
                                   sizeof(err)) != FO_OK) {
            refuse(handle, rel, err);
            return (0);
        }
        std::string bad = scope_mismatch(rel, p.subnets, all && all->boolValue());
        if (!bad.empty()) {
            refuse(handle, rel, bad);
            return (0);
        }
        ReplicateChanges ch;
        ConstElementPtr base = running_dhcp4();
        ElementPtr candidate;
        try {
            candidate = merge_payload(base, p, ch);
        } catch (const std::runtime_error& ex) {
            throw BadArgument(ex.what());
        }
        ElementPtr out = Element::createMap();
        out->set("changes", ch.toElement());
        if (!ch.any()) {
            reply(handle, CONTROL_RESULT_SUCCESS, "nothing to change: this server has the same "
                  "configuration for these scopes", out);
            return (0);
        }
        // config-test has no effect (Kea's own command); calling it from here is safe.
        int rc = -1;
        std::string text = answer_text(CommandMgr::instance().processCommand(
            createCommand("config-test", candidate)), rc);
        if (rc != CONTROL_RESULT_SUCCESS) {
            refuse(handle, rel, "config-test refused the replicated configuration, nothing "
                   "changed: " + text, out);
            return (0);
        }
        std::string id = new_id();
        fo_status st = fo_repl_receiver_prepare(received, rel.c_str(), id.c_str(), mono_now(),
                                                err, sizeof(err));
        if (st != FO_OK) {
            refuse(handle, rel, err[0] != '\0' ? err : fo_status_name(st));
            return (0);
        }
        prepared = Prepared{id, candidate, base};
        out->set("id", Element::create(prepared.id));
        LOG_INFO(failover_logger, FAILOVER_REPLICATE_CHECKED).arg(rel).arg(prepared.id)
            .arg(ch.toElement()->str());
        reply(handle, CONTROL_RESULT_SUCCESS, "checked with config-test (" + prepared.id +
              "); failover-replicate-commit applies it", out);
    } catch (const BadArgument& ex) {
        reply(handle, CONTROL_RESULT_ERROR, ex.what());
    } catch (const std::exception& ex) {
        reply(handle, CONTROL_RESULT_ERROR, std::string("failover-replicate-apply: ") +
              ex.what());
    }
    return (0);
}

// failover-replicate-commit {relationship, id, time, digest}
int
failover_replicate_commit(CalloutHandle& handle) {
    try {
        ConstElementPtr args = arguments_of(handle, {"relationship", "id", "time", "digest"},
                                            true);
        std::string rel = string_arg(args, "relationship");
        std::string id = string_arg(args, "id");
        if (!authentic(handle, rel, "failover-replicate-commit", args)) {
            return (0);
        }
        // What keeps config-set from being posted (the engine decides what it means).
        std::string why;
        if (prepared.id == id) {
            if (!running_dhcp4()->equals(*prepared.base)) {
                why = "the configuration of this server changed since the check; replicate "
                      "again";
            } else if (!io_service) {
                why = "the server's IO service is not known yet (no configuration applied)";
            } else if (!replicate_pin(why)) {
                why += "; nothing applied";
            }
        }
        char err[1024] = "";
        fo_status st = fo_repl_receiver_commit(received, rel.c_str(), id.c_str(), mono_now(),
                                               why.empty() ? nullptr : why.c_str(), err,
                                               sizeof(err));
        if (st == FO_OK && prepared.id != id) {
            std::string bug = "the prepared configuration of " + id + " is not here";
            fo_repl_receiver_done(received, id.c_str(), false, bug.c_str());
            throw std::logic_error(bug);
        }
        if (st != FO_OK) {
            if (st == FO_ERR_STATE) {
                prepared = Prepared();
            }
            refuse(handle, rel, err[0] != '\0' ? err : fo_status_name(st));
            return (0);
        }
        ElementPtr candidate = prepared.candidate;
        ConstElementPtr base = prepared.base;
        io_service->post([candidate, base, id, rel]() {
            apply_posted(candidate, base, id, rel);
        });
        prepared = Prepared();
        ElementPtr out = Element::createMap();
        out->set("id", Element::create(id));
        reply(handle, CONTROL_RESULT_SUCCESS, "replication " + id + ": config-set runs once "
              "this answer is sent; failover-replicate-status tells when it is done", out);
    } catch (const BadArgument& ex) {
        reply(handle, CONTROL_RESULT_ERROR, ex.what());
    } catch (const std::exception& ex) {
        reply(handle, CONTROL_RESULT_ERROR, std::string("failover-replicate-commit: ") +
              ex.what());
    }
    return (0);
}

// failover-replicate-status {id [, relationship, time, digest]}
int
failover_replicate_status(CalloutHandle& handle) {
    try {
        ConstElementPtr args = arguments_of(handle, {"id", "relationship", "time", "digest"},
                                            true);
        ConstElementPtr nid = args->get("id");
        if (nid && nid->getType() == Element::integer) {
            // A replication this server sent (failover-replicate's handle).
            int rc = 0;
            std::string text;
            ConstElementPtr out;
            if (nid->intValue() <= 0 ||
                !replicate_sent_status(static_cast<uint64_t>(nid->intValue()), rc, text, out)) {
                reply(handle, CONTROL_RESULT_EMPTY, "id: this server sent no replication " +
                      nid->str() + " (the last 16 are kept)");
            } else {
                reply(handle, rc, text, out);
            }
            return (0);
        }
        std::string id = string_arg(args, "id");
        if (args->get("relationship")) {
            std::string rel = string_arg(args, "relationship");
            if (!authentic(handle, rel, "failover-replicate-status", args)) {
                return (0);
            }
        }
        const char* rel = nullptr;
        const char* state = nullptr;
        const char* text = nullptr;
        if (fo_repl_receiver_status(received, id.c_str(), &rel, &state, &text) != FO_OK) {
            reply(handle, CONTROL_RESULT_EMPTY, "id: no replication " + id + " was committed "
                  "on this server (the last " + std::to_string(FO_REPL_RECV_KEPT) +
                  " are kept)");
            return (0);
        }
        ElementPtr out = Element::createMap();
        out->set("id", Element::create(id));
        out->set("relationship", Element::create(std::string(rel)));
        out->set("state", Element::create(std::string(state)));
        out->set("text", Element::create(std::string(text)));
        reply(handle, CONTROL_RESULT_SUCCESS, "replication " + id + ": " + state, out);
    } catch (const BadArgument& ex) {
        reply(handle, CONTROL_RESULT_ERROR, ex.what());
    } catch (const std::exception& ex) {
        reply(handle, CONTROL_RESULT_ERROR, std::string("failover-replicate-status: ") +
              ex.what());
    }
    return (0);
}

void
replicate_configured(const isc::asiolink::IOServicePtr& io) {
    io_service = io;
}

void
replicate_unload() {
    replicate_sender_stop();
    io_service.reset();
    prepared = Prepared();
    fo_repl_receiver_unload(received);
}

} // namespace kea_failover
