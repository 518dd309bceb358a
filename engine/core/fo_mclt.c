/*
 * fo_mclt.c - the MCLT rule.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include "fo_mclt.h"

/* draft-12 5.2.1: lease <= acknowledged potential expiration + MCLT. */
uint32_t
fo_mclt_lease_time(uint32_t desired, uint32_t mclt, fo_wall now,
    fo_wall acked_pexp)
{
	uint64_t bound = mclt, left;

	if (acked_pexp.sec != 0 && acked_pexp.sec > now.sec) {
		/* The true difference is positive and below 2^64. */
		left = (uint64_t)acked_pexp.sec - (uint64_t)now.sec;
		bound = left >= FO_MCLT_LEASE_MAX ? FO_MCLT_LEASE_MAX :
		    left + mclt;
	}
	if (bound > FO_MCLT_LEASE_MAX)
		bound = FO_MCLT_LEASE_MAX;
	return desired < bound ? desired : (uint32_t)bound;
}

/* draft-12 7.1.5; reference section 6: now + desired + granted/2. */
fo_wall
fo_mclt_potential_expiry(fo_wall now, uint32_t desired, uint32_t granted)
{
	int64_t add = (int64_t)desired + (int64_t)(granted / 2);

	if (now.sec > INT64_MAX - add)
		return fo_wall_at(INT64_MAX);
	return fo_wall_at(now.sec + add);
}
