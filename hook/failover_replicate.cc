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

#include <time.h>
#include <unistd.h>

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

const int STEP_TIMEOUT_MS = 10000;      // each request to the partner's agent
const int STATUS_TIMEOUT_MS = 3000;     // each poll of failover-replicate-status
const int APPLY_WAIT_MS = 20000;        // the partner's config-set and reload
const int POLL_MS = 250;

int64_t
mono_ms() {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000);
}

std::string
dotted(uint32_t a) {
    return (isc::asiolink::IOAddress(a).toText());
}

// The transport failed (not the partner's word): what, with the URL.
struct SendError : public std::runtime_error {
    SendError(fo_status s, const std::string& m) : std::runtime_error(m), st(s) {}
    fo_status st;
};

// The partner's answer: Kea's {"result", "text", "arguments"} (the agent
// wraps it in a one-element list).
struct Answer {
    int result = -1;
    std::string text;
    ConstElementPtr args;
};

Answer
parse_answer(const std::string& body) {
    ConstElementPtr e = Element::fromJSON(body);
    if (e->getType() == Element::list && e->size() > 0) {
        e = e->get(0);
    }
    ConstElementPtr r = e->getType() == Element::map ? e->get("result") : ConstElementPtr();
    if (!r || r->getType() != Element::integer) {
        throw std::runtime_error("no result in it");
    }
    Answer a;
    a.result = static_cast<int>(r->intValue());
    ConstElementPtr t = e->get("text");
    a.text = t && t->getType() == Element::string ? t->stringValue() : std::string();
    a.args = e->get("arguments");
    return (a);
}

Answer
call_partner(const std::string& rel, const std::string& cmd, const ConstElementPtr& args,
             int timeout_ms) {
    char* body = nullptr;
    char err[1024] = "";
    fo_status st = fo_engine_replicate_send(engine, rel.c_str(), cmd.c_str(),
                                            args->str().c_str(), wall_now(), timeout_ms,
                                            &body, err, sizeof(err));
    if (st != FO_OK) {
        throw SendError(st, err[0] != '\0' ? err : fo_status_name(st));
    }
    std::string text(body);
    free(body);
    try {
        return (parse_answer(text));
    } catch (const std::exception& ex) {
        throw SendError(FO_ERR_PROTO, "the partner's agent answered with no Kea answer (" +
                        std::string(ex.what()) + "): " + text.substr(0, 200));
    }
}

std::string
args_member(const ConstElementPtr& args, const std::string& key) {
    ConstElementPtr v = args && args->getType() == Element::map ? args->get(key) :
        ConstElementPtr();
    return (v && v->getType() == Element::string ? v->stringValue() : std::string());
}

// Poll the partner until it says the replication `id` is applied (true) or
// failed (throws with its reason), or until APPLY_WAIT_MS (throws).
void
wait_applied(const std::string& rel, const std::string& id, std::string& text) {
    ElementPtr args = Element::createMap();
    args->set("relationship", Element::create(rel));
    args->set("id", Element::create(id));
    std::string last = "none";
    for (int64_t end = mono_ms() + APPLY_WAIT_MS; mono_ms() < end;) {
        usleep(POLL_MS * 1000);
        try {
            Answer a = call_partner(rel, "failover-replicate-status", args, STATUS_TIMEOUT_MS);
            std::string state = args_member(a.args, "state");
            if (a.result == CONTROL_RESULT_SUCCESS && state == "applied") {
                text = args_member(a.args, "text");
                return;
            }
            if (a.result == CONTROL_RESULT_SUCCESS && state == "failed") {
                throw std::runtime_error("the partner could not apply it: " +
                                         args_member(a.args, "text"));
            }
            last = a.text;
        } catch (const SendError& ex) {
            last = ex.what();           // the partner is reloading its configuration
        }
    }
    throw std::runtime_error("the partner checked and accepted the replication (" + id +
                             ") but did not confirm within " +
                             std::to_string(APPLY_WAIT_MS / 1000) +
                             " s that it applied it (last answer: " + last +
                             "); failover-replicate-status on the partner tells");
}

// "10.0.0.0 changed (option-data, pools), 10.1.0.0 unchanged; class X added"
std::string
describe(const ConstElementPtr& changes) {
    std::string out;
    for (auto const& s : changes && changes->get("scopes") ?
             changes->get("scopes")->listValue() : std::vector<ElementPtr>()) {
        out += (out.empty() ? "" : ", ") + args_member(s, "scope-id") + " " +
               args_member(s, "change");
        ConstElementPtr m = s->get("members");
        if (m && m->getType() == Element::list && m->size() > 0) {
            std::string names;
            for (auto const& n : m->listValue()) {
                names += (names.empty() ? "" : ", ") + n->stringValue();
            }
            out += " (" + names + ")";
        }
    }
    for (const char* what : {"client-classes", "option-def"}) {
        ConstElementPtr c = changes ? changes->get(what) : ConstElementPtr();
        for (const char* how : {"added", "changed"}) {
            ConstElementPtr l = c ? c->get(how) : ConstElementPtr();
            if (l && l->getType() == Element::list && l->size() > 0) {
                out += std::string("; ") + what + " " + how + ": " + l->str();
            }
        }
    }
    return (out);
}

struct Group {
    std::string rel;
    std::vector<uint32_t> scopes;
    bool all = false;
};

// One relationship: apply (checked, nothing changes), commit, wait.
bool
replicate_one(const Group& g, ElementPtr& entry, std::string& text) {
    entry = Element::createMap();
    entry->set("relationship", Element::create(g.rel));
    ElementPtr ids = Element::createList();
    for (uint32_t s : g.scopes) {
        ids->add(Element::create(dotted(s)));
    }
    entry->set("scope-id", ids);
    entry->set("applied", Element::create(false));
    try {
        std::string why;
        if (replicate_busy(g.rel, why)) {
            throw std::runtime_error(why);
        }
        ReplicatePayload p = collect_payload(running_dhcp4(), g.scopes);
        ElementPtr args = Element::createMap();
        args->set("relationship", Element::create(g.rel));
        args->set("all-scopes", Element::create(g.all));
        args->set("subnet4", p.subnets);
        args->set("client-classes", p.classes);
        args->set("option-def", p.option_defs);
        Answer a = call_partner(g.rel, "failover-replicate-apply", args, STEP_TIMEOUT_MS);
        if (a.result != CONTROL_RESULT_SUCCESS) {
            throw std::runtime_error("the partner refused it: " + a.text);
        }
        ConstElementPtr changes = a.args ? a.args->get("changes") : ConstElementPtr();
        if (changes) {
            entry->set("changes", changes);
        }
        std::string id = args_member(a.args, "id"), how = "nothing to change";
        if (!id.empty()) {
            entry->set("id", Element::create(id));
            ElementPtr c = Element::createMap();
            c->set("relationship", Element::create(g.rel));
            c->set("id", Element::create(id));
            Answer b = call_partner(g.rel, "failover-replicate-commit", c, STEP_TIMEOUT_MS);
            if (b.result != CONTROL_RESULT_SUCCESS) {
                throw std::runtime_error("the partner did not apply it: " + b.text);
            }
            wait_applied(g.rel, id, how);
        }
        entry->set("applied", Element::create(true));
        text = "relationship '" + g.rel + "': " + describe(changes) + "; applied by the partner";
        LOG_INFO(failover_logger, FAILOVER_REPLICATE_SENT).arg(g.rel).arg(describe(changes));
        return (true);
    } catch (const std::exception& ex) {
        entry->set("error", Element::create(std::string(ex.what())));
        text = "relationship '" + g.rel + "': " + ex.what();
        LOG_ERROR(failover_logger, FAILOVER_CALLOUT_ERROR).arg("failover-replicate")
            .arg(text);
        return (false);
    }
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

// failover-replicate {name} | {scope-id}
int
failover_replicate(CalloutHandle& handle) {
    try {
        ConstElementPtr args = arguments_of(handle, {"name", "scope-id"}, true);
        std::vector<Group> groups;
        if (!plan(handle, args, groups)) {
            return (0);
        }
        for (auto const& g : groups) {
            fo_replicate_target t;
            char err[512] = "";
            if (fo_engine_replicate_target(engine, g.rel.c_str(), &t, err, sizeof(err)) != FO_OK
                || t.url[0] == '\0') {
                reply(handle, CONTROL_RESULT_ERROR, "partner-control-url: not set for "
                      "relationship '" + g.rel + "' (the URL of the partner's kea-ctrl-agent, "
                      "e.g. http://10.0.0.2:8000/; failover-set sets it)");
                return (0);
            }
        }
        ElementPtr list = Element::createList();
        std::string text;
        bool all_ok = true;
        for (auto const& g : groups) {
            ElementPtr entry;
            std::string one;
            all_ok = replicate_one(g, entry, one) && all_ok;
            list->add(entry);
            text += (text.empty() ? "" : "; ") + one;
        }
        ElementPtr out = Element::createMap();
        out->set("replications", list);
        reply(handle, all_ok ? CONTROL_RESULT_SUCCESS : CONTROL_RESULT_ERROR, text, out);
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

void
register_replicate_commands(LibraryHandle& handle) {
    handle.registerCommandCallout("failover-replicate", failover_replicate);
    handle.registerCommandCallout("failover-replicate-apply", failover_replicate_apply);
    handle.registerCommandCallout("failover-replicate-commit", failover_replicate_commit);
    handle.registerCommandCallout("failover-replicate-status", failover_replicate_status);
}

} // namespace kea_failover
