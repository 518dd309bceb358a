// failover_log.cc - the hook's Kea logger; the engine's events into it.
// The messages themselves are generated from engine/include/fo_log_events.def
// (hook/failover_messages.cc): kea-msg-compiler is not packaged in Debian bookworm.
// Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
#include "kea_compat.h"  // first: Kea 3.0 wants its config.h before its headers

#include <log/log_dbglevels.h>

#include "failover_log.h"

namespace kea_failover {

isc::log::Logger failover_logger("failover-hooks");

namespace {

// Row i: the message and severity of event i (fo_log_id), from the same table.
struct Event {
    const isc::log::MessageID* id;
    fo_log_level level;
};
const Event events[] = {
#define FO_LOG_EVENT(name, severity, text, explanation) { &FAILOVER_##name, FO_LOG_##severity },
#include "fo_log_events.def"
#undef FO_LOG_EVENT
};
static_assert(sizeof(events) / sizeof(events[0]) == FO_LOG_ID_COUNT, "one row per event");

// Logger's debug()/info()/... return an inactive formatter below its severity.
isc::log::Logger::Formatter
formatter(const Event& e) {
    switch (e.level) {
    case FO_LOG_DEBUG_DETAIL:
        return (failover_logger.debug(isc::log::DBGLVL_TRACE_DETAIL, *e.id));
    case FO_LOG_DEBUG:
        return (failover_logger.debug(isc::log::DBGLVL_TRACE_BASIC, *e.id));
    case FO_LOG_INFO:
        return (failover_logger.info(*e.id));
    case FO_LOG_WARN:
        return (failover_logger.warn(*e.id));
    case FO_LOG_ERROR:
        return (failover_logger.error(*e.id));
    }
    return (failover_logger.error(*e.id));
}

} // namespace

void
engine_log(void*, fo_log_id id, const char* const* args, size_t nargs) {
    if (static_cast<size_t>(id) >= FO_LOG_ID_COUNT) {
        return;
    }
    isc::log::Logger::Formatter f(formatter(events[id]));
    for (size_t i = 0; i < nargs; i++) {
        f.arg(std::string(args[i]));
    }
}

} // namespace kea_failover
