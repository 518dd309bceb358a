// failover_log.h - the hook's Kea logger and message catalogue.
// Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
#ifndef FAILOVER_LOG_H
#define FAILOVER_LOG_H

#include <log/logger.h>
#include <log/macros.h>
#include <log/message_types.h>

namespace kea_failover {

// Logger "kea-dhcp4.failover-hooks": configure it in Kea's "loggers" like any other.
extern isc::log::Logger failover_logger;

// Message IDs (the catalogue text is in failover_log.cc; docs/logging.md lists them).
extern const isc::log::MessageID FAILOVER_LOADED;
extern const isc::log::MessageID FAILOVER_LOAD_FAILED;
extern const isc::log::MessageID FAILOVER_UNLOADED;
extern const isc::log::MessageID FAILOVER_ATTACH_FAILED;
extern const isc::log::MessageID FAILOVER_SCOPE_CLOSED;
extern const isc::log::MessageID FAILOVER_BINDINGS_LOST;
extern const isc::log::MessageID FAILOVER_CALLOUT_ERROR;
extern const isc::log::MessageID FAILOVER_LEASE_APPLY_FAILED;
extern const isc::log::MessageID FAILOVER_START_FAILED;
extern const isc::log::MessageID FAILOVER_ENGINE_DEBUG;
extern const isc::log::MessageID FAILOVER_ENGINE_INFO;
extern const isc::log::MessageID FAILOVER_ENGINE_WARN;
extern const isc::log::MessageID FAILOVER_ENGINE_ERROR;
extern const isc::log::MessageID FAILOVER_REPLICATE_SENT;
extern const isc::log::MessageID FAILOVER_REPLICATE_CHECKED;
extern const isc::log::MessageID FAILOVER_REPLICATE_REFUSED;
extern const isc::log::MessageID FAILOVER_REPLICATE_APPLIED;
extern const isc::log::MessageID FAILOVER_REPLICATE_FAILED;

// The engine's fo_host.log: one engine line into Kea's logger at its level.
void engine_log(void* ctx, int level, const char* msg);

} // namespace kea_failover

#endif // FAILOVER_LOG_H
