/*
 * check_binding.c - unit tests of the binding table (engine/core/fo_binding.c).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fo_binding.h"

#define IP(a, b, c, d) ((fo_ip4)(((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d)))

/* --- Counting allocator that fails the Nth call ---------------------------- */

static long alloc_fail_at = -1;   /* 0-based call number to fail, -1: never */
static long alloc_calls;
static long alloc_live;

static bool
alloc_should_fail(void)
{
	return alloc_calls++ == alloc_fail_at;
}

static void *
t_malloc(size_t n)
{
	void *p = alloc_should_fail() ? NULL : malloc(n);

	alloc_live += p != NULL;
	return p;
}

static void *
t_calloc(size_t nm, size_t n)
{
	void *p = alloc_should_fail() ? NULL : calloc(nm, n);

	alloc_live += p != NULL;
	return p;
}

static void
t_free(void *p)
{
	alloc_live -= p != NULL;
	free(p);
}

static const fo_alloc counting = { t_malloc, t_calloc, t_free };

static void
alloc_reset(long fail_at)
{
	alloc_fail_at = fail_at;
	alloc_calls = 0;
	alloc_live = 0;
}

/* --- Helpers ----------------------------------------------------------------- */

static fo_client_id
mkid(uint8_t htype, uint32_t mac, size_t cidlen, uint8_t cidfill)
{
	fo_client_id id;

	memset(&id, 0, sizeof(id));
	id.htype = htype;
	if (mac != 0) {
		id.hlen = 6;
		id.hw[0] = 0x52;
		id.hw[1] = 0x54;
		id.hw[2] = (uint8_t)(mac >> 24);
		id.hw[3] = (uint8_t)(mac >> 16);
		id.hw[4] = (uint8_t)(mac >> 8);
		id.hw[5] = (uint8_t)mac;
	}
	id.cidlen = (uint8_t)cidlen;
	memset(id.cid, cidfill, cidlen);
	if (cidlen > 0)
		id.cid[cidlen - 1] = (uint8_t)mac;
	return id;
}

static bool
id_equal(const fo_client_id *a, const fo_client_id *b)
{
	return a->htype == b->htype && a->hlen == b->hlen && a->cidlen == b->cidlen &&
	    memcmp(a->hw, b->hw, a->hlen) == 0 && memcmp(a->cid, b->cid, a->cidlen) == 0;
}

/*
 * Check every invariant through the public API (and the list links): lists
 * hold exactly the entries of their state, prev links mirror next links,
 * counts add up, client reference counts match the entries using them.
 */
static void
check_invariants(const fo_bt *bt)
{
	size_t n = fo_bt_size(bt), total = 0, listed = 0, distinct = 0;
	fo_bt_iter it = FO_BT_ITER_INIT;
	const fo_binding *e0, *b;
	uint32_t *refs;
	fo_ip4 addr, prev_addr = 0;

	ck_assert(fo_bt_iter_next(bt, &it, &addr, &e0));
	ck_assert_ptr_eq(fo_bt_lookup(bt, addr), e0);
	for (unsigned s = FO_BS_FREE; s <= FO_BS_MAX; s++) {
		size_t c = 0;
		const fo_binding *p = NULL;

		for (b = fo_bt_list_first(bt, (fo_bstate)s); b != NULL;
		    p = b, b = fo_bt_list_next(bt, b)) {
			ck_assert_uint_eq(fo_binding_state(b), s);
			ck_assert_uint_eq(b->prev, p == NULL ? UINT32_MAX : (uint32_t)(p - e0));
			ck_assert(c++ < n);
		}
		ck_assert_uint_eq(c, fo_bt_count(bt, (fo_bstate)s));
		listed += c;
	}
	ck_assert_uint_eq(listed, n);
	ck_assert_ptr_null(fo_bt_list_first(bt, (fo_bstate)0));
	ck_assert_uint_eq(fo_bt_count(bt, (fo_bstate)0), 0);
	ck_assert_uint_eq(fo_bt_count(bt, (fo_bstate)8), 0);

	refs = calloc(n + 2, sizeof(*refs));
	ck_assert_ptr_nonnull(refs);
	it = (fo_bt_iter)FO_BT_ITER_INIT;
	while (fo_bt_iter_next(bt, &it, &addr, &b)) {
		ck_assert(total == 0 || addr > prev_addr);
		ck_assert_ptr_eq(fo_bt_lookup(bt, addr), b);
		ck_assert_uint_eq(fo_bt_address(bt, b), addr);
		ck_assert_uint_le(b->client, n + 1);
		refs[b->client]++;
		prev_addr = addr;
		total++;
	}
	ck_assert_uint_eq(total, n);
	for (size_t i = 1; i < n + 2; i++) {
		ck_assert_uint_eq(refs[i], fo_bt_client_refs(bt, (uint32_t)i));
		distinct += refs[i] > 0;
	}
	ck_assert_uint_eq(distinct, fo_bt_client_count(bt));
	free(refs);
}

/* --- Building and lookup --------------------------------------------------- */

START_TEST(test_small)
{
	fo_pool_range r = { IP(192, 168, 1, 10), IP(192, 168, 1, 19) };
	fo_bt *bt;
	const fo_binding *b;

	ck_assert_int_eq(fo_bt_create(&bt, &r, 1, NULL), FO_OK);
	ck_assert_uint_eq(fo_bt_size(bt), 10);
	ck_assert_uint_eq(fo_bt_count(bt, FO_BS_FREE), 10);
	ck_assert_uint_eq(fo_bt_count(bt, FO_BS_BACKUP), 0);
	ck_assert_ptr_null(fo_bt_lookup(bt, IP(192, 168, 1, 9)));
	ck_assert_ptr_null(fo_bt_lookup(bt, IP(192, 168, 1, 20)));
	ck_assert_ptr_null(fo_bt_lookup(bt, 0));
	ck_assert_ptr_null(fo_bt_lookup(bt, UINT32_MAX));
	for (fo_ip4 a = IP(192, 168, 1, 10); a <= IP(192, 168, 1, 19); a++) {
		b = fo_bt_lookup(bt, a);
		ck_assert_ptr_nonnull(b);
		ck_assert_uint_eq(fo_bt_address(bt, b), a);
		ck_assert_uint_eq(fo_binding_state(b), FO_BS_FREE);
		ck_assert_uint_eq(b->client, 0);
		ck_assert_uint_eq(b->expiry | b->pexp_sent | b->pexp_acked | b->cltt | b->stos, 0);
	}
	/* FREE list starts in ascending order. */
	ck_assert_uint_eq(fo_bt_next_free(bt, FO_BS_FREE), IP(192, 168, 1, 10));
	ck_assert_uint_eq(fo_bt_next_free(bt, FO_BS_BACKUP), 0);
	ck_assert_uint_eq(fo_bt_next_free(bt, FO_BS_ACTIVE), 0);
	ck_assert_uint_eq(fo_bt_address(bt, NULL), 0);
	ck_assert_uint_eq(fo_bt_address(bt, (const fo_binding *)&r), 0);
	check_invariants(bt);
	fo_bt_destroy(bt);
}
END_TEST

START_TEST(test_slash16)
{
	fo_pool_range r = { IP(10, 1, 0, 0), IP(10, 1, 255, 255) };
	fo_bt *bt;

	ck_assert_int_eq(fo_bt_create(&bt, &r, 1, NULL), FO_OK);
	ck_assert_uint_eq(fo_bt_size(bt), 65536);
	ck_assert_uint_lt(fo_bt_memory(bt), 4u << 20);
	ck_assert_uint_ge(fo_bt_memory(bt), 65536 * sizeof(fo_binding));
	for (fo_ip4 a = r.first; a <= r.last; a++)
		ck_assert_uint_eq(fo_bt_address(bt, fo_bt_lookup(bt, a)), a);
	ck_assert_ptr_null(fo_bt_lookup(bt, IP(10, 0, 255, 255)));
	ck_assert_ptr_null(fo_bt_lookup(bt, IP(10, 2, 0, 0)));
	check_invariants(bt);
	fo_bt_destroy(bt);
}
END_TEST

START_TEST(test_multi_pool)
{
	/* Out of order, with gaps and two adjacent ranges. */
	fo_pool_range r[] = {
		{ IP(10, 0, 3, 0), IP(10, 0, 3, 255) },
		{ IP(10, 0, 0, 100), IP(10, 0, 0, 199) },
		{ IP(10, 0, 1, 0), IP(10, 0, 1, 0) },
		{ IP(10, 0, 1, 1), IP(10, 0, 1, 9) },
	};
	fo_bt *bt;
	fo_bt_iter it = FO_BT_ITER_INIT;
	fo_ip4 a, expect[366];
	size_t k = 0;

	ck_assert_int_eq(fo_bt_create(&bt, r, 4, NULL), FO_OK);
	ck_assert_uint_eq(fo_bt_size(bt), 100 + 1 + 9 + 256);
	for (a = IP(10, 0, 0, 100); a <= IP(10, 0, 0, 199); a++)
		expect[k++] = a;
	for (a = IP(10, 0, 1, 0); a <= IP(10, 0, 1, 9); a++)
		expect[k++] = a;
	for (a = IP(10, 0, 3, 0); a <= IP(10, 0, 3, 255); a++)
		expect[k++] = a;
	ck_assert_uint_eq(k, 366);
	k = 0;
	while (fo_bt_iter_next(bt, &it, &a, NULL))
		ck_assert_uint_eq(a, expect[k++]);
	ck_assert_uint_eq(k, 366);
	ck_assert(!fo_bt_iter_next(bt, &it, &a, NULL));
	for (a = IP(10, 0, 0, 0); a <= IP(10, 0, 4, 0); a++) {
		bool in = false;

		for (size_t i = 0; i < 4; i++)
			in = in || (a >= r[i].first && a <= r[i].last);
		ck_assert_int_eq(fo_bt_lookup(bt, a) != NULL, in);
	}
	/* Entries are numbered in address order across the pools. */
	ck_assert_uint_eq(fo_bt_lookup(bt, IP(10, 0, 1, 0)) - fo_bt_lookup(bt, IP(10, 0, 0, 100)), 100);
	ck_assert_uint_eq(fo_bt_lookup(bt, IP(10, 0, 3, 0)) - fo_bt_lookup(bt, IP(10, 0, 0, 100)), 110);
	ck_assert_uint_eq(fo_bt_next_free(bt, FO_BS_FREE), IP(10, 0, 0, 100));
	/* A seek to any address resumes the walk at the first pool address >= it. */
	for (fo_ip4 s = IP(10, 0, 0, 0); s <= IP(10, 0, 4, 0); s++) {
		size_t first = 0;

		while (first < 366 && expect[first] < s)
			first++;
		fo_bt_iter_seek(bt, &it, s);
		if (first == 366) {
			ck_assert(!fo_bt_iter_next(bt, &it, &a, NULL));
			continue;
		}
		ck_assert(fo_bt_iter_next(bt, &it, &a, NULL));
		ck_assert_uint_eq(a, expect[first]);
		if (first + 1 < 366) {
			ck_assert(fo_bt_iter_next(bt, &it, &a, NULL));
			ck_assert_uint_eq(a, expect[first + 1]);
		}
	}
	fo_bt_iter_seek(bt, &it, 0);
	ck_assert(fo_bt_iter_next(bt, &it, &a, NULL));
	ck_assert_uint_eq(a, IP(10, 0, 0, 100));
	fo_bt_iter_seek(bt, &it, UINT32_MAX);
	ck_assert(!fo_bt_iter_next(bt, &it, &a, NULL));
	fo_bt_iter_seek(NULL, &it, 5);
	fo_bt_iter_seek(bt, NULL, 5);
	check_invariants(bt);
	fo_bt_destroy(bt);
}
END_TEST

START_TEST(test_many_small_pools)
{
	/* 100 one-address pools in one /24 (many ranges per directory block). */
	fo_pool_range r[101];
	fo_bt *bt;

	for (size_t i = 0; i < 100; i++)
		r[i].first = r[i].last = IP(10, 0, 0, 2 + 2 * i);
	r[100] = (fo_pool_range){ IP(10, 9, 0, 0), IP(10, 9, 3, 255) };
	ck_assert_int_eq(fo_bt_create(&bt, r, 101, NULL), FO_OK);
	ck_assert_uint_eq(fo_bt_size(bt), 100 + 1024);
	for (fo_ip4 a = IP(10, 0, 0, 0); a <= IP(10, 0, 1, 0); a++) {
		fo_ip4 o = a & 0xff;
		bool in = a <= IP(10, 0, 0, 200) && o >= 2 && o % 2 == 0;
		const fo_binding *b = fo_bt_lookup(bt, a);

		ck_assert_int_eq(b != NULL, in);
		if (in)
			ck_assert_uint_eq(fo_bt_address(bt, b), a);
	}
	check_invariants(bt);
	fo_bt_destroy(bt);
}
END_TEST

START_TEST(test_far_pools)
{
	/* Pools spread over the whole address space: the directory stays small. */
	fo_pool_range r[] = {
		{ IP(255, 255, 255, 0), IP(255, 255, 255, 255) },
		{ IP(1, 0, 0, 1), IP(1, 0, 0, 1) },
		{ IP(128, 0, 0, 0), IP(128, 0, 0, 255) },
	};
	fo_ip4 out[] = { 0, IP(1, 0, 0, 0), IP(1, 0, 0, 2), IP(2, 0, 0, 0),
	    IP(127, 255, 255, 255), IP(128, 0, 1, 0), IP(255, 255, 254, 255) };
	fo_bt *bt;

	ck_assert_int_eq(fo_bt_create(&bt, r, 3, NULL), FO_OK);
	ck_assert_uint_eq(fo_bt_size(bt), 513);
	ck_assert_uint_lt(fo_bt_memory(bt), 32 * 1024);
	for (size_t i = 0; i < 3; i++)
		for (uint64_t a = r[i].first; a <= r[i].last; a++)
			ck_assert_uint_eq(fo_bt_address(bt, fo_bt_lookup(bt, (fo_ip4)a)), a);
	for (size_t i = 0; i < sizeof(out) / sizeof(out[0]); i++)
		ck_assert_ptr_null(fo_bt_lookup(bt, out[i]));
	check_invariants(bt);
	fo_bt_destroy(bt);
}
END_TEST

START_TEST(test_invalid)
{
	fo_pool_range ok = { IP(10, 0, 0, 1), IP(10, 0, 0, 9) };
	fo_pool_range rev = { IP(10, 0, 0, 9), IP(10, 0, 0, 1) };
	fo_pool_range zero = { 0, IP(10, 0, 0, 1) };
	fo_pool_range ovl[] = { { IP(10, 0, 0, 5), IP(10, 0, 0, 20) }, ok };
	fo_pool_range dup[] = { ok, ok };
	fo_pool_range touch[] = { { IP(10, 0, 0, 9), IP(10, 0, 0, 20) }, ok };
	fo_pool_range big = { IP(1, 0, 0, 0), IP(2, 0, 0, 0) };
	fo_pool_range all = { 1, UINT32_MAX };
	fo_pool_range halves[] = { { IP(1, 0, 0, 0), IP(1, 127, 255, 255) },
	    { IP(1, 128, 0, 0), IP(2, 0, 0, 0) } };
	fo_bt *bt = (fo_bt *)&ok;

	ck_assert_int_eq(fo_bt_create(NULL, &ok, 1, NULL), FO_ERR_INVAL);
	ck_assert_int_eq(fo_bt_create(&bt, NULL, 1, NULL), FO_ERR_INVAL);
	ck_assert_int_eq(fo_bt_create(&bt, &ok, 0, NULL), FO_ERR_INVAL);
	alloc_reset(-1);
	ck_assert_int_eq(fo_bt_create(&bt, &rev, 1, &counting), FO_ERR_INVAL);
	ck_assert_ptr_null(bt);
	ck_assert_int_eq(fo_bt_create(&bt, &zero, 1, &counting), FO_ERR_INVAL);
	ck_assert_int_eq(fo_bt_create(&bt, ovl, 2, &counting), FO_ERR_INVAL);
	ck_assert_int_eq(fo_bt_create(&bt, dup, 2, &counting), FO_ERR_INVAL);
	ck_assert_int_eq(fo_bt_create(&bt, touch, 2, &counting), FO_ERR_INVAL);
	ck_assert_int_eq(fo_bt_create(&bt, &big, 1, &counting), FO_ERR_RANGE);
	ck_assert_int_eq(fo_bt_create(&bt, &all, 1, &counting), FO_ERR_RANGE);
	ck_assert_int_eq(fo_bt_create(&bt, halves, 2, &counting), FO_ERR_RANGE);
	ck_assert_int_eq(fo_bt_create(&bt, &ok, SIZE_MAX, &counting), FO_ERR_RANGE);
	ck_assert_ptr_null(bt);
	ck_assert_int_eq(alloc_live, 0);

	/* Misuse of the other calls. */
	ck_assert_int_eq(fo_bt_create(&bt, &ok, 1, NULL), FO_OK);
	ck_assert_int_eq(fo_bt_set_state(NULL, IP(10, 0, 0, 1), FO_BS_ACTIVE, fo_wall_at(1)), FO_ERR_INVAL);
	ck_assert_int_eq(fo_bt_set_state(bt, IP(10, 0, 0, 1), (fo_bstate)0, fo_wall_at(1)), FO_ERR_INVAL);
	ck_assert_int_eq(fo_bt_set_state(bt, IP(10, 0, 0, 1), (fo_bstate)8, fo_wall_at(1)), FO_ERR_INVAL);
	ck_assert_int_eq(fo_bt_set_state(bt, IP(10, 0, 0, 10), FO_BS_ACTIVE, fo_wall_at(1)), FO_ERR_NOTFOUND);
	ck_assert_int_eq(fo_bt_set_time(bt, IP(10, 0, 0, 1), (fo_btime)9, 5), FO_ERR_INVAL);
	ck_assert_int_eq(fo_bt_set_time(bt, IP(10, 0, 0, 0), FO_BT_CLTT, 5), FO_ERR_NOTFOUND);
	ck_assert_int_eq(fo_bt_set_flags(bt, IP(10, 0, 0, 1), 0x20, 0), FO_ERR_INVAL);
	ck_assert_int_eq(fo_bt_set_flags(bt, IP(10, 0, 0, 0), 1, 0), FO_ERR_NOTFOUND);
	ck_assert_int_eq(fo_bt_client(bt, IP(10, 0, 0, 1), NULL), FO_ERR_INVAL);
	ck_assert_int_eq(fo_bt_get(bt, IP(10, 0, 0, 1), NULL), FO_ERR_INVAL);
	ck_assert_int_eq(fo_bt_update(bt, IP(10, 0, 0, 1), NULL), FO_ERR_INVAL);
	ck_assert_uint_eq(fo_bt_size(NULL), 0);
	ck_assert_uint_eq(fo_bt_memory(NULL), 0);
	ck_assert_uint_eq(fo_bt_count(NULL, FO_BS_FREE), 0);
	ck_assert_ptr_null(fo_bt_lookup(NULL, IP(10, 0, 0, 1)));
	ck_assert_uint_eq(fo_bt_next_free(NULL, FO_BS_FREE), 0);
	ck_assert(!fo_bt_iter_next(NULL, NULL, NULL, NULL));
	check_invariants(bt);
	fo_bt_destroy(bt);
	fo_bt_destroy(NULL);
}
END_TEST

/* --- States, lists, counts ------------------------------------------------- */

START_TEST(test_lru)
{
	fo_pool_range r = { IP(10, 0, 0, 1), IP(10, 0, 0, 5) };
	fo_bt *bt;
	const fo_binding *b;

	ck_assert_int_eq(fo_bt_create(&bt, &r, 1, NULL), FO_OK);
	ck_assert_uint_eq(fo_bt_next_free(bt, FO_BS_FREE), IP(10, 0, 0, 1));
	ck_assert_int_eq(fo_bt_set_state(bt, IP(10, 0, 0, 1), FO_BS_ACTIVE, fo_wall_at(100)), FO_OK);
	ck_assert_uint_eq(fo_bt_lookup(bt, IP(10, 0, 0, 1))->stos, 100);
	ck_assert_uint_eq(fo_bt_next_free(bt, FO_BS_FREE), IP(10, 0, 0, 2));
	ck_assert_int_eq(fo_bt_set_state(bt, IP(10, 0, 0, 3), FO_BS_ACTIVE, fo_wall_at(101)), FO_OK);
	/* Freed addresses go to the tail: .3 first, then .1. */
	ck_assert_int_eq(fo_bt_set_state(bt, IP(10, 0, 0, 3), FO_BS_FREE, fo_wall_at(102)), FO_OK);
	ck_assert_int_eq(fo_bt_set_state(bt, IP(10, 0, 0, 1), FO_BS_FREE, fo_wall_at(103)), FO_OK);
	{
		const fo_ip4 order[] = { IP(10, 0, 0, 2), IP(10, 0, 0, 4), IP(10, 0, 0, 5),
		    IP(10, 0, 0, 3), IP(10, 0, 0, 1) };
		size_t k = 0;

		for (b = fo_bt_list_first(bt, FO_BS_FREE); b != NULL; b = fo_bt_list_next(bt, b))
			ck_assert_uint_eq(fo_bt_address(bt, b), order[k++]);
		ck_assert_uint_eq(k, 5);
		for (k = 0; k < 5; k++) {
			ck_assert_uint_eq(fo_bt_next_free(bt, FO_BS_FREE), order[k]);
			ck_assert_int_eq(fo_bt_set_state(bt, order[k], FO_BS_ACTIVE, fo_wall_at(104)), FO_OK);
		}
	}
	ck_assert_uint_eq(fo_bt_next_free(bt, FO_BS_FREE), 0);
	ck_assert_uint_eq(fo_bt_count(bt, FO_BS_ACTIVE), 5);
	/* Setting the same state keeps the place and only updates stos. */
	ck_assert_int_eq(fo_bt_set_state(bt, IP(10, 0, 0, 2), FO_BS_BACKUP, fo_wall_at(1)), FO_OK);
	ck_assert_int_eq(fo_bt_set_state(bt, IP(10, 0, 0, 4), FO_BS_BACKUP, fo_wall_at(2)), FO_OK);
	ck_assert_int_eq(fo_bt_set_state(bt, IP(10, 0, 0, 2), FO_BS_BACKUP, fo_wall_at(3)), FO_OK);
	ck_assert_uint_eq(fo_bt_next_free(bt, FO_BS_BACKUP), IP(10, 0, 0, 2));
	ck_assert_uint_eq(fo_bt_lookup(bt, IP(10, 0, 0, 2))->stos, 3);
	ck_assert_uint_eq(fo_bt_count(bt, FO_BS_BACKUP), 2);
	ck_assert_uint_eq(fo_bt_count(bt, FO_BS_ACTIVE), 3);
	ck_assert_uint_eq(fo_bt_next_free(bt, FO_BS_FREE), 0);
	check_invariants(bt);
	fo_bt_destroy(bt);
}
END_TEST

/* fo_bt_touch: the touched address goes last in its list; nothing else changes. */
START_TEST(test_touch)
{
	fo_pool_range r = { IP(10, 0, 0, 1), IP(10, 0, 0, 4) };
	const fo_ip4 order[] = { IP(10, 0, 0, 2), IP(10, 0, 0, 3), IP(10, 0, 0, 4), IP(10, 0, 0, 1) };
	const fo_binding *b;
	fo_bt *bt;
	size_t k = 0;

	ck_assert_int_eq(fo_bt_create(&bt, &r, 1, NULL), FO_OK);
	ck_assert_int_eq(fo_bt_set_state(bt, IP(10, 0, 0, 1), FO_BS_FREE, fo_wall_at(7)), FO_OK);
	ck_assert_int_eq(fo_bt_touch(bt, IP(10, 0, 0, 1)), FO_OK);
	for (b = fo_bt_list_first(bt, FO_BS_FREE); b != NULL; b = fo_bt_list_next(bt, b))
		ck_assert_uint_eq(fo_bt_address(bt, b), order[k++]);
	ck_assert_uint_eq(k, 4);
	ck_assert_uint_eq(fo_bt_count(bt, FO_BS_FREE), 4);
	ck_assert_uint_eq(fo_bt_lookup(bt, IP(10, 0, 0, 1))->stos, 7);
	ck_assert_uint_eq(fo_bt_next_free(bt, FO_BS_FREE), IP(10, 0, 0, 2));
	/* The only member of a list stays its head. */
	ck_assert_int_eq(fo_bt_set_state(bt, IP(10, 0, 0, 3), FO_BS_ACTIVE, fo_wall_at(8)), FO_OK);
	ck_assert_int_eq(fo_bt_touch(bt, IP(10, 0, 0, 3)), FO_OK);
	ck_assert_uint_eq(fo_bt_address(bt, fo_bt_list_first(bt, FO_BS_ACTIVE)), IP(10, 0, 0, 3));
	ck_assert_uint_eq(fo_bt_count(bt, FO_BS_ACTIVE), 1);
	ck_assert_int_eq(fo_bt_touch(bt, IP(10, 0, 1, 1)), FO_ERR_NOTFOUND);
	ck_assert_int_ne(fo_bt_touch(NULL, IP(10, 0, 0, 1)), FO_OK);
	check_invariants(bt);
	fo_bt_destroy(bt);
}
END_TEST

/* Deterministic PRNG for the property test (xorshift32). */
static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* The model's oldest address of state s: smallest stamp; 0 if none. */
static fo_ip4
model_oldest(const fo_ip4 *addr, const unsigned *st, const uint64_t *stamp, size_t n, unsigned s)
{
	size_t best = n;

	for (size_t i = 0; i < n; i++)
		if (st[i] == s && (best == n || stamp[i] < stamp[best]))
			best = i;
	return best == n ? 0 : addr[best];
}

START_TEST(test_property)
{
	fo_pool_range r[] = {
		{ IP(172, 16, 5, 0), IP(172, 16, 5, 99) },
		{ IP(172, 16, 0, 10), IP(172, 16, 0, 109) },
		{ IP(172, 16, 9, 200), IP(172, 16, 10, 55) },
	};
	enum { N = 100 + 100 + 112, OPS = 100000 };
	fo_ip4 addr[N];
	unsigned st[N];
	uint64_t stamp[N], clock = 0;
	size_t cnt[FO_BS_MAX + 1] = { 0 };
	fo_bt_iter it = FO_BT_ITER_INIT;
	uint32_t seed = 0x9e3779b9u;
	fo_bt *bt;
	size_t n = 0;

	ck_assert_int_eq(fo_bt_create(&bt, r, 3, NULL), FO_OK);
	while (fo_bt_iter_next(bt, &it, &addr[n], NULL)) {
		st[n] = FO_BS_FREE;
		stamp[n] = clock++;
		n++;
	}
	ck_assert_uint_eq(n, N);
	cnt[FO_BS_FREE] = N;
	for (unsigned op = 0; op < OPS; op++) {
		uint32_t x = rnd(&seed);
		size_t i = x % N;
		unsigned s = 1 + (x >> 16) % FO_BS_MAX;

		if ((x >> 8) % 10 < 3) {
			/* Allocate: take the oldest free address of one owner. */
			unsigned fs = (x >> 12) & 1 ? FO_BS_BACKUP : FO_BS_FREE;
			fo_ip4 a = model_oldest(addr, st, stamp, N, fs);

			ck_assert_uint_eq(fo_bt_next_free(bt, (fo_bstate)fs), a);
			if (a == 0)
				continue;
			for (i = 0; addr[i] != a; i++)
				;
			s = FO_BS_ACTIVE;
		}
		ck_assert_int_eq(fo_bt_set_state(bt, addr[i], (fo_bstate)s, fo_wall_at(op)), FO_OK);
		if (st[i] != s) {
			cnt[st[i]]--;
			cnt[s]++;
			st[i] = s;
			stamp[i] = clock++;
		}
		for (unsigned k = FO_BS_FREE; k <= FO_BS_MAX; k++)
			ck_assert_uint_eq(fo_bt_count(bt, (fo_bstate)k), cnt[k]);
		if (op % 1000 != 999)
			continue;
		/* Full check: each list is its state's addresses by stamp. */
		for (unsigned k = FO_BS_FREE; k <= FO_BS_MAX; k++) {
			uint64_t last = 0;
			size_t c = 0;

			for (const fo_binding *b = fo_bt_list_first(bt, (fo_bstate)k); b != NULL;
			    b = fo_bt_list_next(bt, b), c++) {
				fo_ip4 a = fo_bt_address(bt, b);
				size_t j;

				for (j = 0; addr[j] != a; j++)
					;
				ck_assert_uint_eq(st[j], k);
				ck_assert(c == 0 || stamp[j] > last);
				last = stamp[j];
			}
			ck_assert_uint_eq(c, cnt[k]);
		}
		check_invariants(bt);
	}
	fo_bt_destroy(bt);
}
END_TEST

/* --- Client store ---------------------------------------------------------- */

START_TEST(test_clients)
{
	fo_pool_range r = { IP(10, 0, 0, 1), IP(10, 0, 3, 255) };
	fo_client_id a = mkid(1, 0xa, 0, 0), b = mkid(1, 0xb, 7, 0x01), c, got;
	fo_client_id a6 = mkid(6, 0xa, 0, 0), cidonly = mkid(0, 0, 20, 0x33);
	fo_client_id none;
	fo_bt *bt;
	uint32_t ia, ib;

	memset(&none, 0, sizeof(none));
	ck_assert_int_eq(fo_bt_create(&bt, &r, 1, NULL), FO_OK);
	ck_assert_uint_eq(fo_bt_client_find(bt, &a), 0);
	ck_assert_int_eq(fo_bt_set_client(bt, IP(10, 0, 0, 1), &a), FO_OK);
	ck_assert_int_eq(fo_bt_set_client(bt, IP(10, 0, 0, 2), &a), FO_OK);
	ck_assert_int_eq(fo_bt_set_client(bt, IP(10, 0, 0, 3), &b), FO_OK);
	ia = fo_bt_client_find(bt, &a);
	ib = fo_bt_client_find(bt, &b);
	ck_assert_uint_ne(ia, 0);
	ck_assert_uint_ne(ib, 0);
	ck_assert_uint_ne(ia, ib);
	ck_assert_uint_eq(fo_bt_lookup(bt, IP(10, 0, 0, 2))->client, ia);
	ck_assert_uint_eq(fo_bt_client_refs(bt, ia), 2);
	ck_assert_uint_eq(fo_bt_client_refs(bt, ib), 1);
	ck_assert_uint_eq(fo_bt_client_count(bt), 2);
	ck_assert_int_eq(fo_bt_client(bt, IP(10, 0, 0, 3), &got), FO_OK);
	ck_assert(id_equal(&got, &b));
	ck_assert_int_eq(fo_bt_client(bt, IP(10, 0, 0, 4), &got), FO_OK);
	ck_assert(id_equal(&got, &none));
	ck_assert_int_eq(fo_bt_client(bt, IP(10, 0, 4, 0), &got), FO_ERR_NOTFOUND);
	/* Distinct in htype alone, or cid alone. */
	ck_assert_int_eq(fo_bt_set_client(bt, IP(10, 0, 0, 4), &a6), FO_OK);
	ck_assert_uint_ne(fo_bt_lookup(bt, IP(10, 0, 0, 4))->client, ia);
	ck_assert_int_eq(fo_bt_set_client(bt, IP(10, 0, 0, 5), &cidonly), FO_OK);
	ck_assert_int_eq(fo_bt_client(bt, IP(10, 0, 0, 5), &got), FO_OK);
	ck_assert(id_equal(&got, &cidonly));
	ck_assert_uint_eq(fo_bt_client_count(bt), 4);
	/* Setting the same identity again changes nothing. */
	ck_assert_int_eq(fo_bt_set_client(bt, IP(10, 0, 0, 3), &b), FO_OK);
	ck_assert_uint_eq(fo_bt_client_refs(bt, ib), 1);
	/* Moving .3 to a releases b; its slot is reused by the next new one. */
	ck_assert_int_eq(fo_bt_set_client(bt, IP(10, 0, 0, 3), &a), FO_OK);
	ck_assert_uint_eq(fo_bt_client_refs(bt, ia), 3);
	ck_assert_uint_eq(fo_bt_client_refs(bt, ib), 0);
	ck_assert_uint_eq(fo_bt_client_find(bt, &b), 0);
	c = mkid(1, 0xc, 255, 0xcc);
	ck_assert_int_eq(fo_bt_set_client(bt, IP(10, 0, 0, 6), &c), FO_OK);
	ck_assert_uint_eq(fo_bt_lookup(bt, IP(10, 0, 0, 6))->client, ib);
	ck_assert_int_eq(fo_bt_client(bt, IP(10, 0, 0, 6), &got), FO_OK);
	ck_assert(id_equal(&got, &c));
	/* Clearing with NULL and with an empty identity. */
	ck_assert_int_eq(fo_bt_set_client(bt, IP(10, 0, 0, 1), NULL), FO_OK);
	ck_assert_int_eq(fo_bt_set_client(bt, IP(10, 0, 0, 2), &none), FO_OK);
	ck_assert_uint_eq(fo_bt_client_refs(bt, ia), 1);
	ck_assert_uint_eq(fo_bt_lookup(bt, IP(10, 0, 0, 1))->client, 0);
	/* A chaddr longer than 16 bytes is refused and changes nothing. */
	c.hlen = 17;
	ck_assert_int_eq(fo_bt_set_client(bt, IP(10, 0, 0, 6), &c), FO_ERR_INVAL);
	ck_assert_uint_eq(fo_bt_lookup(bt, IP(10, 0, 0, 6))->client, ib);
	ck_assert_uint_eq(fo_bt_client_find(bt, &c), 0);
	ck_assert_uint_eq(fo_bt_client_find(bt, NULL), 0);
	ck_assert_int_eq(fo_bt_set_client(bt, IP(10, 0, 4, 0), &a), FO_ERR_NOTFOUND);
	check_invariants(bt);
	/* Grow well past the first sizes, then release everything. */
	for (uint32_t i = 0; i < 1000; i++) {
		fo_client_id x = mkid(1, 0x1000 + i, i % 3 == 0 ? 1 + i % 200 : 0, 0x5a);

		ck_assert_int_eq(fo_bt_set_client(bt, IP(10, 0, 0, 10) + i, &x), FO_OK);
	}
	ck_assert_uint_eq(fo_bt_client_count(bt), 1000 + 4);
	for (uint32_t i = 0; i < 1000; i++) {
		fo_client_id x = mkid(1, 0x1000 + i, i % 3 == 0 ? 1 + i % 200 : 0, 0x5a);

		ck_assert_int_eq(fo_bt_client(bt, IP(10, 0, 0, 10) + i, &got), FO_OK);
		ck_assert(id_equal(&got, &x));
		ck_assert_uint_ne(fo_bt_client_find(bt, &x), 0);
	}
	check_invariants(bt);
	for (fo_ip4 ad = r.first; ad <= r.last; ad++)
		ck_assert_int_eq(fo_bt_set_client(bt, ad, NULL), FO_OK);
	ck_assert_uint_eq(fo_bt_client_count(bt), 0);
	check_invariants(bt);
	fo_bt_destroy(bt);
}
END_TEST

START_TEST(test_clients_full)
{
	/* Every address with its own identity, replaced over and over: the
	 * store needs one spare slot while a new identity replaces an old. */
	fo_pool_range r = { IP(10, 0, 0, 1), IP(10, 0, 0, 3) };
	fo_client_id x, got;
	fo_bt *bt;

	alloc_reset(-1);
	ck_assert_int_eq(fo_bt_create(&bt, &r, 1, &counting), FO_OK);
	for (uint32_t round = 0; round < 100; round++) {
		for (uint32_t k = 0; k < 3; k++) {
			/* Lengths around the in-slot limit: 6 + 15, 6 + 16, 16 + 255. */
			x = mkid(1, 1 + round * 3 + k, (size_t[]){ 15, 16, 255 }[(round + k) % 3], 0x44);
			if ((round + k) % 3 == 2)
				x.hlen = FO_CHADDR_MAX;
			ck_assert_int_eq(fo_bt_set_client(bt, r.first + k, &x), FO_OK);
			ck_assert_int_eq(fo_bt_client(bt, r.first + k, &got), FO_OK);
			ck_assert(id_equal(&got, &x));
		}
		ck_assert_uint_eq(fo_bt_client_count(bt), 3);
		check_invariants(bt);
	}
	/* n + 2 slots at most, and the long identities' bytes. */
	ck_assert_uint_le(fo_bt_memory(bt), 4096);
	fo_bt_destroy(bt);
	ck_assert_int_eq(alloc_live, 0);
}
END_TEST

/*
 * The store against a model: 150,000 random set/clear operations over 600
 * addresses and 900 identities of every form (chaddr only, chaddr + the
 * derived client-id, long ones, client-id only, htype 6), so that the hash
 * runs near its 9/10 fill with insertions and removals in every order.
 */
START_TEST(test_clients_model)
{
	enum { N = 600, IDS = 900, OPS = 150000 };
	fo_pool_range r = { IP(10, 0, 0, 1), IP(10, 0, 0, 1) + N - 1 };
	static fo_client_id ids[IDS];
	int holder[N];
	uint32_t x = 12345u, refs[IDS];
	fo_client_id got;
	fo_bt *bt;

	for (uint32_t k = 0; k < IDS; k++) {
		switch (k % 5) {
		case 0: ids[k] = mkid(1, 0x10000 + k, 0, 0); break;
		case 1:
			ids[k] = mkid(1, 0x10000 + k, 7, 0);
			ids[k].cid[0] = 1;
			memcpy(ids[k].cid + 1, ids[k].hw, 6);
			break;
		case 2: ids[k] = mkid(1, 0x10000 + k, 19, 0xff); break;
		case 3: ids[k] = mkid(0, 0, 9, (uint8_t)k); ids[k].cid[0] = (uint8_t)(k >> 8); break;
		default: ids[k] = mkid(6, 0x10000 + k, 7, 6); break;
		}
	}
	for (int i = 0; i < N; i++)
		holder[i] = -1;
	memset(refs, 0, sizeof(refs));
	ck_assert_int_eq(fo_bt_create(&bt, &r, 1, NULL), FO_OK);
	for (int op = 0; op < OPS; op++) {
		uint32_t a, k;

		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		a = x % N;
		k = (x >> 10) % (IDS + IDS / 8);        /* now and then: clear */
		if (holder[a] >= 0)
			refs[holder[a]]--;
		if (k >= IDS) {
			ck_assert_int_eq(fo_bt_set_client(bt, r.first + a, NULL), FO_OK);
			holder[a] = -1;
		} else {
			ck_assert_int_eq(fo_bt_set_client(bt, r.first + a, &ids[k]), FO_OK);
			holder[a] = (int)k;
			refs[k]++;
		}
		if (op % 997 == 0 || op == OPS - 1) {
			size_t distinct = 0;

			for (uint32_t i = 0; i < IDS; i++) {
				uint32_t idx = fo_bt_client_find(bt, &ids[i]);

				ck_assert_uint_eq(idx != 0, refs[i] > 0);
				ck_assert_uint_eq(fo_bt_client_refs(bt, idx), refs[i]);
				distinct += refs[i] > 0;
			}
			ck_assert_uint_eq(fo_bt_client_count(bt), distinct);
			for (int i = 0; i < N; i++) {
				ck_assert_int_eq(fo_bt_client(bt, r.first + (fo_ip4)i, &got), FO_OK);
				if (holder[i] < 0)
					ck_assert(got.hlen == 0 && got.cidlen == 0);
				else
					ck_assert(id_equal(&got, &ids[holder[i]]));
			}
			check_invariants(bt);
		}
	}
	/* n + 2 slots and a hash 9/10 full at most: 15.5 bytes per address, and the long ones. */
	ck_assert_uint_le(fo_bt_memory(bt), 32u * N + 16u * (N + 2) + 2048u + 40u * N);
	fo_bt_destroy(bt);
}
END_TEST

START_TEST(test_fields)
{
	fo_pool_range r = { IP(10, 0, 0, 1), IP(10, 0, 0, 9) };
	fo_binding_info in, out;
	fo_bt *bt;
	const fo_binding *b;

	ck_assert_int_eq(fo_bt_create(&bt, &r, 1, NULL), FO_OK);
	b = fo_bt_lookup(bt, IP(10, 0, 0, 5));
	ck_assert_int_eq(fo_bt_set_time(bt, IP(10, 0, 0, 5), FO_BT_EXPIRY, 11), FO_OK);
	ck_assert_int_eq(fo_bt_set_time(bt, IP(10, 0, 0, 5), FO_BT_PEXP_SENT, 12), FO_OK);
	ck_assert_int_eq(fo_bt_set_time(bt, IP(10, 0, 0, 5), FO_BT_PEXP_ACKED, 13), FO_OK);
	ck_assert_int_eq(fo_bt_set_time(bt, IP(10, 0, 0, 5), FO_BT_CLTT, 14), FO_OK);
	ck_assert_int_eq(fo_bt_set_time(bt, IP(10, 0, 0, 5), FO_BT_STOS, 15), FO_OK);
	ck_assert_uint_eq(b->expiry, 11);
	ck_assert_uint_eq(b->pexp_sent, 12);
	ck_assert_uint_eq(b->pexp_acked, 13);
	ck_assert_uint_eq(b->cltt, 14);
	ck_assert_uint_eq(b->stos, 15);
	ck_assert_int_eq(fo_bt_set_flags(bt, IP(10, 0, 0, 5), FO_BF_UPDATE_PENDING | FO_BF_RESERVED, 0), FO_OK);
	ck_assert_uint_eq(b->flags, FO_BF_UPDATE_PENDING | FO_BF_RESERVED);
	ck_assert_int_eq(fo_bt_set_flags(bt, IP(10, 0, 0, 5), 0, FO_BF_UPDATE_PENDING), FO_OK);
	ck_assert_uint_eq(b->flags, FO_BF_RESERVED);
	ck_assert_uint_eq(fo_binding_state(b), FO_BS_FREE);

	memset(&in, 0, sizeof(in));
	in.state = FO_BS_ACTIVE;
	in.expiry = 0xfffffff0u;
	in.pexp_sent = 2;
	in.pexp_acked = 3;
	in.cltt = 4;
	in.stos = 5;
	in.flags = FO_BF_UPDATE_PENDING;
	in.client = mkid(1, 0x77, 9, 0x01);
	ck_assert_int_eq(fo_bt_update(bt, IP(10, 0, 0, 5), &in), FO_OK);
	ck_assert_int_eq(fo_bt_get(bt, IP(10, 0, 0, 5), &out), FO_OK);
	ck_assert_int_eq(out.state, in.state);
	ck_assert_uint_eq(out.expiry, in.expiry);
	ck_assert_uint_eq(out.pexp_sent, 2);
	ck_assert_uint_eq(out.pexp_acked, 3);
	ck_assert_uint_eq(out.cltt, 4);
	ck_assert_uint_eq(out.stos, 5);
	ck_assert_uint_eq(out.flags, FO_BF_UPDATE_PENDING);
	ck_assert(id_equal(&out.client, &in.client));
	ck_assert_uint_eq(fo_bt_count(bt, FO_BS_ACTIVE), 1);
	ck_assert_int_eq(fo_bt_get(bt, IP(10, 0, 0, 10), &out), FO_ERR_NOTFOUND);

	/* Refused updates change nothing. */
	in.state = (fo_bstate)9;
	ck_assert_int_eq(fo_bt_update(bt, IP(10, 0, 0, 5), &in), FO_ERR_INVAL);
	in.state = FO_BS_EXPIRED;
	in.flags = 0x40;
	ck_assert_int_eq(fo_bt_update(bt, IP(10, 0, 0, 5), &in), FO_ERR_INVAL);
	in.flags = 0;
	in.client.hlen = 200;
	ck_assert_int_eq(fo_bt_update(bt, IP(10, 0, 0, 5), &in), FO_ERR_INVAL);
	ck_assert_int_eq(fo_bt_update(bt, IP(10, 0, 0, 10), &in), FO_ERR_NOTFOUND);
	ck_assert_int_eq(fo_bt_get(bt, IP(10, 0, 0, 5), &in), FO_OK);
	ck_assert(in.state == out.state && in.expiry == out.expiry &&
	    in.pexp_sent == out.pexp_sent && in.pexp_acked == out.pexp_acked &&
	    in.cltt == out.cltt && in.stos == out.stos && in.flags == out.flags);
	ck_assert(id_equal(&in.client, &out.client));

	/* An update to FREE with no client releases the identity. */
	memset(&in, 0, sizeof(in));
	in.state = FO_BS_FREE;
	ck_assert_int_eq(fo_bt_update(bt, IP(10, 0, 0, 5), &in), FO_OK);
	ck_assert_uint_eq(fo_bt_client_count(bt), 0);
	ck_assert_uint_eq(fo_bt_next_free(bt, FO_BS_FREE), IP(10, 0, 0, 1));
	check_invariants(bt);
	fo_bt_destroy(bt);

	ck_assert_uint_eq(fo_wall_to_proto(fo_wall_at(-5)), 0);
	ck_assert_uint_eq(fo_wall_to_proto(fo_wall_at(1700000000)), 1700000000u);
	ck_assert_uint_eq(fo_wall_to_proto(fo_wall_at(INT64_C(1) << 40)), UINT32_MAX);
}
END_TEST

/* --- Allocation failure ---------------------------------------------------- */

/*
 * Build a two-pool table and store 70 identities (cid on every other), so
 * that the slots and buckets grow twice. Stops at the first failure, after
 * checking that the failed call left the binding unchanged.
 */
static fo_status
alloc_scenario(fo_bt **out)
{
	fo_pool_range r[] = { { IP(10, 0, 1, 0), IP(10, 0, 1, 99) },
	    { IP(10, 0, 0, 0), IP(10, 0, 0, 99) } };
	fo_binding_info in;
	fo_status st;

	if ((st = fo_bt_create(out, r, 2, &counting)) != FO_OK) {
		ck_assert_ptr_null(*out);
		return st;
	}
	for (uint32_t i = 0; i < 70; i++) {
		fo_client_id x = mkid(1, 100 + i, i % 2 ? 30 : 0, 0x11);
		fo_ip4 a = IP(10, 0, 0, i);

		st = fo_bt_set_client(*out, a, &x);
		if (st != FO_OK) {
			ck_assert_uint_eq(fo_bt_lookup(*out, a)->client, 0);
			ck_assert_uint_eq(fo_bt_client_count(*out), i);
			return st;
		}
	}
	memset(&in, 0, sizeof(in));
	in.state = FO_BS_ACTIVE;
	in.client = mkid(1, 9999, 40, 0x22);
	if ((st = fo_bt_update(*out, IP(10, 0, 1, 0), &in)) != FO_OK) {
		ck_assert_uint_eq(fo_binding_state(fo_bt_lookup(*out, IP(10, 0, 1, 0))), FO_BS_FREE);
		return st;
	}
	return FO_OK;
}

/*
 * Run scenario with the nth allocation failing, n = 0, 1, ... until none
 * fails: each failure is FO_ERR_NOMEM, the table stays consistent, nothing
 * leaks. Returns the number of failure points.
 */
static long
alloc_walk(fo_status (*scenario)(fo_bt **out))
{
	long points = 0;

	for (long fail = 0;; fail++) {
		fo_bt *bt = NULL;
		fo_status st;

		alloc_reset(fail);
		st = scenario(&bt);
		if (bt != NULL)
			check_invariants(bt);
		fo_bt_destroy(bt);
		ck_assert_int_eq(alloc_live, 0);
		if (alloc_calls <= fail) {
			ck_assert_int_eq(st, FO_OK);
			break;
		}
		ck_assert_int_eq(st, FO_ERR_NOMEM);
		points++;
	}
	alloc_reset(-1);
	return points;
}

START_TEST(test_alloc_failure)
{
	long points = alloc_walk(alloc_scenario);

	/*
	 * table, ranges, directory, entries; 4 slot arrays (16..128) and 3 hash
	 * arrays (16, 64, then 226: sized for n + 2 identities at most); the 36
	 * identities too long for a slot (cid of 30 and 40 bytes, 1,306 bytes):
	 * the arena's free lists and 5 arena sizes (256, 544, 868, 1232, 1642).
	 */
	ck_assert_int_eq(points, 4 + 4 + 3 + 1 + 5);
}
END_TEST

/* --- The arena of long identities under churn ------------------------------- */

#define CH_N 512
#define CH_ROUNDS 8

/*
 * The identity that address a gets in round r: long (chaddr + a client-id
 * whose length drifts from round to round, so that released records are
 * not of the lengths asked for next) or, for one address in 8, a 1..3-byte
 * client-id alone (a record padded to 4 bytes); k makes it new.
 */
static fo_client_id
churn_id(uint32_t r, uint32_t a, uint32_t k)
{
	if (a % 8 == 7)
		return mkid(0, 0, 1 + k % 3, (uint8_t)(k >> 2));
	return mkid(1, k, 8 + (r * 23 + a % 5) % 200, (uint8_t)r);
}

/* The arena bytes of the identities in model[]. */
static size_t
churn_live(const fo_client_id *model)
{
	size_t live = 0;

	for (uint32_t a = 0; a < CH_N; a++) {
		size_t n = (size_t)model[a].hlen + model[a].cidlen;

		live += n > 0 && n < 4 ? 4 : n;
	}
	return live;
}

/*
 * CH_ROUNDS rounds over a table of CH_N addresses: round 0 leases every
 * address, each later one gives about half of them to new clients and
 * releases a few. model[] follows what succeeded; on the first error the
 * failed address must be unchanged: returns that status. *peak: the largest
 * fo_bt_memory after a round, *live_max the largest arena bytes in use then.
 */
static fo_status
churn(fo_bt *bt, fo_client_id *model, size_t *peak, size_t *live_max)
{
	fo_ip4 first = IP(10, 2, 0, 0);
	uint32_t x = 99u, k = 1;
	fo_client_id got;
	fo_status st;

	*peak = *live_max = 0;
	for (uint32_t r = 0; r < CH_ROUNDS; r++) {
		for (uint32_t a = 0; a < CH_N; a++) {
			fo_client_id id = churn_id(r, a, k++);
			bool clear;

			x = rnd(&x);
			if (r > 0 && x % 2 == 0)
				continue;
			clear = r > 0 && x % 16 == 1;
			st = fo_bt_set_client(bt, first + a, clear ? NULL : &id);
			if (st != FO_OK) {
				ck_assert_int_eq(fo_bt_client(bt, first + a, &got), FO_OK);
				ck_assert(id_equal(&got, &model[a]));
				return st;
			}
			if (clear)
				memset(&model[a], 0, sizeof(model[a]));
			else
				model[a] = id;
		}
		for (uint32_t a = 0; a < CH_N; a++) {
			ck_assert_int_eq(fo_bt_client(bt, first + a, &got), FO_OK);
			ck_assert_msg(id_equal(&got, &model[a]), "round %u address %u", r, a);
			if (model[a].hlen + model[a].cidlen > 0)
				ck_assert_uint_ne(fo_bt_client_find(bt, &model[a]), 0);
		}
		check_invariants(bt);
		if (fo_bt_memory(bt) > *peak)
			*peak = fo_bt_memory(bt);
		if (churn_live(model) > *live_max)
			*live_max = churn_live(model);
	}
	return FO_OK;
}

static fo_bt *
churn_table(const fo_alloc *a)
{
	fo_pool_range r = { IP(10, 2, 0, 0), IP(10, 2, 0, 0) + CH_N - 1 };
	fo_bt *bt = NULL;

	if (fo_bt_create(&bt, &r, 1, a) != FO_OK)
		return NULL;
	return bt;
}

/*
 * Seven rounds of churn with lengths that are never reused: without
 * compaction the arena would hold every identity ever stored, 4.5 times
 * the live bytes; with it, at most 1.25 times plus AR_SLACK, grown by an
 * eighth.
 */
START_TEST(test_clients_arena_churn)
{
	static fo_client_id model[CH_N];
	size_t peak, live, base;
	fo_bt *bt = churn_table(NULL);

	ck_assert_ptr_nonnull(bt);
	memset(model, 0, sizeof(model));
	ck_assert_int_eq(churn(bt, model, &peak, &live), FO_OK);
	/* Binding, slot, hash entry, the free lists; the arena. */
	base = 32u * CH_N + 16u * (CH_N + 2) + 2048u + 1088u;
	ck_assert_msg(peak <= base + (live + live / 4 + 4096) * 9 / 8 + 512, "peak %zu, live %zu",
	    peak, live);
	fo_bt_destroy(bt);
}
END_TEST

static fo_status
churn_scenario(fo_bt **out)
{
	static fo_client_id model[CH_N];
	size_t peak, live;

	memset(model, 0, sizeof(model));
	if ((*out = churn_table(&counting)) == NULL)
		return FO_ERR_NOMEM;
	return churn(*out, model, &peak, &live);
}

/* The same churn with the nth allocation failing (arena growth and compaction among them). */
START_TEST(test_clients_arena_alloc_failure)
{
	ck_assert_int_ge(alloc_walk(churn_scenario), 20);
}
END_TEST

/*
 * fo_bt_reserve_clients (a restore sizing the store once) then
 * fo_bt_trim_clients: the same identities and, after the trim, the same
 * memory as a table that grew as they came; a reservation that fails
 * changes nothing.
 */
static void
store_ids(fo_bt *bt, uint32_t n)
{
	for (uint32_t k = 0; k < n; k++) {
		fo_client_id id = k % 3 == 0 ? mkid(1, 500 + k, 0, 0) : mkid(1, 500 + k, 19, 0xff);

		ck_assert_int_eq(fo_bt_set_client(bt, IP(10, 3, 0, 0) + k, &id), FO_OK);
	}
}

START_TEST(test_clients_reserve)
{
	fo_pool_range r = { IP(10, 3, 0, 0), IP(10, 3, 0, 0) + 999 };
	fo_client_id x, y;
	fo_bt *grown, *sized;
	long points = 0;

	ck_assert_int_eq(fo_bt_create(&grown, &r, 1, NULL), FO_OK);
	ck_assert_int_eq(fo_bt_create(&sized, &r, 1, NULL), FO_OK);
	ck_assert_int_eq(fo_bt_reserve_clients(sized, 5000), FO_OK);   /* more than the table */
	ck_assert_uint_gt(fo_bt_memory(sized), fo_bt_memory(grown) + 1000u * 15u);
	store_ids(grown, 100);
	store_ids(sized, 100);
	fo_bt_trim_clients(sized);
	ck_assert_uint_eq(fo_bt_memory(sized), fo_bt_memory(grown));
	for (uint32_t k = 0; k < 1000; k++) {
		ck_assert_int_eq(fo_bt_client(grown, r.first + k, &x), FO_OK);
		ck_assert_int_eq(fo_bt_client(sized, r.first + k, &y), FO_OK);
		ck_assert(id_equal(&x, &y));
	}
	check_invariants(sized);
	fo_bt_destroy(sized);
	/* Reserved for every address, all stored: nothing left to trim. */
	ck_assert_int_eq(fo_bt_create(&sized, &r, 1, NULL), FO_OK);
	ck_assert_int_eq(fo_bt_reserve_clients(sized, 1000), FO_OK);
	store_ids(sized, 1000);
	store_ids(grown, 1000);
	fo_bt_trim_clients(sized);
	ck_assert_uint_le(fo_bt_memory(sized), fo_bt_memory(grown));
	check_invariants(sized);
	fo_bt_destroy(sized);
	fo_bt_destroy(grown);
	/* The reservation's allocations failing, one at a time. */
	for (long fail = 0;; fail++) {
		fo_status st;

		alloc_reset(-1);
		ck_assert_int_eq(fo_bt_create(&sized, &r, 1, &counting), FO_OK);
		store_ids(sized, 10);
		alloc_reset(fail);
		st = fo_bt_reserve_clients(sized, 1000);
		if (alloc_calls <= fail) {
			ck_assert_int_eq(st, FO_OK);
			fo_bt_destroy(sized);
			break;
		}
		ck_assert_int_eq(st, FO_ERR_NOMEM);
		points++;
		alloc_reset(-1);
		store_ids(sized, 1000);         /* it grows as it would have */
		check_invariants(sized);
		fo_bt_destroy(sized);
	}
	ck_assert_int_eq(points, 2);            /* the slots, the hash */
	alloc_reset(-1);
}
END_TEST

/* --- The lease's extras (fo_bextra) ---------------------------------------- */

static void
mkextra(fo_lease_extra *x, uint32_t k)
{
	memset(x, 0, sizeof(*x));
	x->fqdn = (uint8_t)(k & FO_FQDN_MASK);
	x->hostname_len = (uint8_t)snprintf(x->hostname, sizeof(x->hostname), "host-%u.example.org", k);
	if (k % 3 == 0)
		x->context_len = (uint16_t)snprintf(x->context, sizeof(x->context),
		    "{\"k\": %u, \"name\": \"caf\u00e9\"}", k);
}

/*
 * Extras through fo_bt_update/fo_bt_get: stored, replaced, removed with
 * the binding's other fields; a table without any costs nothing more; the
 * index grows and shrinks (backward-shift deletion) without losing a record.
 */
START_TEST(test_extras)
{
	fo_pool_range r = { IP(10, 4, 0, 0), IP(10, 4, 3, 255) };
	fo_binding_info in, out;
	fo_lease_extra want;
	fo_bt *bt = NULL;
	size_t with;

	ck_assert_int_eq(fo_bt_create(&bt, &r, 1, NULL), FO_OK);
	memset(&in, 0, sizeof(in));
	in.state = FO_BS_ACTIVE;
	in.client = mkid(1, 7, 0, 0);
	for (uint32_t k = 0; k < 1024; k++)   /* no extras: nothing more held */
		ck_assert_int_eq(fo_bt_update(bt, r.first + k, &in), FO_OK);
	size_t no_extras = fo_bt_memory(bt);
	for (uint32_t k = 0; k < 1024; k++) {
		mkextra(&in.extra, k);
		ck_assert_int_eq(fo_bt_update(bt, r.first + k, &in), FO_OK);
	}
	with = fo_bt_memory(bt);
	/*
	 * Records of 4 + name (19-22) + context bytes (342 of about 30) in the
	 * arena (an eighth and 4 KiB of growth slack at most), and an index of
	 * 8-byte slots at most 3/4 full: 2048 of them.
	 */
	ck_assert_uint_ge(with, no_extras + 1024 * (4 + 19) + 342 * 25 + 2048 * 8);
	ck_assert_uint_le(with, no_extras + (1024 * (4 + 22) + 342 * 40) * 9 / 8 + 4096 + 1300 +
	    2048 * 8 + 64);
	/* 20 rounds replacing every record: compaction keeps the arena near its live bytes. */
	for (uint32_t round = 1; round <= 20; round++) {
		for (uint32_t k = 0; k < 1024; k++) {
			mkextra(&in.extra, k + round * 100000);
			ck_assert_int_eq(fo_bt_update(bt, r.first + k, &in), FO_OK);
		}
	}
	ck_assert_uint_le(fo_bt_memory(bt), no_extras + (1024 * (4 + 25) + 342 * 40) * 3 / 2 +
	    2 * 4096 + 2048 * 8);
	for (uint32_t k = 0; k < 1024; k++) {
		ck_assert_int_eq(fo_bt_get(bt, r.first + k, &out), FO_OK);
		mkextra(&want, k + 20 * 100000);
		ck_assert_msg(fo_extra_same(&out.extra, &want), "address %u after churn", k);
	}
	for (uint32_t k = 0; k < 1024; k++) {
		mkextra(&in.extra, k);
		ck_assert_int_eq(fo_bt_update(bt, r.first + k, &in), FO_OK);
	}
	for (uint32_t k = 0; k < 1024; k++) {
		ck_assert_int_eq(fo_bt_get(bt, r.first + k, &out), FO_OK);
		mkextra(&want, k);
		ck_assert_msg(fo_extra_same(&out.extra, &want), "address %u", k);
		ck_assert_uint_eq(out.extra.hostname[out.extra.hostname_len], '\0');
	}
	/* Remove every other one, replace the rest: the others are still found. */
	for (uint32_t k = 0; k < 1024; k++) {
		if (k % 2 == 0)
			fo_extra_clear(&in.extra);
		else
			mkextra(&in.extra, k + 5000);
		ck_assert_int_eq(fo_bt_update(bt, r.first + k, &in), FO_OK);
	}
	for (uint32_t k = 0; k < 1024; k++) {
		ck_assert_int_eq(fo_bt_get(bt, r.first + k, &out), FO_OK);
		if (k % 2 == 0)
			ck_assert(!fo_extra_present(&out.extra));
		else {
			mkextra(&want, k + 5000);
			ck_assert_msg(fo_extra_same(&out.extra, &want), "address %u", k);
		}
	}
	for (uint32_t k = 1; k < 1024; k += 2) {
		fo_extra_clear(&in.extra);
		ck_assert_int_eq(fo_bt_update(bt, r.first + k, &in), FO_OK);
	}
	ck_assert_int_eq(fo_bt_get(bt, r.first + 1, &out), FO_OK);
	ck_assert(!fo_extra_present(&out.extra));
	/* Out of bounds: refused, nothing changed. */
	mkextra(&in.extra, 3);
	in.extra.fqdn = 0x80;
	ck_assert_int_eq(fo_bt_update(bt, r.first, &in), FO_ERR_INVAL);
	in.extra.fqdn = 0;
	in.extra.context_len = FO_USER_CONTEXT_MAX + 1;
	ck_assert_int_eq(fo_bt_update(bt, r.first, &in), FO_ERR_INVAL);
	fo_bt_destroy(bt);
}
END_TEST

/* Extras stored with the nth allocation failing: all or nothing, no leak. */
static fo_status
extras_scenario(fo_bt **out)
{
	fo_pool_range r = { IP(10, 5, 0, 0), IP(10, 5, 0, 63) };
	fo_binding_info in, got;
	fo_status st;

	if ((st = fo_bt_create(out, &r, 1, &counting)) != FO_OK)
		return st;
	memset(&in, 0, sizeof(in));
	in.state = FO_BS_ACTIVE;
	for (uint32_t k = 0; k < 64; k++) {
		in.client = mkid(1, 100 + k, k % 2 ? 19 : 0, 0xee);
		mkextra(&in.extra, k);
		if ((st = fo_bt_update(*out, r.first + k, &in)) != FO_OK) {
			ck_assert_int_eq(fo_bt_get(*out, r.first + k, &got), FO_OK);
			ck_assert(!fo_extra_present(&got.extra));
			ck_assert_uint_eq(got.state, FO_BS_FREE);
			return st;
		}
	}
	return FO_OK;
}

START_TEST(test_extras_alloc_failure)
{
	/* The table's own, the client store's, the side table, its 4 index sizes and arena growths. */
	ck_assert_int_ge(alloc_walk(extras_scenario), 20);
}
END_TEST

/* fo_extra_copy: the bytes in use, NUL-terminated, whatever the target held before. */
START_TEST(test_extra_copy)
{
	fo_lease_extra a, b;

	memset(&a, 'x', sizeof(a));
	memset(&b, 'y', sizeof(b));
	a.fqdn = FO_FQDN_FWD;
	a.hostname_len = 4;
	memcpy(a.hostname, "host", 4);          /* no NUL after it in a */
	a.context_len = FO_USER_CONTEXT_MAX;
	memset(a.context, '1', FO_USER_CONTEXT_MAX);
	fo_extra_copy(&b, &a);
	ck_assert(fo_extra_same(&a, &b));
	ck_assert_str_eq(b.hostname, "host");
	ck_assert_uint_eq(strlen(b.context), FO_USER_CONTEXT_MAX);
	/* Nothing: empty texts. */
	fo_extra_clear(&a);
	fo_extra_copy(&b, &a);
	ck_assert(!fo_extra_present(&b));
	ck_assert_str_eq(b.hostname, "");
	ck_assert_str_eq(b.context, "");
	/* A length beyond the bound (never made by the engine) is not followed past the buffer. */
	a.context_len = FO_USER_CONTEXT_MAX + 1;
	fo_extra_copy(&b, &a);
	ck_assert_uint_eq(b.context_len, 0);
}
END_TEST

static Suite *
binding_suite(void)
{
	Suite *s = suite_create("binding");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_small);
	tcase_add_test(tc, test_slash16);
	tcase_add_test(tc, test_multi_pool);
	tcase_add_test(tc, test_many_small_pools);
	tcase_add_test(tc, test_far_pools);
	tcase_add_test(tc, test_invalid);
	tcase_add_test(tc, test_lru);
	tcase_add_test(tc, test_touch);
	tcase_add_test(tc, test_property);
	tcase_add_test(tc, test_clients);
	tcase_add_test(tc, test_clients_full);
	tcase_add_test(tc, test_clients_model);
	tcase_add_test(tc, test_fields);
	tcase_add_test(tc, test_alloc_failure);
	tcase_add_test(tc, test_clients_arena_churn);
	tcase_add_test(tc, test_clients_arena_alloc_failure);
	tcase_add_test(tc, test_clients_reserve);
	tcase_add_test(tc, test_extras);
	tcase_add_test(tc, test_extras_alloc_failure);
	tcase_add_test(tc, test_extra_copy);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(binding_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
