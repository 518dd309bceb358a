// kea_compat.h - what differs between the Kea versions the hook builds for:
// Kea 2.2 (hooks API 20200), 2.6 (20603) and 3.0 (30004). Every hook source
// includes it first. configure passes KEA_HOOKS_VERSION as
// FO_KEA_HOOKS_VERSION (Kea's own is a constant, not a macro).
// Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
#ifndef KEA_FAILOVER_KEA_COMPAT_H
#define KEA_FAILOVER_KEA_COMPAT_H

#ifndef FO_KEA_HOOKS_VERSION
#error "FO_KEA_HOOKS_VERSION is not defined: build through configure (KEA_CPPFLAGS)"
#endif

// Kea 3.0: its config.h must come before its headers (asiolink/crypto_tls.h
// stops otherwise). Automake passes our own PACKAGE_* on the command line;
// Kea's config.h defines its own.
#if FO_KEA_HOOKS_VERSION >= 30000
#undef PACKAGE
#undef PACKAGE_BUGREPORT
#undef PACKAGE_NAME
#undef PACKAGE_STRING
#undef PACKAGE_TARNAME
#undef PACKAGE_URL
#undef PACKAGE_VERSION
#undef VERSION
#include <config.h>
#endif

#include <asiolink/interval_timer.h>
#include <asiolink/io_service.h>
#include <dhcpsrv/subnet.h>
#include <hooks/hooks_config.h>

#include <string>

namespace kea_failover {

// The type of the `subnet4` argument of subnet4_select, lease4_select and
// lease4_renew: const from Kea 3.0 on. getArgument is a boost::any_cast, so
// reading it as the other type throws boost::bad_any_cast.
#if FO_KEA_HOOKS_VERSION >= 30000
typedef isc::dhcp::ConstSubnet4Ptr CalloutSubnet4Ptr;
#else
typedef isc::dhcp::Subnet4Ptr CalloutSubnet4Ptr;
#endif

// The configuration keyword config-get writes for a subnet's or pool's
// require-client-classes: Kea 3.0 renamed it.
#if FO_KEA_HOOKS_VERSION >= 30000
constexpr const char* REQUIRE_CLASSES_KEY = "evaluate-additional-classes";
#else
constexpr const char* REQUIRE_CLASSES_KEY = "require-client-classes";
#endif

// A timer on Kea's IO service: Kea 2.6 and later take the IOServicePtr,
// 2.2 the IOService itself.
inline isc::asiolink::IntervalTimer*
new_interval_timer(const isc::asiolink::IOServicePtr& io) {
#if FO_KEA_HOOKS_VERSION >= 20500
    return (new isc::asiolink::IntervalTimer(io));
#else
    return (new isc::asiolink::IntervalTimer(*io));
#endif
}

// Whether a subnet or shared network names a client class of its own (what
// Kea's subnet selection checks): Kea 3.0 keeps a set, getClientClasses().
inline bool
has_own_client_class(const isc::dhcp::Network& n) {
#if FO_KEA_HOOKS_VERSION >= 30000
    return (!n.getClientClasses().empty());
#else
    return (!n.getClientClass(isc::dhcp::Network::Inheritance::NONE).empty());
#endif
}

// An entry of a HooksConfig (hooks-libraries): a pair (path, parameters)
// up to Kea 2.6, a struct from 3.0 on that also keeps the name as
// configured (its `library`, which config-get writes back).
inline const std::string&
hook_library_path(const isc::hooks::HookLibInfo& lib) {
#if FO_KEA_HOOKS_VERSION >= 30000
    return (lib.libname_);
#else
    return (lib.first);
#endif
}

inline isc::data::ConstElementPtr
hook_library_parameters(const isc::hooks::HookLibInfo& lib) {
#if FO_KEA_HOOKS_VERSION >= 30000
    return (lib.parameters_);
#else
    return (lib.second);
#endif
}

// Add `lib` to `hooks` with the parameters `params`.
inline void
hook_library_add(isc::hooks::HooksConfig& hooks, const isc::hooks::HookLibInfo& lib,
                 const isc::data::ConstElementPtr& params) {
#if FO_KEA_HOOKS_VERSION >= 30000
    hooks.add(lib.libname_, params, lib.cfgname_);
#else
    hooks.add(lib.first, params);
#endif
}

} // namespace kea_failover

#endif // KEA_FAILOVER_KEA_COMPAT_H
