// failover_lease_cmds.cc - an operator's lease4-add, lease4-update and
// lease4-del reach the binding table. Kea's lease_cmds library writes the
// lease database directly: no lease callout runs, so without this the
// binding table and the partner would never learn of the lease (and either
// server could give the address to another client).
// Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
#include "kea_compat.h"  // first: Kea 3.0 wants its config.h before its headers

#include <asiolink/io_address.h>
#include <cc/command_interpreter.h>
#include <dhcpsrv/cfgmgr.h>
#include <dhcpsrv/lease_mgr_factory.h>

#include <string>

#include "failover_context.h"
#include "failover_convert.h"
#include "failover_lease_cmds.h"

using namespace isc::config;
using namespace isc::data;
using namespace isc::dhcp;

namespace kea_failover {

namespace {

// The subnet whose range holds `addr` (lease4-del names only the address).
uint32_t
subnet_of(const isc::asiolink::IOAddress& addr) {
    for (auto const& subnet : *CfgMgr::instance().getCurrentCfg()->getCfgSubnets4()->getAll()) {
        if (subnet->inRange(addr)) {
            return (subnet->getID());
        }
    }
    return (0);
}

ConstElementPtr
added(const isc::asiolink::IOAddress& addr, const ConstElementPtr& response) {
    Lease4Ptr lease = LeaseMgrFactory::instance().getLease4(addr);
    if (!lease) {
        return (ConstElementPtr());
    }
    fo_lease l = lease_of(lease);
    char why[256] = "";
    switch (fo_engine_admin_lease(engine, &l, why, sizeof(why), wall_now())) {
    case FO_V_PASS:
    case FO_V_DROP:
        return (ConstElementPtr());
    case FO_V_CHANGED:
        return (createAnswer(CONTROL_RESULT_SUCCESS,
                             response->get("text")->stringValue() + " Failover: " + why + "."));
    case FO_V_REFUSE:
        break;
    }
    return (createAnswer(CONTROL_RESULT_ERROR, std::string("refused by the failover hook: ") +
                         why + "; Kea's lease database is put back as it was"));
}

} // namespace

ConstElementPtr
lease_command_done(const std::string& name, const ConstElementPtr& arguments,
                   const ConstElementPtr& response) {
    int rcode = CONTROL_RESULT_ERROR;
    (void)parseAnswer(rcode, response);
    ConstElementPtr ip = arguments ? arguments->get("ip-address") : ConstElementPtr();
    if (rcode != CONTROL_RESULT_SUCCESS || !ip || ip->getType() != Element::string) {
        return (ConstElementPtr());
    }
    isc::asiolink::IOAddress addr(ip->stringValue());
    if (name == "lease4-add" || name == "lease4-update") {
        return (added(addr, response));
    }
    // lease4-del: the binding is released (the partner learns it).
    fo_lease l = {};
    l.addr = addr.toUint32();
    l.subnet_id = subnet_of(addr);
    fo_engine_lease_event(engine, FO_LE_DELETE, &l, wall_now());
    return (ConstElementPtr());
}

} // namespace kea_failover
