// failover_live_config.cc - the live set into Kea's configuration
// (failover_live_config.h). Kea's config-get and config-write both unparse
// CfgMgr's current configuration (SrvConfig::toElement), whose HooksConfig
// holds each library's parameters: this library's entry is rebuilt with the
// engine's text of the live set (fo_engine_parameters_json). Nothing here
// decides what the parameters are; kea_compat.h has how a HooksConfig
// entry is read and added in each Kea version.
// Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
#include "kea_compat.h"  // first: Kea 3.0 wants its config.h before its headers

#include <cc/data.h>
#include <dhcpsrv/cfgmgr.h>
#include <hooks/hooks_config.h>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>

#include "failover_config_test.h"
#include "failover_context.h"
#include "failover_live_config.h"
#include "failover_log.h"

extern "C" {
#include "fo_admin.h"
}

using namespace isc::data;
using namespace isc::hooks;

namespace kea_failover {

namespace {

// Replace this library's parameters in `config` by `params` (JSON text).
void
publish(isc::dhcp::SrvConfig& config, const char* params) {
    ConstElementPtr p = Element::fromJSON(std::string(params));
    HooksConfig& hooks = config.getHooksConfig();
    HookLibsCollection libs = hooks.get();
    bool found = false;
    for (auto const& lib : libs) {
        found = found || is_this_library(hook_library_path(lib));
    }
    if (!found) {
        throw std::runtime_error("this library is not in the configuration's hooks-libraries");
    }
    hooks.clear();
    for (auto const& lib : libs) {
        hook_library_add(hooks, lib, is_this_library(hook_library_path(lib)) ? p :
                         hook_library_parameters(lib));
    }
}

void
publish_or_log(isc::dhcp::SrvConfig& config, const char* params) {
    try {
        if (params == nullptr) {
            throw std::runtime_error("out of memory");
        }
        publish(config, params);
    } catch (const std::exception& ex) {
        LOG_ERROR(failover_logger, FAILOVER_PARAMETERS_NOT_PUBLISHED).arg(ex.what());
    }
}

} // namespace

void
publish_live_set(isc::dhcp::SrvConfig& config) {
    char* params = fo_engine_parameters_json(engine);
    publish_or_log(config, params);
    if (params != nullptr) {
        std::memset(params, 0, std::strlen(params));   // holds the shared secrets
        std::free(params);
    }
}

void
relationships_changed(void*, const char* params) {
    isc::dhcp::SrvConfigPtr current = isc::dhcp::CfgMgr::instance().getCurrentCfg();
    if (current) {
        publish_or_log(*current, params);
    }
}

} // namespace kea_failover
