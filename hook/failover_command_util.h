// failover_command_util.h - what every command handler of the hook shares.
// Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
#ifndef FAILOVER_COMMAND_UTIL_H
#define FAILOVER_COMMAND_UTIL_H

#include <cc/data.h>
#include <hooks/hooks.h>

#include <exception>
#include <set>
#include <cstdint>
#include <string>
#include <vector>

namespace kea_failover {

// A bad argument of a command: the message names the field (answer result 1).
struct BadArgument : public std::exception {
    explicit BadArgument(std::string m) : msg(std::move(m)) {}
    const char* what() const noexcept override { return (msg.c_str()); }
    std::string msg;
};

// Set the command's answer in Kea's format (result, text, arguments).
void reply(isc::hooks::CalloutHandle& handle, int result, const std::string& text,
           isc::data::ConstElementPtr args = isc::data::ConstElementPtr());

// The command's arguments map: an empty map when absent and not `required`;
// with `allowed` non-empty every key must be one of them.
isc::data::ConstElementPtr arguments_of(isc::hooks::CalloutHandle& handle,
                                        const std::set<std::string>& allowed,
                                        bool required);

// The "scope-id" argument: one IPv4 address or a non-empty list of them,
// as host-order integers; BadArgument naming scope-id otherwise.
std::vector<uint32_t> scope_ids_arg(const isc::data::ConstElementPtr& args);

} // namespace kea_failover

#endif // FAILOVER_COMMAND_UTIL_H
