// failover_config_test.h - validation of the parameters under `kea-dhcp4 -t`.
// Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
#ifndef FAILOVER_CONFIG_TEST_H
#define FAILOVER_CONFIG_TEST_H

#include <string>

namespace kea_failover {

// Kea 2.2 checks a configuration (`kea-dhcp4 -t FILE`) by opening each hooks
// library and calling its version(), never load(). When this process runs in
// that mode, find this library's entry in FILE, validate its parameters and
// log the fault. Returns false only when the parameters were found and are bad.
bool config_test_mode_accepts(const void* self_symbol);

// Whether `library` (a hooks-libraries "library" path) names this library.
bool is_this_library(const std::string& library);

} // namespace kea_failover

#endif // FAILOVER_CONFIG_TEST_H
