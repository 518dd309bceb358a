// failover_command_util.cc - what every command handler of the hook shares.
// Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
#include "kea_compat.h"  // first: Kea 3.0 wants its config.h before its headers

#include <asiolink/io_address.h>
#include <cc/command_interpreter.h>

#include "failover_command_util.h"

using namespace isc::config;
using namespace isc::data;

namespace kea_failover {

void
reply(isc::hooks::CalloutHandle& handle, int result, const std::string& text,
      ConstElementPtr args) {
    handle.setArgument("response", createAnswer(result, text, args));
}

ConstElementPtr
arguments_of(isc::hooks::CalloutHandle& handle, const std::set<std::string>& allowed,
             bool required) {
    ConstElementPtr command;
    handle.getArgument("command", command);
    ConstElementPtr args;
    parseCommand(args, command);
    if (!args) {
        if (required) {
            throw BadArgument("arguments: missing");
        }
        return (Element::createMap());
    }
    if (args->getType() != Element::map) {
        throw BadArgument("arguments: must be a map");
    }
    for (auto const& kv : args->mapValue()) {
        if (!allowed.empty() && allowed.count(kv.first) == 0) {
            throw BadArgument(kv.first + ": unknown argument");
        }
    }
    return (args);
}

namespace {

uint32_t
ip4_of(const ConstElementPtr& v) {
    if (v->getType() == Element::string) {
        try {
            isc::asiolink::IOAddress a(v->stringValue());
            if (a.isV4()) {
                return (a.toUint32());
            }
        } catch (const std::exception&) {
        }
    }
    throw BadArgument("scope-id: " + v->str() + " is not an IPv4 address");
}

} // namespace

std::vector<uint32_t>
scope_ids_arg(const ConstElementPtr& args) {
    ConstElementPtr v = args->get("scope-id");
    std::vector<uint32_t> out;
    if (!v) {
        throw BadArgument("scope-id: missing");
    }
    if (v->getType() == Element::list) {
        for (auto const& e : v->listValue()) {
            out.push_back(ip4_of(e));
        }
        if (out.empty()) {
            throw BadArgument("scope-id: the list is empty");
        }
    } else {
        out.push_back(ip4_of(v));
    }
    return (out);
}

} // namespace kea_failover
