// failover_callouts.cc - the library's entry points for Kea.
//
// Thin by design: every function converts Kea objects to plain C data, calls
// one engine function and catches every exception at the boundary.
// Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
#include <cc/data.h>
#include <hooks/hooks.h>

#include <exception>
#include <string>

#include "failover_config_test.h"
#include "failover_log.h"

extern "C" {
#include "fo_engine.h"
}

using namespace isc::hooks;
using namespace kea_failover;

namespace {
fo_engine* engine = nullptr;

void
engine_log_thunk(void* ctx, fo_log_level level, const char* msg) {
    engine_log(ctx, static_cast<int>(level), msg);
}
} // namespace

extern "C" {

// Under `kea-dhcp4 -t`, bad parameters make Kea's library check fail here
// (see failover_config_test.h); otherwise load() validates them.
int
version() {
    return (config_test_mode_accepts(reinterpret_cast<const void*>(&version)) ?
            KEA_HOOKS_VERSION : 0);
}

int
load(LibraryHandle& handle) {
    try {
        isc::data::ConstElementPtr params = handle.getParameters();
        std::string json = params ? params->str() : std::string("{}");
        fo_host host = {};
        host.log = engine_log_thunk;
        char err[1024] = "";
        fo_status st = fo_engine_create(&engine, json.c_str(), &host, err, sizeof(err));
        if (st != FO_OK) {
            LOG_ERROR(failover_logger, FAILOVER_LOAD_FAILED)
                .arg(err[0] != '\0' ? err : fo_status_name(st));
            return (1);
        }
        LOG_INFO(failover_logger, FAILOVER_LOADED).arg(fo_engine_relationship_count(engine));
        return (0);
    } catch (const std::exception& ex) {
        LOG_ERROR(failover_logger, FAILOVER_LOAD_FAILED).arg(ex.what());
        return (1);
    }
}

int
unload() {
    fo_engine_destroy(engine);
    engine = nullptr;
    LOG_INFO(failover_logger, FAILOVER_UNLOADED);
    return (0);
}

// Nothing in the library touches a packet yet; every entry point above runs
// on Kea's main thread during (re)configuration.
int
multi_threading_compatible() {
    return (1);
}

} // extern "C"
