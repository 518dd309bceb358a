// failover_context.h - what the shim's files share: the engine and the clock.
// Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
#ifndef FAILOVER_CONTEXT_H
#define FAILOVER_CONTEXT_H

extern "C" {
#include "fo_engine.h"
}

namespace kea_failover {

// Created by load(), destroyed by unload(); Kea calls no callout outside that
// window, so the pointer itself needs no lock (the engine locks inside).
extern fo_engine* engine;

// The clock, read once per packet and passed to the engine.
fo_wall wall_now();
fo_mono mono_now();

} // namespace kea_failover

#endif // FAILOVER_CONTEXT_H
