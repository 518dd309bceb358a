// failover_command_util.cc - what every command handler of the hook shares.
// Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
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

} // namespace kea_failover
