/*
 * fo_bextra.c - hostnames, FQDN flags and user contexts of bindings, in a
 * side table keyed by entry index (fo_bextra.h).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <string.h>

#include "fo_alloc.h"
#include "fo_bextra.h"

#define BX_MIN_CAP 16u          /* slots of a new index (a power of two) */
#define REC_HDR 4u              /* fqdn, hostname length, context length (u16) */
#define AR_SLACK 4096u          /* bytes an arena grows by at least */

struct bx_slot {
	uint32_t key;           /* entry index + 1; 0: empty */
	uint32_t rec;           /* the record's arena offset + 1 */
};

struct fo_bx {
	struct bx_slot *s;
	uint32_t cap;           /* slots, a power of two */
	uint32_t n;             /* keys stored */
	uint8_t *ar;            /* the arena: records back to back, no header */
	uint32_t ar_used;       /* bytes handed out */
	uint32_t ar_cap;
	uint32_t ar_dead;       /* bytes of records no slot holds */
};

static void *
bx_alloc(const fo_alloc *a, size_t sz, bool zero)
{
	if (zero)
		return a != NULL && a->calloc != NULL ? a->calloc(1, sz) : fo_calloc(1, sz);
	return a != NULL && a->malloc != NULL ? a->malloc(sz) : fo_malloc(sz);
}

static void
bx_free(const fo_alloc *a, void *p)
{
	if (a != NULL && a->free != NULL)
		a->free(p);
	else
		fo_free(p);
}

void
fo_extra_copy(fo_lease_extra *dst, const fo_lease_extra *src)
{
	uint16_t cl = src->context_len <= FO_USER_CONTEXT_MAX ? src->context_len : 0;

	dst->fqdn = src->fqdn;
	dst->hostname_len = src->hostname_len;     /* at most 255 = FO_HOSTNAME_MAX */
	dst->context_len = cl;
	memcpy(dst->hostname, src->hostname, src->hostname_len);
	dst->hostname[src->hostname_len] = '\0';
	memcpy(dst->context, src->context, cl);
	dst->context[cl] = '\0';
}

bool
fo_extra_same(const fo_lease_extra *a, const fo_lease_extra *b)
{
	return a->fqdn == b->fqdn && a->hostname_len == b->hostname_len &&
	    a->context_len == b->context_len &&
	    memcmp(a->hostname, b->hostname, a->hostname_len) == 0 &&
	    memcmp(a->context, b->context, a->context_len) == 0;
}

static uint32_t
rec_len(const uint8_t *r)
{
	return REC_HDR + r[1] + ((uint32_t)r[2] | (uint32_t)r[3] << 8);
}

static uint32_t
home(const fo_bx *bx, uint32_t key)
{
	return (key * 2654435761u) & (bx->cap - 1);
}

/* The slot holding key, or the empty slot where it would go. */
static uint32_t
find(const fo_bx *bx, uint32_t key)
{
	uint32_t i = home(bx, key);

	while (bx->s[i].key != 0 && bx->s[i].key != key)
		i = (i + 1) & (bx->cap - 1);
	return i;
}

/* Rehash into cap slots. */
static fo_status
grow(fo_bx *bx, const fo_alloc *a, uint32_t cap)
{
	struct bx_slot *old = bx->s;
	uint32_t ocap = bx->cap;

	if ((bx->s = bx_alloc(a, (size_t)cap * sizeof(*bx->s), true)) == NULL) {
		bx->s = old;
		return FO_ERR_NOMEM;
	}
	bx->cap = cap;
	for (uint32_t i = 0; i < ocap; i++)
		if (old[i].key != 0)
			bx->s[find(bx, old[i].key)] = old[i];
	bx_free(a, old);
	return FO_OK;
}

/* Room for one more key: the table exists and stays at most 3/4 full. */
static fo_status
room(fo_bx **bxp, const fo_alloc *a)
{
	fo_bx *bx = *bxp;

	if (bx == NULL) {
		if ((bx = bx_alloc(a, sizeof(*bx), true)) == NULL)
			return FO_ERR_NOMEM;
		if (grow(bx, a, BX_MIN_CAP) != FO_OK) {
			bx_free(a, bx);
			return FO_ERR_NOMEM;
		}
		*bxp = bx;
		return FO_OK;
	}
	if ((size_t)(bx->n + 1) * 4 <= (size_t)bx->cap * 3)
		return FO_OK;
	if (bx->cap > UINT32_MAX / 2)
		return FO_ERR_NOMEM;
	return grow(bx, a, bx->cap * 2);
}

/*
 * An arena of cap bytes holding the live records (in slot order; the slots
 * follow them) and nothing else: compaction when cap is about the live
 * bytes, growth when it is larger.
 */
static fo_status
rearena(fo_bx *bx, const fo_alloc *a, uint32_t cap)
{
	uint8_t *ar = bx_alloc(a, cap, false);
	uint32_t used = 0;

	if (ar == NULL)
		return FO_ERR_NOMEM;
	for (uint32_t i = 0; i < bx->cap; i++) {
		if (bx->s[i].key == 0)
			continue;
		const uint8_t *r = bx->ar + bx->s[i].rec - 1;
		uint32_t len = rec_len(r);

		memcpy(ar + used, r, len);
		bx->s[i].rec = used + 1;
		used += len;
	}
	bx_free(a, bx->ar);
	bx->ar = ar;
	bx->ar_cap = cap;
	bx->ar_used = used;
	bx->ar_dead = 0;
	return FO_OK;
}

/*
 * Room for `need` more bytes at the arena's end: compacted when the dead
 * bytes exceed a quarter of the live ones (and AR_SLACK), else grown by an
 * eighth (at least AR_SLACK). Never beyond 4 GiB.
 */
static fo_status
arena_room(fo_bx *bx, const fo_alloc *a, uint32_t need)
{
	uint32_t live = bx->ar_used - bx->ar_dead;
	uint64_t cap;

	if ((uint64_t)bx->ar_used + need <= bx->ar_cap)
		return FO_OK;
	if (bx->ar_dead > live / 4 && bx->ar_dead > AR_SLACK)
		cap = (uint64_t)live + live / 8 + need + AR_SLACK;
	else
		cap = (uint64_t)bx->ar_cap + bx->ar_cap / 8 + need + AR_SLACK;
	if (cap >= UINT32_MAX)
		return FO_ERR_NOMEM;
	return rearena(bx, a, (uint32_t)cap);
}

fo_status
fo_bx_make(fo_bx **bx, const fo_alloc *a, const fo_lease_extra *x, uint32_t *rec)
{
	uint32_t need;
	uint8_t *r;

	if (bx == NULL || x == NULL || rec == NULL)
		return FO_ERR_INVAL;
	*rec = 0;
	if ((x->fqdn & ~FO_FQDN_MASK) != 0 || x->context_len > FO_USER_CONTEXT_MAX)
		return FO_ERR_INVAL;
	if (!fo_extra_present(x))
		return FO_OK;
	need = REC_HDR + x->hostname_len + x->context_len;
	if (room(bx, a) != FO_OK || arena_room(*bx, a, need) != FO_OK)
		return FO_ERR_NOMEM;
	r = (*bx)->ar + (*bx)->ar_used;
	r[0] = x->fqdn;
	r[1] = x->hostname_len;
	r[2] = (uint8_t)x->context_len;
	r[3] = (uint8_t)(x->context_len >> 8);
	memcpy(r + REC_HDR, x->hostname, x->hostname_len);
	memcpy(r + REC_HDR + x->hostname_len, x->context, x->context_len);
	*rec = (*bx)->ar_used + 1;
	(*bx)->ar_used += need;
	return FO_OK;
}

/* Remove slot i, shifting back the entries its removal would strand. */
static void
remove_at(fo_bx *bx, uint32_t i)
{
	uint32_t mask = bx->cap - 1, j = i;

	for (;;) {
		j = (j + 1) & mask;
		if (bx->s[j].key == 0)
			break;
		uint32_t h = home(bx, bx->s[j].key);
		/* Move j to i when its home is not cyclically in (i, j]. */
		if (((j - h) & mask) >= ((j - i) & mask)) {
			bx->s[i] = bx->s[j];
			i = j;
		}
	}
	bx->s[i].key = 0;
	bx->s[i].rec = 0;
}

uint32_t
fo_bx_swap(fo_bx *bx, uint32_t key, uint32_t rec)
{
	uint32_t i, old;

	if (bx == NULL)
		return 0;               /* no record ever: rec is 0 too */
	i = find(bx, key + 1);
	old = bx->s[i].rec;
	if (rec == 0) {
		if (old != 0) {
			remove_at(bx, i);
			bx->n--;
		}
		return old;
	}
	if (old == 0) {
		bx->s[i].key = key + 1;
		bx->n++;
	}
	bx->s[i].rec = rec;
	return old;
}

void
fo_bx_free_rec(fo_bx *bx, uint32_t rec)
{
	if (bx != NULL && rec != 0)
		bx->ar_dead += rec_len(bx->ar + rec - 1);
}

void
fo_bx_get(const fo_bx *bx, uint32_t key, fo_lease_extra *out)
{
	const uint8_t *r;
	uint32_t i;

	fo_extra_clear(out);
	if (bx == NULL || bx->n == 0)
		return;
	i = find(bx, key + 1);
	if (bx->s[i].rec == 0)
		return;
	r = bx->ar + bx->s[i].rec - 1;
	out->fqdn = r[0];
	out->hostname_len = r[1];
	out->context_len = (uint16_t)(r[2] | r[3] << 8);
	memcpy(out->hostname, r + REC_HDR, out->hostname_len);
	out->hostname[out->hostname_len] = '\0';
	memcpy(out->context, r + REC_HDR + out->hostname_len, out->context_len);
	out->context[out->context_len] = '\0';
}

size_t
fo_bx_count(const fo_bx *bx)
{
	return bx != NULL ? bx->n : 0;
}

size_t
fo_bx_memory(const fo_bx *bx)
{
	if (bx == NULL)
		return 0;
	return sizeof(*bx) + (size_t)bx->cap * sizeof(*bx->s) + bx->ar_cap;
}

void
fo_bx_destroy(fo_bx *bx, const fo_alloc *a)
{
	if (bx == NULL)
		return;
	bx_free(a, bx->ar);
	bx_free(a, bx->s);
	bx_free(a, bx);
}
