// failover_live_config.h - Kea's configuration shows the relationships as
// they run: the hook's `parameters` in Kea's running configuration are the
// live set (what config-get shows, minus the secrets, and config-write
// writes), not only the parameters the library was loaded with.
// Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
#ifndef FAILOVER_LIVE_CONFIG_H
#define FAILOVER_LIVE_CONFIG_H

#include <dhcpsrv/srv_config.h>

namespace kea_failover {

// dhcp4_srv_configured: the live set (the parameters, or the relationships
// file that replaced them at load) into the configuration Kea commits.
void publish_live_set(isc::dhcp::SrvConfig& config);

// fo_host.relationships_changed: the engine's new parameters (JSON text)
// into Kea's running configuration (CfgMgr's current one).
void relationships_changed(void* ctx, const char* params);

} // namespace kea_failover

#endif // FAILOVER_LIVE_CONFIG_H
