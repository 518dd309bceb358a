// failover_leases.cc - the partner's binding changes into Kea's lease database.
// Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
#include "kea_compat.h"  // first: Kea 3.0 wants its config.h before its headers

#include <asiolink/io_address.h>
#include <cc/data.h>
#include <dhcp/duid.h>
#include <dhcp/hwaddr.h>
#include <dhcpsrv/dhcpsrv_exceptions.h>
#include <dhcpsrv/lease.h>
#include <dhcpsrv/lease_mgr_factory.h>
#include <exceptions/exceptions.h>

#include <algorithm>
#include <ctime>
#include <deque>
#include <exception>
#include <mutex>
#include <utility>
#include <vector>

#include "failover_context.h"
#include "failover_convert.h"
#include "failover_leases.h"
#include "failover_log.h"

using namespace isc::dhcp;

namespace kea_failover {

namespace {

std::mutex queue_mutex;
std::deque<fo_lease_change> queue;
// The batch being applied (Kea's IO thread only): kept between ticks, since a
// std::deque allocates its map even when empty.
std::deque<fo_lease_change> applying;

Lease4Ptr
lease_from(const fo_lease_change& c) {
    HWAddrPtr hw;
    if (c.client.hlen > 0) {
        hw.reset(new HWAddr(std::vector<uint8_t>(c.client.hw, c.client.hw + c.client.hlen),
                            c.client.htype));
    }
    int64_t valid = c.expiry.sec > c.cltt.sec ? c.expiry.sec - c.cltt.sec : 0;
    Lease4Ptr lease(new Lease4(isc::asiolink::IOAddress(c.addr), hw,
                               c.client.cidlen > 0 ? c.client.cid : nullptr, c.client.cidlen,
                               static_cast<uint32_t>(valid), static_cast<time_t>(c.cltt.sec),
                               c.subnet_id));
    lease->hostname_.assign(c.extra.hostname, c.extra.hostname_len);
    lease->fqdn_fwd_ = (c.extra.fqdn & FO_FQDN_FWD) != 0;
    lease->fqdn_rev_ = (c.extra.fqdn & FO_FQDN_REV) != 0;
    if (c.extra.context_len > 0) {
        try {
            lease->setContext(isc::data::Element::fromJSON(
                std::string(c.extra.context, c.extra.context_len)));
        } catch (const std::exception&) {
            // Not JSON Kea reads: the lease goes in without it, as from a
            // partner that sends none.
        }
    }
    return (lease);
}

// A replay leaves Kea's record alone when it is the binding's lease already:
// the same client's, ending no earlier, with the binding's hostname and FQDN
// flags when the binding has them (it may carry more: a context).
// `want` is lease_from(c).
bool
kea_has_it(const Lease4Ptr& existing, const Lease4Ptr& want, const fo_lease_change& c) {
    bool unnamed = c.extra.hostname_len == 0 && c.extra.fqdn == 0;
    return (existing->belongsToClient(want->hwaddr_, want->client_id_) &&
            static_cast<int64_t>(existing->cltt_) + existing->valid_lft_ >= c.expiry.sec &&
            (unnamed || (existing->hostname_ == want->hostname_ &&
                       existing->fqdn_fwd_ == want->fqdn_fwd_ &&
                       existing->fqdn_rev_ == want->fqdn_rev_)));
}

// The binding as it is now: a change queued on the protocol thread can reach
// this IO-thread queue after a newer local renewal was written to Kea's
// database (multi-threading), and must not put an older lease back.
// (Field by field, the extras' bytes in use only: not three copies of 1.6 KB.)
void
current(const fo_lease_change& queued, fo_lease_change& c) {
    fo_binding_info b;
    if (fo_engine_get_binding(engine, queued.subnet_id, queued.addr, &b) != FO_OK) {
        c = queued;
        return;
    }
    c.subnet_id = queued.subnet_id;
    c.addr = queued.addr;
    c.state = b.state;
    c.client = b.client;
    c.expiry = fo_wall_at(b.expiry);
    c.cltt = fo_wall_at(b.cltt);
    fo_extra_copy(&c.extra, &b.extra);
    c.only_if_missing = queued.only_if_missing;
}

// One attempt at Kea's record of the address: ACTIVE: Kea gets the lease
// unless it has it (kea_has_it); any other state: Kea's record goes. The
// lookup comes first, not an add that may be refused: an SQL lease database
// logs every refused INSERT as an error on its server.
//
// Kea's record is read BEFORE the binding. A packet thread records a binding
// (lease4_select, lease4_renew) before Kea writes the lease it stands for, so
// a record read here is never newer than the binding read after it: the
// other order could read a free binding, then the lease a packet thread had
// just given (binding and record written in between), and delete an
// acknowledged lease from Kea's database while the binding kept it.
// False when Kea's record or the binding changed meanwhile (a refused add or
// update, a delete that found another record, an address given while its
// record went): the caller tries again with both read afresh.
bool
apply_once(LeaseMgr& mgr, const fo_lease_change& queued) {
    isc::asiolink::IOAddress addr(queued.addr);
    Lease4Ptr existing = mgr.getLease4(addr);
    fo_lease_change c;
    current(queued, c);
    if (c.state == FO_BS_ACTIVE) {
        Lease4Ptr lease = lease_from(c);
        if (!existing) {
            return (mgr.addLease(lease));
        }
        if (!kea_has_it(existing, lease, c)) {
            // SQL backends update only the record they expect (its expiry as
            // read): a new Lease4 must say what the existing one holds.
            Lease::syncCurrentExpirationTime(*existing, *lease);
            try {
                mgr.updateLease4(lease);
            } catch (const NoSuchLease&) {
                return (false);
            }
        }
        return (true);
    }
    if (!existing) {
        return (true);
    }
    // A delete names the record read (its expiry, on SQL): false when Kea
    // changed it meanwhile. Given again meanwhile: written back next time.
    if (!mgr.deleteLease(existing)) {
        return (false);
    }
    fo_binding_info b;
    return (fo_engine_get_binding(engine, queued.subnet_id, queued.addr, &b) != FO_OK ||
            b.state != FO_BS_ACTIVE);
}

const int APPLY_ATTEMPTS = 3;

void
apply(const fo_lease_change& queued) {
    LeaseMgr& mgr = LeaseMgrFactory::instance();
    for (int i = 0; i < APPLY_ATTEMPTS; i++) {
        if (apply_once(mgr, queued)) {
            return;
        }
    }
    isc_throw(isc::Unexpected, "Kea's record changed under each of " << APPLY_ATTEMPTS
              << " attempts");
}

void
apply_one(const fo_lease_change& c) {
    try {
        apply(c);
    } catch (const std::exception& ex) {
        LOG_ERROR(failover_logger, FAILOVER_LEASE_APPLY_FAILED)
            .arg(isc::asiolink::IOAddress(c.addr).toText()).arg(ex.what());
    }
}

// The positions in `batch` of one change per address, the newest queued, in
// queue order: apply() writes the binding as the engine has it now
// (current()), so an older change of the same address would write the same
// lease again or find that Kea has it. Never an older lease put back: every
// change applied is read from the engine when it is applied. One sort of
// (address, position) pairs: no allocation per change.
std::vector<size_t>
newest_per_address(const std::deque<fo_lease_change>& batch) {
    std::vector<std::pair<uint64_t, size_t>> keys;
    keys.reserve(batch.size());
    for (size_t i = 0; i < batch.size(); i++) {
        keys.emplace_back(static_cast<uint64_t>(batch[i].subnet_id) << 32 | batch[i].addr, i);
    }
    std::sort(keys.begin(), keys.end());
    std::vector<size_t> newest;
    newest.reserve(keys.size());
    for (size_t i = 0; i < keys.size(); i++) {
        if (i + 1 == keys.size() || keys[i + 1].first != keys[i].first) {
            newest.push_back(keys[i].second);
        }
    }
    std::sort(newest.begin(), newest.end());
    return (newest);
}

// The restart replay, pulled from the engine in batches of REPLAY_BATCH on the
// apply timer, for at most REPLAY_SLICE_MS of Kea's IO thread per call: memory
// is one batch, never a copy of every binding (fo_engine_replay_next).
const size_t REPLAY_BATCH = 256;
const int64_t REPLAY_SLICE_MS = 20;
fo_replay_cursor replay_cursor = FO_REPLAY_CURSOR_INIT;
bool replaying = false;

int64_t
mono_ms() {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000);
}

// Then Kea's side: its live leases, a page at a time from reconcile_from,
// each the engine says the binding table contradicts rewritten from the
// binding (apply() reads it: removed when it is not ACTIVE).
bool reconciling = false;
isc::asiolink::IOAddress reconcile_from("0.0.0.0");
size_t reconciled = 0;

size_t
reconcile_page() {
    Lease4Collection page = LeaseMgrFactory::instance().getLeases4(reconcile_from,
                                                                   LeasePageSize(REPLAY_BATCH));
    fo_wall now = wall_now();
    for (auto const& lease : page) {
        reconcile_from = lease->addr_;
        fo_lease l = lease_of(lease);
        if (lease->state_ == Lease::STATE_DEFAULT &&
            fo_engine_kea_lease_stale(engine, &l, now)) {
            fo_lease_change c = {};
            c.subnet_id = l.subnet_id;
            c.addr = l.addr;
            c.state = FO_BS_FREE;
            apply_one(c);
            reconciled++;
        }
    }
    if (page.empty()) {
        reconciling = false;
        if (reconciled > 0) {
            LOG_WARN(failover_logger, FAILOVER_KEA_LEASES_RECONCILED).arg(reconciled);
        }
    }
    return (page.size());
}

size_t
replay_slice() {
    static std::vector<fo_lease_change> out(REPLAY_BATCH);
    size_t total = 0, n = 0;
    int64_t end = mono_ms() + REPLAY_SLICE_MS;
    while (replaying && mono_ms() < end) {
        if ((n = fo_engine_replay_next(engine, &replay_cursor, out.data(), out.size())) == 0) {
            replaying = false;
            break;
        }
        for (size_t i = 0; i < n; i++) {
            apply_one(out[i]);
        }
        total += n;
    }
    while (!replaying && reconciling && mono_ms() < end) {
        try {
            total += reconcile_page();
        } catch (const std::exception& ex) {
            reconciling = false;
            LOG_ERROR(failover_logger, FAILOVER_LEASE_APPLY_FAILED).arg("(restart check)")
                .arg(ex.what());
        }
    }
    return (total);
}

} // namespace

void
lease_changed(void*, const fo_lease_change* c) {
    std::lock_guard<std::mutex> lock(queue_mutex);
    queue.push_back(*c);
}

size_t
apply_lease_changes(bool with_replay) {
    size_t applied = 0;
    {
        std::lock_guard<std::mutex> lock(queue_mutex);
        applying.swap(queue);
    }
    if (!applying.empty()) {
        struct Done {
            ~Done() { applying.clear(); }    // also when apply_one throws
        } done;
        std::vector<size_t> newest = newest_per_address(applying);
        for (size_t i : newest) {
            apply_one(applying[i]);
        }
        applied = newest.size();
    }
    return (applied + (with_replay ? replay_slice() : 0));
}

void
replay_start() {
    replay_cursor = FO_REPLAY_CURSOR_INIT;
    replaying = true;
    reconcile_from = isc::asiolink::IOAddress("0.0.0.0");
    reconciled = 0;
    reconciling = true;
}

void
replay_stop() {
    replaying = false;
    reconciling = false;
}

} // namespace kea_failover
