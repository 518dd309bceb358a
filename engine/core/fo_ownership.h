/*
 * fo_ownership.h - split-pool ownership of free addresses
 * (reference/failover-protocol.md section 8).
 *
 * Public tier. A free address belongs to one server: FREE to the primary,
 * BACKUP to the secondary. "Free addresses" below means those two states.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_OWNERSHIP_H
#define FO_OWNERSHIP_H

#include "fo_binding.h"

/*
 * The split rule. Given the n free addresses sorted ascending and numbered
 * i = 0..n-1, and the secondary's share p in percent (0..100), address i
 * belongs to the secondary exactly when
 *
 *	floor(((i + 1) * p + 50) / 100) > floor((i * p + 50) / 100)
 *
 * that is, when the rounded running share of the secondary steps up at i.
 * The secondary then owns round(n * p / 100) addresses (halves round up),
 * spread evenly: one in every 100/p addresses. The rule depends only on the
 * sorted set of free addresses, so both partners compute the same split on
 * their own. Examples: p = 50 gives the secondary i = 0, 2, 4, ...;
 * p = 5 gives i = 9, 29, 49, ... (n = 3, p = 50: i = 0 and 2).
 */
bool fo_own_is_secondary(uint64_t i, unsigned secondary_percent);
/* round(n * p / 100), halves up: how many of n free addresses the secondary owns. */
uint64_t fo_own_share(uint64_t n, unsigned secondary_percent);

/*
 * Apply the split rule to every free address of the table; ACTIVE and the
 * other states are untouched. An address that changes owner gets stos =
 * now and goes to the tail of its new list, in ascending address order.
 * Running it again with the same percent changes nothing.
 * FO_ERR_INVAL: bt NULL or secondary_percent > 100.
 */
fo_status fo_own_split(fo_bt *bt, unsigned secondary_percent, fo_wall now);

/*
 * Free addresses to move to the secondary (positive) or back to the primary
 * (negative) so that it owns fo_own_share(free, p) of the currently free
 * addresses. 0 for bt NULL or p > 100.
 */
int64_t fo_own_imbalance(const fo_bt *bt, unsigned secondary_percent);

#endif /* FO_OWNERSHIP_H */
