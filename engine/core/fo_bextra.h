/*
 * fo_bextra.h - the side table of what bindings carry besides their client
 * and times (fo_lease_extra: hostname, FQDN flags, user context), keyed by
 * the binding table's entry index.
 *
 * Public tier (fo_binding.c uses it). A table with no record costs one NULL
 * pointer: a pool whose leases carry no hostname pays nothing in its
 * 32-byte bindings. Each record is one allocation of its own length (4
 * bytes of lengths and flags, then the hostname and context bytes, no NUL);
 * the index is an open-addressing hash of 16-byte slots (key, record
 * pointer) at most 3/4 full, with backward-shift deletion. fo_bx_memory()
 * counts each record as malloc's chunk (8 bytes of header, 16-byte steps).
 *
 * A change is made in two steps so that the binding table can stay all or
 * nothing: fo_bx_make() allocates (the record and room for one more key)
 * and may fail; fo_bx_swap() then cannot fail.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_BEXTRA_H
#define FO_BEXTRA_H

#include "fo_alloc.h"
#include "fo_host.h"

typedef struct fo_bx fo_bx;

/*
 * A record of *x in *rec (NULL when x carries nothing) and, when there is
 * one, room in *bx for one more key (the table is created on the first
 * record). FO_ERR_INVAL: lengths out of bounds or FQDN bits outside
 * FO_FQDN_MASK. FO_ERR_NOMEM: nothing allocated, *bx unchanged.
 */
fo_status fo_bx_make(fo_bx **bx, const fo_alloc *a, const fo_lease_extra *x, void **rec);
/*
 * Make rec the record of `key` (NULL removes it) and return the previous
 * one (NULL if none), for fo_bx_free_rec() or to swap back. rec must come
 * from fo_bx_make() on this table. bx may be NULL when rec is.
 */
void *fo_bx_swap(fo_bx *bx, uint32_t key, void *rec);
void fo_bx_free_rec(const fo_alloc *a, void *rec);     /* NULL is fine */
/* The record of `key` into *out; cleared (fo_extra_clear) when none. */
void fo_bx_get(const fo_bx *bx, uint32_t key, fo_lease_extra *out);
size_t fo_bx_count(const fo_bx *bx);
size_t fo_bx_memory(const fo_bx *bx);   /* index and records, in bytes */
void fo_bx_destroy(fo_bx *bx, const fo_alloc *a);     /* every record too */

#endif /* FO_BEXTRA_H */
