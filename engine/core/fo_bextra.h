/*
 * fo_bextra.h - the side table of what bindings carry besides their client
 * and times (fo_lease_extra: hostname, FQDN flags, user context), keyed by
 * the binding table's entry index.
 *
 * Public tier (fo_binding.c uses it). A table with no record costs one NULL
 * pointer: a pool whose leases carry no hostname pays nothing in its
 * 32-byte bindings. The records (4 bytes of lengths and flags, then the
 * hostname and context bytes, no NUL) lie back to back in one arena, as
 * the binding table's long client identities do: no per-record header or
 * pointer; the arena is compacted when the bytes of replaced records
 * exceed a quarter of the live ones (and 4 KiB), and grows by an eighth.
 * The index is an open-addressing hash of 8-byte slots (key, arena offset)
 * at most 3/4 full, with backward-shift deletion.
 *
 * A change is made in two steps so that the binding table can stay all or
 * nothing: fo_bx_make() allocates (the record and room for one more key)
 * and may fail; fo_bx_swap() then cannot fail. A record handle is its
 * arena offset + 1 (0: none); it is valid until the next fo_bx_make().
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_BEXTRA_H
#define FO_BEXTRA_H

#include "fo_alloc.h"
#include "fo_host.h"

typedef struct fo_bx fo_bx;

/*
 * A record of *x in the arena, its handle in *rec (0 when x carries
 * nothing), and room in *bx for one more key (the table is created with
 * the first record). FO_ERR_INVAL: lengths out of bounds or FQDN bits
 * outside FO_FQDN_MASK. FO_ERR_NOMEM: *bx holds the same records.
 */
fo_status fo_bx_make(fo_bx **bx, const fo_alloc *a, const fo_lease_extra *x, uint32_t *rec);
/*
 * Make rec (from the last fo_bx_make) the record of `key` (0 removes it)
 * and return the previous handle (0 if none), for fo_bx_free_rec().
 * bx may be NULL when rec is 0.
 */
uint32_t fo_bx_swap(fo_bx *bx, uint32_t key, uint32_t rec);
/* A record no key holds any more (replaced, or made and not used): its bytes are dead. */
void fo_bx_free_rec(fo_bx *bx, uint32_t rec);
/* The record of `key` into *out; cleared (fo_extra_clear) when none. */
void fo_bx_get(const fo_bx *bx, uint32_t key, fo_lease_extra *out);
size_t fo_bx_count(const fo_bx *bx);
size_t fo_bx_memory(const fo_bx *bx);   /* index and arena, in bytes */
void fo_bx_destroy(fo_bx *bx, const fo_alloc *a);

#endif /* FO_BEXTRA_H */
