// failover_convert.cc - Kea objects to the engine's plain C structs.
// Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
#include "kea_compat.h"  // first: Kea 3.0 wants its config.h before its headers

#include <dhcp/dhcp4.h>
#include <dhcpsrv/cfg_hosts.h>
#include <dhcpsrv/cfg_subnets4.h>
#include <dhcpsrv/pool.h>
#include <dhcpsrv/shared_network.h>
#include <dhcpsrv/subnet.h>

#include <atomic>
#include <cstring>

#include "failover_convert.h"
#include "failover_log.h"

using namespace isc::dhcp;

namespace kea_failover {

OptionPtr
option_of(const Pkt4Ptr& query, uint16_t code) {
    auto it = query->options_.find(code);
    return (it != query->options_.end() ? it->second : OptionPtr());
}

fo_client_ref
client_of(const Pkt4Ptr& query) {
    fo_client_ref c = {};
    OptionPtr cid = option_of(query, DHO_DHCP_CLIENT_IDENTIFIER);
    if (cid && !cid->getData().empty()) {
        c.cid = cid->getData().data();
        c.cid_len = cid->getData().size();
    }
    HWAddrPtr hw = query->getHWAddr();
    if (hw) {
        c.chaddr = hw->hwaddr_.data();
        c.hlen = static_cast<uint8_t>(std::min<size_t>(hw->hwaddr_.size(), 16));
        c.htype = static_cast<uint8_t>(hw->htype_);
    }
    return (c);
}

namespace {

int
hex_digit(char c) {
    if (c >= '0' && c <= '9') {
        return (c - '0');
    }
    if (c >= 'a' && c <= 'f') {
        return (c - 'a' + 10);
    }
    if (c >= 'A' && c <= 'F') {
        return (c - 'A' + 10);
    }
    return (-1);
}

} // namespace

std::string
json_of(const isc::data::ConstElementPtr& element) {
    const std::string text = element->str();
    std::string out;
    out.reserve(text.size());
    bool in_string = false;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (in_string && c == '\\' && i + 5 < text.size() && text[i + 1] == 'u' &&
            text[i + 2] == '0' && text[i + 3] == '0') {
            int hi = hex_digit(text[i + 4]), lo = hex_digit(text[i + 5]);
            if (hi >= 8 && lo >= 0) {           // a byte >= 0x80: the byte itself
                out += static_cast<char>(hi << 4 | lo);
                i += 5;
                continue;
            }
        }
        if (in_string && c == '\\' && i + 1 < text.size()) {
            out += c;
            out += text[++i];                   // an escaped quote does not end it
            continue;
        }
        if (c == '"') {
            in_string = !in_string;
        }
        out += c;
    }
    return (out);
}

fo_msg
msg_of(const Pkt4Ptr& query) {
    uint8_t type = query->getType();
    if (type != DHCPREQUEST) {
        // Only a REQUEST's kind depends on more than its type (RFC 2131 4.3.2):
        // skip the option lookups for every other message.
        return (fo_msg_classify(type, 0, false, false, false));
    }
    bool broadcast = query->getLocalAddr().isV4Bcast() || query->isRelayed();
    return (fo_msg_classify(type, query->getCiaddr().toUint32(), broadcast,
                            static_cast<bool>(option_of(query, DHO_DHCP_SERVER_IDENTIFIER)),
                            static_cast<bool>(option_of(query, DHO_DHCP_REQUESTED_ADDRESS))));
}

fo_lease
lease_of(const Lease4Ptr& lease) {
    fo_lease l = {};
    l.subnet_id = lease->subnet_id_;
    l.addr = lease->addr_.toUint32();
    if (lease->client_id_ && !lease->client_id_->getClientId().empty()) {
        l.client.cid = lease->client_id_->getClientId().data();
        l.client.cid_len = lease->client_id_->getClientId().size();
    }
    if (lease->hwaddr_) {
        l.client.chaddr = lease->hwaddr_->hwaddr_.data();
        l.client.hlen = static_cast<uint8_t>(std::min<size_t>(lease->hwaddr_->hwaddr_.size(), 16));
        l.client.htype = static_cast<uint8_t>(lease->hwaddr_->htype_);
    }
    l.valid_lft = lease->valid_lft_;
    l.cltt = fo_wall_at(lease->cltt_);
    return (l);
}

void
extra_of(const Lease4Ptr& lease, fo_lease_extra& x) {
    static std::atomic<bool> told(false);
    fo_extra_clear(&x);
    x.fqdn = static_cast<uint8_t>((lease->fqdn_fwd_ ? FO_FQDN_FWD : 0) |
                                  (lease->fqdn_rev_ ? FO_FQDN_REV : 0));
    size_t n = std::min<size_t>(lease->hostname_.size(), FO_HOSTNAME_MAX);
    memcpy(x.hostname, lease->hostname_.data(), n);
    x.hostname[n] = '\0';
    x.hostname_len = static_cast<uint8_t>(n);
    isc::data::ConstElementPtr ctx = lease->getContext();
    if (!ctx) {
        return;
    }
    std::string text = json_of(ctx);
    if (text.size() > FO_USER_CONTEXT_MAX) {
        if (!told.exchange(true)) {
            LOG_WARN(failover_logger, FAILOVER_USER_CONTEXT_NOT_CARRIED)
                .arg(lease->addr_.toText()).arg(text.size()).arg(FO_USER_CONTEXT_MAX);
        }
        return;
    }
    memcpy(x.context, text.data(), text.size());
    x.context[text.size()] = '\0';
    x.context_len = static_cast<uint16_t>(text.size());
}

void
subnets_of(const SrvConfigPtr& config, SubnetList& out) {
    const Subnet4Collection* all = config->getCfgSubnets4()->getAll();
    out.subnets.clear();
    out.pools.assign(all->size(), {});
    out.reserved.assign(all->size(), {});
    size_t i = 0;
    for (auto const& subnet : *all) {
        for (auto const& pool : subnet->getPools(Lease::TYPE_V4)) {
            out.pools[i].push_back({pool->getFirstAddress().toUint32(),
                                    pool->getLastAddress().toUint32()});
        }
        for (auto const& host : config->getCfgHosts()->getAll4(subnet->getID())) {
            if (!host->getIPv4Reservation().isV4Zero()) {
                out.reserved[i].push_back(host->getIPv4Reservation().toUint32());
            }
        }
        fo_subnet s = {};
        s.subnet_id = subnet->getID();
        s.prefix = subnet->get().first.toUint32();
        s.plen = subnet->get().second;
        // What Kea's subnet selection looks at besides the prefix (fo_select.h).
        SharedNetwork4Ptr network;
        subnet->getSharedNetwork(network);
        s.relay_addresses = subnet->hasRelays() || (network && network->hasRelays());
        s.client_class = has_own_client_class(*subnet) ||
            (network && has_own_client_class(*network));
        out.subnets.push_back(s);
        ++i;
    }
    // The vectors are complete: now the pointers into them are stable.
    for (i = 0; i < out.subnets.size(); ++i) {
        out.subnets[i].pools = out.pools[i].data();
        out.subnets[i].n_pools = out.pools[i].size();
        out.subnets[i].reserved = out.reserved[i].data();
        out.subnets[i].n_reserved = out.reserved[i].size();
    }
}

} // namespace kea_failover
