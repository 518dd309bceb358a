// failover_log.cc - the hook's Kea logger and message catalogue.
// Written by hand: kea-msg-compiler is not packaged in Debian bookworm.
// Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
#include <log/log_dbglevels.h>
#include <log/message_initializer.h>

#include "failover_log.h"

extern "C" {
#include "fo_engine.h"
}

namespace kea_failover {

isc::log::Logger failover_logger("failover-hooks");

const isc::log::MessageID FAILOVER_LOADED = "FAILOVER_LOADED";
const isc::log::MessageID FAILOVER_LOAD_FAILED = "FAILOVER_LOAD_FAILED";
const isc::log::MessageID FAILOVER_UNLOADED = "FAILOVER_UNLOADED";
const isc::log::MessageID FAILOVER_ATTACH_FAILED = "FAILOVER_ATTACH_FAILED";
const isc::log::MessageID FAILOVER_SCOPE_CLOSED = "FAILOVER_SCOPE_CLOSED";
const isc::log::MessageID FAILOVER_BINDINGS_LOST = "FAILOVER_BINDINGS_LOST";
const isc::log::MessageID FAILOVER_CALLOUT_ERROR = "FAILOVER_CALLOUT_ERROR";
const isc::log::MessageID FAILOVER_LEASE_APPLY_FAILED = "FAILOVER_LEASE_APPLY_FAILED";
const isc::log::MessageID FAILOVER_START_FAILED = "FAILOVER_START_FAILED";
const isc::log::MessageID FAILOVER_ENGINE_DEBUG = "FAILOVER_ENGINE_DEBUG";
const isc::log::MessageID FAILOVER_ENGINE_INFO = "FAILOVER_ENGINE_INFO";
const isc::log::MessageID FAILOVER_ENGINE_WARN = "FAILOVER_ENGINE_WARN";
const isc::log::MessageID FAILOVER_ENGINE_ERROR = "FAILOVER_ENGINE_ERROR";
const isc::log::MessageID FAILOVER_REPLICATE_SENT = "FAILOVER_REPLICATE_SENT";
const isc::log::MessageID FAILOVER_REPLICATE_CHECKED = "FAILOVER_REPLICATE_CHECKED";
const isc::log::MessageID FAILOVER_REPLICATE_REFUSED = "FAILOVER_REPLICATE_REFUSED";
const isc::log::MessageID FAILOVER_REPLICATE_APPLIED = "FAILOVER_REPLICATE_APPLIED";
const isc::log::MessageID FAILOVER_REPLICATE_FAILED = "FAILOVER_REPLICATE_FAILED";

namespace {
const char* catalogue[] = {
    "FAILOVER_LOADED", "failover hooks library loaded: %1 relationship(s) configured",
    "FAILOVER_LOAD_FAILED", "failover configuration rejected: %1",
    "FAILOVER_UNLOADED", "failover hooks library unloaded",
    "FAILOVER_ATTACH_FAILED", "failover scopes not bound to Kea's subnets, their clients get no answer: %1",
    "FAILOVER_SCOPE_CLOSED", "%1",
    "FAILOVER_BINDINGS_LOST", "%1",
    "FAILOVER_CALLOUT_ERROR", "unexpected error in %1: %2",
    "FAILOVER_LEASE_APPLY_FAILED", "partner's binding for %1 not stored in Kea's lease database: %2",
    "FAILOVER_START_FAILED", "failover protocol not started (partners get no updates): %1",
    "FAILOVER_ENGINE_DEBUG", "%1",
    "FAILOVER_ENGINE_INFO", "%1",
    "FAILOVER_ENGINE_WARN", "%1",
    "FAILOVER_ENGINE_ERROR", "%1",
    "FAILOVER_REPLICATE_SENT", "relationship %1: configuration replicated to the partner: %2",
    "FAILOVER_REPLICATE_CHECKED", "relationship %1: replication %2 from the partner checked with config-test: %3",
    "FAILOVER_REPLICATE_REFUSED", "relationship %1: replication from the partner refused, nothing changed: %2",
    "FAILOVER_REPLICATE_APPLIED", "replication %1 from the partner applied (config-set): %2",
    "FAILOVER_REPLICATE_FAILED", "replication %1 from the partner not applied: %2",
    NULL
};
const isc::log::MessageInitializer initializer(catalogue);
} // namespace

void
engine_log(void*, int level, const char* msg) {
    switch (static_cast<fo_log_level>(level)) {
    case FO_LOG_DEBUG:
        LOG_DEBUG(failover_logger, isc::log::DBGLVL_TRACE_BASIC, FAILOVER_ENGINE_DEBUG).arg(msg);
        return;
    case FO_LOG_INFO:
        LOG_INFO(failover_logger, FAILOVER_ENGINE_INFO).arg(msg);
        return;
    case FO_LOG_WARN:
        LOG_WARN(failover_logger, FAILOVER_ENGINE_WARN).arg(msg);
        return;
    case FO_LOG_ERROR:
        LOG_ERROR(failover_logger, FAILOVER_ENGINE_ERROR).arg(msg);
        return;
    }
}

} // namespace kea_failover
