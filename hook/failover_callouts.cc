// failover_callouts.cc - the library's entry points and packet callouts.
//
// Thin by design: every function converts Kea objects to plain C data, calls
// one engine function, writes back what the engine decided, and catches
// every exception at the boundary (a callout never throws into Kea).
// Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
#include "kea_compat.h"  // first: Kea 3.0 wants its config.h before its headers

#include <asiolink/interval_timer.h>
#include <asiolink/io_service.h>
#include <cc/data.h>
#include <dhcp/dhcp4.h>
#include <dhcp/option_custom.h>
#include <dhcp/option_int.h>
#include <dhcp/pkt4.h>
#include <dhcpsrv/lease.h>
#include <dhcpsrv/lease_mgr_factory.h>
#include <dhcpsrv/srv_config.h>
#include <hooks/hooks.h>
#include <stats/stats_mgr.h>

#include <cstdlib>
#include <ctime>
#include <exception>
#include <string>
#include <vector>

#include "failover_both.h"
#include "failover_commands.h"
#include "failover_config_test.h"
#include "failover_context.h"
#include "failover_convert.h"
#include "failover_leases.h"
#include "failover_live_config.h"
#include "failover_log.h"
#include "failover_replicate.h"

using namespace isc::dhcp;
using namespace isc::hooks;
using namespace kea_failover;

namespace kea_failover {

fo_engine* engine = nullptr;

fo_wall
wall_now() {
    return (fo_wall_at(static_cast<int64_t>(time(nullptr))));
}

fo_mono
mono_now() {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (fo_mono_at(static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000));
}

} // namespace kea_failover

namespace {

// The once-a-second tick on Kea's IO service (journal syncs, expiry,
// statistics), and the partner's lease changes applied every 100 ms.
isc::asiolink::IntervalTimerPtr tick_timer;
isc::asiolink::IntervalTimerPtr apply_timer;
bool protocol_started = false;

void
stat_add(void*, const char* name, int64_t delta) {
    isc::stats::StatsMgr::instance().addValue(name, delta);
}

void
stat_set(void*, const char* name, int64_t value) {
    isc::stats::StatsMgr::instance().setValue(name, value);
}

// Kea's leases of one subnet, converted, for a scope that lost its bindings.
void
kea_leases(void*, uint32_t subnet_id, void (*fn)(void*, const fo_lease*, bool), void* arg) {
    // Called from the engine (C): no exception may cross it.
    try {
        for (auto const& lease : LeaseMgrFactory::instance().getLeases4(subnet_id)) {
            if (lease->state_ == Lease::STATE_EXPIRED_RECLAIMED) {
                continue;
            }
            fo_lease l = lease_of(lease);
            fn(arg, &l, lease->state_ == Lease::STATE_DECLINED);
        }
    } catch (const std::exception& ex) {
        LOG_ERROR(failover_logger, FAILOVER_CALLOUT_ERROR).arg("kea_leases").arg(ex.what());
    }
}

void
tick() {
    try {
        fo_engine_tick(engine, wall_now(), mono_now());
    } catch (const std::exception& ex) {
        LOG_ERROR(failover_logger, FAILOVER_CALLOUT_ERROR).arg("tick").arg(ex.what());
    }
}

void
apply_tick() {
    try {
        apply_lease_changes();
        both_tick();
    } catch (const std::exception& ex) {
        LOG_ERROR(failover_logger, FAILOVER_CALLOUT_ERROR).arg("apply").arg(ex.what());
    }
}

void
log_callout_error(const char* where, const std::exception& ex) {
    LOG_ERROR(failover_logger, FAILOVER_CALLOUT_ERROR).arg(where).arg(ex.what());
}

// A NAK makes the client drop its lease at once: it goes out only when this
// server knows the address asked for is not the client's (the engine decides).
int
nak_check(CalloutHandle& handle, const Pkt4Ptr& query) {
    isc::asiolink::IOAddress addr = query->getCiaddr();
    if (addr.isV4Zero()) {
        OptionCustomPtr req = boost::dynamic_pointer_cast<OptionCustom>(
            option_of(query, DHO_DHCP_REQUESTED_ADDRESS));
        if (!req) {
            return (0);
        }
        addr = req->readAddress();
    }
    fo_client_ref client = client_of(query);
    if (fo_engine_nak_check(engine, addr.toUint32(), &client, wall_now()) == FO_V_DROP) {
        handle.setStatus(CalloutHandle::NEXT_STEP_DROP);
    }
    return (0);
}

// The value of a uint32 option of `pkt` (read in place): Kea's own
// OptionUint32, or any option whose data is 4 bytes (another hook library,
// flex_option say, may have replaced Kea's with a generic Option); false when
// it has none or its data is not 4 bytes.
bool
uint32_of(const Pkt4Ptr& pkt, uint16_t code, uint32_t& value) {
    OptionPtr opt = option_of(pkt, code);
    if (!opt) {
        return (false);
    }
    OptionUint32Ptr o = boost::dynamic_pointer_cast<OptionUint32>(opt);
    if (o) {
        value = o->getValue();
        return (true);
    }
    const OptionBuffer& d = opt->getData();
    if (d.size() != 4) {
        return (false);
    }
    value = (uint32_t(d[0]) << 24) | (uint32_t(d[1]) << 16) | (uint32_t(d[2]) << 8) | d[3];
    return (true);
}

// Set a uint32 option of `pkt`: Kea's OptionUint32 through getOption (the
// copy Kea gives a callout is what goes out); any other option under `code`
// (another library's), or none, is replaced by one of 4 bytes.
void
set_uint32(const Pkt4Ptr& pkt, uint16_t code, uint32_t value) {
    OptionUint32Ptr o = boost::dynamic_pointer_cast<OptionUint32>(pkt->getOption(code));
    if (o) {
        o->setValue(value);
        return;
    }
    while (pkt->delOption(code)) {
    }
    OptionBuffer d = {uint8_t(value >> 24), uint8_t(value >> 16), uint8_t(value >> 8),
                      uint8_t(value)};
    pkt->addOption(OptionPtr(new Option(Option::V4, code, d)));
}

// lease4_select and lease4_renew: what the engine decided, written back to Kea
// (the address changes only for a substitute; SKIP: no lease).
void
write_back(CalloutHandle& handle, const Lease4Ptr& lease, const fo_lease& l, fo_verdict v) {
    switch (v) {
    case FO_V_PASS:
    case FO_V_DROP:
        break;
    case FO_V_CHANGED:
        lease->addr_ = isc::asiolink::IOAddress(l.addr);
        lease->valid_lft_ = l.valid_lft;
        break;
    case FO_V_REFUSE:
        handle.setStatus(CalloutHandle::NEXT_STEP_SKIP);
        break;
    }
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
        std::string json = params ? json_of(params) : std::string("{}");
        fo_host host = {};
        host.log = engine_log;
        host.stat_add = stat_add;
        host.stat_set = stat_set;
        host.lease_changed = lease_changed;
        host.kea_leases = kea_leases;
        host.relationships_changed = relationships_changed;
        char err[1024] = "";
        fo_status st = fo_engine_create(&engine, json.c_str(), &host, err, sizeof(err));
        if (st != FO_OK) {
            LOG_ERROR(failover_logger, FAILOVER_LOAD_FAILED)
                .arg(err[0] != '\0' ? err : fo_status_name(st));
            return (1);
        }
        const char* seam = getenv("KEA_FAILOVER_TEST_SEAM");
        bool test_seam = seam != nullptr && std::string(seam) == "1";
        if (test_seam) {
            fo_engine_enable_test_seam(engine);
        }
        register_commands(handle, test_seam);
        std::string why;
        if (!replicate_pin(why)) {
            LOG_WARN(failover_logger, FAILOVER_REPLICATE_UNPINNED).arg(why);
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
    for (auto timer : {&tick_timer, &apply_timer}) {
        if (*timer) {
            (*timer)->cancel();
            timer->reset();
        }
    }
    // Stop the protocol thread first: no change arrives after this, and the
    // ones already queued reach Kea's database before the library goes. An
    // unfinished restart replay is not: the next load replays from the start.
    replay_stop();
    fo_engine_shutdown(engine, wall_now());
    try {
        apply_lease_changes(false);
    } catch (const std::exception& ex) {
        LOG_ERROR(failover_logger, FAILOVER_CALLOUT_ERROR).arg("unload").arg(ex.what());
    }
    replicate_unload();
    both_unload();
    fo_engine_destroy(engine);
    engine = nullptr;
    protocol_started = false;
    LOG_INFO(failover_logger, FAILOVER_UNLOADED);
    return (0);
}

// Every packet callout below is safe on Kea's packet threads: the engine
// locks per scope and reads relationship states atomically.
int
multi_threading_compatible() {
    return (1);
}

// Kea has applied a configuration: bind the relationships to its subnets,
// restore bindings and states, start the tick.
int
dhcp4_srv_configured(CalloutHandle& handle) {
    try {
        SrvConfigPtr config;
        isc::asiolink::IOServicePtr io;
        handle.getArgument("server_config", config);
        handle.getArgument("io_context", io);
        // config-get and config-write show the relationships as they run.
        publish_live_set(*config);
        SubnetList list;
        subnets_of(config, list);
        char err[1024] = "";
        fo_status st = fo_engine_attach(engine, list.subnets.data(), list.subnets.size(),
                                        wall_now(), err, sizeof(err));
        // What the engine closed (a scope that answers no client) or must
        // recover, one line each; the other scopes are in service.
        std::vector<fo_attach_note> notes(fo_engine_attach_notes(engine, nullptr, 0));
        notes.resize(fo_engine_attach_notes(engine, notes.data(), notes.size()));
        for (auto const& n : notes) {
            LOG_ERROR(failover_logger, n.kind == FO_NOTE_SCOPE_CLOSED ? FAILOVER_SCOPE_CLOSED :
                      FAILOVER_BINDINGS_LOST).arg(n.text);
        }
        if (st != FO_OK) {
            // Kea 2.2 ignores this callout's status: the engine stays closed
            // (it answers no client of a failover scope) and says why.
            LOG_ERROR(failover_logger, FAILOVER_ATTACH_FAILED)
                .arg(err[0] != '\0' ? err : fo_status_name(st));
            return (1);
        }
        // Leases the journal has and a crash kept from Kea's database: the
        // apply timer pulls them from the engine a batch at a time.
        replay_start();
        if (io) {
            replicate_configured(io);
            tick_timer.reset(new_interval_timer(io));
            tick_timer->setup(tick, 1000, isc::asiolink::IntervalTimer::REPEATING);
            apply_timer.reset(new_interval_timer(io));
            apply_timer->setup(apply_tick, 100, isc::asiolink::IntervalTimer::REPEATING);
        }
        if (!protocol_started) {
            if (fo_engine_start(engine, err, sizeof(err)) == FO_OK) {
                protocol_started = true;
            } else {
                LOG_ERROR(failover_logger, FAILOVER_START_FAILED).arg(err);
            }
        }
    } catch (const std::exception& ex) {
        log_callout_error("dhcp4_srv_configured", ex);
        return (1);
    }
    return (0);
}

// Load balancing before Kea parses the packet: the partner's clients are
// dropped from the raw bytes (what the engine is not sure of goes on, and
// subnet4_select decides it). Like Kea HA, the drop is not counted in Kea's
// pkt4-receive-drop: failover-get's clients-left-at-receive counts it.
int
buffer4_receive(CalloutHandle& handle) {
    try {
        // Another library dropped it, or parsed it already (SKIP): not ours.
        if (handle.getStatus() != CalloutHandle::NEXT_STEP_CONTINUE) {
            return (0);
        }
        Pkt4Ptr query;
        handle.getArgument("query4", query);
        if (query && fo_engine_receive(engine, query->data_.data(), query->data_.size()) ==
            FO_V_DROP) {
            handle.setStatus(CalloutHandle::NEXT_STEP_DROP);
        }
    } catch (const std::exception& ex) {
        log_callout_error("buffer4_receive", ex);
    }
    return (0);
}

// Load balancing and the serving rules, before any allocation work (the
// safety net for what buffer4_receive let through).
int
subnet4_select(CalloutHandle& handle) {
    try {
        Pkt4Ptr query;
        CalloutSubnet4Ptr subnet;
        handle.getArgument("query4", query);
        handle.getArgument("subnet4", subnet);
        if (!subnet) {
            return (0);
        }
        fo_client_ref client = client_of(query);
        if (fo_engine_query(engine, subnet->getID(), msg_of(query), query->getSecs(),
                            &client, wall_now()) == FO_V_DROP) {
            handle.setStatus(CalloutHandle::NEXT_STEP_DROP);
        }
    } catch (const std::exception& ex) {
        log_callout_error("subnet4_select", ex);
    }
    return (0);
}

// Split-pool ownership and MCLT for a new lease (or an offer).
int
lease4_select(CalloutHandle& handle) {
    try {
        Lease4Ptr lease;
        bool fake = true;
        handle.getArgument("lease4", lease);
        handle.getArgument("fake_allocation", fake);
        fo_lease l = lease_of(lease);
        l.fake = fake;
        if (!fake) {
            l.in_kea_db = static_cast<bool>(LeaseMgrFactory::instance().getLease4(lease->addr_));
        }
        write_back(handle, lease, l, fo_engine_lease_select(engine, &l, wall_now()));
    } catch (const std::exception& ex) {
        log_callout_error("lease4_select", ex);
        handle.setStatus(CalloutHandle::NEXT_STEP_SKIP);
    }
    return (0);
}

// MCLT for a renewal. Kea 2.2 calls this for a DISCOVER of a client that has
// a lease too (an offer, nothing is stored); SKIP keeps Kea's old record, and
// pkt4_send then keeps the ACK from telling more than the binding holds.
int
lease4_renew(CalloutHandle& handle) {
    try {
        Lease4Ptr lease;
        Pkt4Ptr query;
        handle.getArgument("lease4", lease);
        handle.getArgument("query4", query);
        fo_lease l = lease_of(lease);
        l.fake = query && query->getType() == DHCPDISCOVER;
        write_back(handle, lease, l, fo_engine_lease_renew(engine, &l, wall_now()));
    } catch (const std::exception& ex) {
        log_callout_error("lease4_renew", ex);
        handle.setStatus(CalloutHandle::NEXT_STEP_SKIP);
    }
    return (0);
}

// The last word on what a client is told: an ACK for an address of a failover
// scope goes out only if the binding holds it for that client, with a lease
// time the binding covers.
int
pkt4_send(CalloutHandle& handle) {
    try {
        Pkt4Ptr query;
        Pkt4Ptr response;
        handle.getArgument("query4", query);
        handle.getArgument("response4", response);
        if (!query || !response) {
            return (0);
        }
        if (response->getType() == DHCPNAK) {
            return (nak_check(handle, query));
        }
        if (response->getType() != DHCPACK || response->getYiaddr().isV4Zero()) {
            return (0);
        }
        // Read in place (option_of): Kea hands a callout a copy of each option
        // it retrieves with getOption, which only a change needs (set_times).
        fo_ack a = {};
        if (!uint32_of(response, DHO_DHCP_LEASE_TIME, a.lease_time)) {
            a.lease_time = FO_ACK_NO_LEASE_TIME;    // the engine decides (fo_host.h)
        }
        bool has_t1 = uint32_of(response, DHO_DHCP_RENEWAL_TIME, a.t1);
        bool has_t2 = uint32_of(response, DHO_DHCP_REBINDING_TIME, a.t2);
        a.addr = response->getYiaddr().toUint32();
        a.client = client_of(query);
        switch (fo_engine_ack_check(engine, &a, wall_now())) {
        case FO_V_PASS:
        case FO_V_REFUSE:
            break;
        case FO_V_CHANGED:
            set_uint32(response, DHO_DHCP_LEASE_TIME, a.lease_time);
            if (has_t1) {
                set_uint32(response, DHO_DHCP_RENEWAL_TIME, a.t1);
            }
            if (has_t2) {
                set_uint32(response, DHO_DHCP_REBINDING_TIME, a.t2);
            }
            break;
        case FO_V_DROP:
            handle.setStatus(CalloutHandle::NEXT_STEP_DROP);
            break;
        }
    } catch (const std::exception& ex) {
        // An ACK the engine could not check is not sent (fail closed).
        log_callout_error("pkt4_send", ex);
        handle.setStatus(CalloutHandle::NEXT_STEP_DROP);
    }
    return (0);
}

// The leases Kea stored for one query: the binding table follows.
int
leases4_committed(CalloutHandle& handle) {
    try {
        Lease4CollectionPtr leases;
        Lease4CollectionPtr deleted;
        handle.getArgument("leases4", leases);
        handle.getArgument("deleted_leases4", deleted);
        fo_wall now = wall_now();
        fo_lease_extra x;
        for (auto const& lease : leases ? *leases : Lease4Collection()) {
            fo_lease l = lease_of(lease);
            extra_of(lease, x);
            l.extra = &x;
            fo_engine_lease_event(engine, FO_LE_COMMIT, &l, now);
        }
        for (auto const& lease : deleted ? *deleted : Lease4Collection()) {
            fo_lease l = lease_of(lease);
            fo_engine_lease_event(engine, FO_LE_DELETE, &l, now);
        }
    } catch (const std::exception& ex) {
        log_callout_error("leases4_committed", ex);
    }
    return (0);
}

} // extern "C"

namespace {

fo_verdict
lease_event(CalloutHandle& handle, fo_lease_event ev, const char* where) {
    try {
        Lease4Ptr lease;
        handle.getArgument("lease4", lease);
        fo_lease l = lease_of(lease);
        return (fo_engine_lease_event(engine, ev, &l, wall_now()));
    } catch (const std::exception& ex) {
        log_callout_error(where, ex);
    }
    return (FO_V_PASS);
}

} // namespace

extern "C" {

int
lease4_release(CalloutHandle& handle) {
    (void)lease_event(handle, FO_LE_RELEASE, "lease4_release");
    return (0);
}

int
lease4_decline(CalloutHandle& handle) {
    (void)lease_event(handle, FO_LE_DECLINE, "lease4_decline");
    return (0);
}

// Kea reclaiming a lease the binding says has not ended: skipped, and Kea's
// record is rewritten from the binding (the engine queued the change).
int
lease4_expire(CalloutHandle& handle) {
    if (lease_event(handle, FO_LE_EXPIRE, "lease4_expire") == FO_V_REFUSE) {
        handle.setStatus(CalloutHandle::NEXT_STEP_SKIP);
    }
    return (0);
}

} // extern "C"
