/*
 * fo_mclt.h - the maximum client lead time (MCLT) rule, draft-12 sections
 * 5.2.1 and 7.1.5 (reference section 6).
 *
 * Public tier: the hook calls these when it sets a lease time, the binding
 * update module when it fills a BNDUPD.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_MCLT_H
#define FO_MCLT_H

#include "fo_types.h"

/* RFC 2132 section 9.2: lease time 0xffffffff means infinity. */
#define FO_LEASE_INFINITE UINT32_C(0xffffffff)
/* The longest lease the MCLT rule ever grants: one second short of infinity. */
#define FO_MCLT_LEASE_MAX (FO_LEASE_INFINITE - 1)

/*
 * Lease time, in seconds, that may be given to a client (draft-12 5.2.1):
 * never more than the partner-acknowledged potential expiration plus MCLT.
 *
 *	min(desired, max(acked_pexp - now, 0) + mclt)
 *
 * `desired` is what the server would give without failover; `acked_pexp`
 * is the potential expiration the partner last acknowledged for this
 * address, acked_pexp.sec == 0 meaning nothing was acknowledged (first
 * lease: min(desired, mclt)). An acknowledgement at or before `now` counts
 * as nothing remaining. When desired <= mclt the result is always `desired`.
 *
 * Arithmetic saturates and never overflows. The bound is capped at
 * FO_MCLT_LEASE_MAX, so the rule never grants FO_LEASE_INFINITE: a desired
 * infinite lease is a number like any other and comes out finite.
 *
 * mclt == 0: the rule is applied as written: a lease cannot outlast the
 * acknowledged potential expiration, and is 0 when nothing was
 * acknowledged, so no first lease can be given at all. The configuration
 * must therefore reject an MCLT of 0; this function does not invent
 * another rule for it.
 */
uint32_t fo_mclt_lease_time(uint32_t desired, uint32_t mclt, fo_wall now,
    fo_wall acked_pexp);

/*
 * Potential expiration time to send to the partner in the BNDUPD for a
 * lease of `granted` seconds given at `now` to a client that wanted
 * `desired` (draft-12 7.1.5; ISC's choice, reference section 6):
 *
 *	now + desired + granted / 2
 *
 * Why: the client comes back at T1 = now + granted/2 (RFC 2131 4.4.5). If
 * the partner has acknowledged this value by then, the rule above allows
 * min(desired, desired + mclt) = desired at that renewal: the full lease
 * is granted from the first renewal on, with MCLT to spare. Sending only
 * now + granted would cap every renewal at granted/2 + mclt.
 * Saturates at the largest fo_wall; the codec narrows it to 32 bits.
 */
fo_wall fo_mclt_potential_expiry(fo_wall now, uint32_t desired,
    uint32_t granted);

#endif /* FO_MCLT_H */
