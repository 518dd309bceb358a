/*
 * fo_select.h - which of Kea's subnets a relayed query lands in, decided
 * from its giaddr alone, and only where Kea 2.2's own selection
 * (CfgSubnets4::selectSubnet) cannot pick another: for buffer4_receive,
 * before Kea has parsed the packet. "Don't know" is always an answer.
 *
 * Kea selects, for a relayed query: the subnet named by a link-selection
 * sub-option (82.5) or a subnet-selection option (118) when present; else
 * the first subnet whose relay ip-addresses (its own, or its shared
 * network's) hold giaddr; else the first subnet, in configuration order,
 * whose prefix holds giaddr and whose client-class guard (its own and its
 * shared network's) admits the client. This index answers only for the
 * last case without guards: no subnet has relay addresses, and the first
 * subnet holding giaddr has no client-class guard (a guard depends on the
 * client's classes, known only after Kea's classification). The caller
 * checks 82.5 and 118 (fo_pkt4).
 *
 * Core tier: pure, built once per attach, read from any thread after.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_SELECT_H
#define FO_SELECT_H

#include "fo_host.h"
#include "fo_types.h"

typedef struct fo_select_entry {
	fo_ip4 first, last;             /* the prefix's range */
	uint32_t order;                 /* position in Kea's configuration */
} fo_select_entry;

typedef struct fo_select {
	const fo_subnet *subnets;       /* Kea's, in its order; not owned */
	size_t n;
	fo_select_entry *sorted;        /* by first address; NULL: linear scan */
	bool relays;                    /* some subnet has relay addresses: never sure */
	bool overlap;                   /* some prefixes overlap: scan in Kea's order */
} fo_select;

/*
 * Index `n` subnets (kept by reference: they must outlive the index).
 * FO_ERR_NOMEM leaves an index that answers "don't know" to everything.
 */
fo_status fo_select_build(fo_select *s, const fo_subnet *subnets, size_t n);
void fo_select_free(fo_select *s);

/*
 * The Kea subnet id a relayed query with this giaddr is given, when nothing
 * else can change it (above); false: don't know.
 */
bool fo_select_by_giaddr(const fo_select *s, fo_ip4 giaddr, uint32_t *subnet_id);

#endif /* FO_SELECT_H */
