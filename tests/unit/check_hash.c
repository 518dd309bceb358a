/*
 * check_hash.c - RFC 3074 hash, key choice and hash bucket assignment.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "fo_hash.h"

/* RFC 3074 section 6 table check values (reference section 7). */
static const struct {
	uint8_t index;
	uint8_t value;
} table_checks[] = {
	{ 0, 251 }, { 1, 175 }, { 2, 119 }, { 3, 215 }, { 4, 81 },
	{ 5, 14 }, { 6, 79 }, { 7, 191 }, { 8, 103 }, { 9, 49 },
	{ 250, 170 }, { 251, 68 }, { 252, 6 }, { 253, 169 }, { 254, 234 },
	{ 255, 151 },
};
#define N_TABLE_CHECKS (sizeof(table_checks) / sizeof(table_checks[0]))

/* A one-byte key k gives T[1 ^ k]: the table is reachable through the API. */
START_TEST(test_table_values)
{
	uint8_t key = table_checks[_i].index ^ 1;

	ck_assert_uint_eq(fo_hash_pearson(&key, 1), table_checks[_i].value);
}
END_TEST

START_TEST(test_table_is_permutation)
{
	unsigned seen[256] = { 0 };

	for (unsigned k = 0; k < 256; k++) {
		uint8_t key = (uint8_t)k;
		seen[fo_hash_pearson(&key, 1)]++;
	}
	for (unsigned v = 0; v < 256; v++)
		ck_assert_msg(seen[v] == 1, "value %u seen %u times", v, seen[v]);
}
END_TEST

enum vec_kind { VEC_STRING, VEC_CHADDR, VEC_CLIENT_ID };

static const struct {
	enum vec_kind kind;
	const char *name;
	const uint8_t *key;
	size_t len;
	uint8_t expect;
} vectors[] = {
	{ VEC_STRING, "\"\"", (const uint8_t *)"", 0, 0 },
	{ VEC_STRING, "test", (const uint8_t *)"test", 4, 47 },
	{ VEC_STRING, "whatever", (const uint8_t *)"whatever", 8, 27 },
	{ VEC_STRING, "RFC 3074", (const uint8_t *)"RFC 3074", 8, 214 },
	{ VEC_STRING, "300 x A", NULL, 300, 139 },     /* key built in the test */
	{ VEC_CHADDR, "00:11:22:33:44:55",
	    (const uint8_t[]){ 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 }, 6, 135 },
	{ VEC_CHADDR, "00:00:00:00:00:00",
	    (const uint8_t[]){ 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 }, 6, 254 },
	{ VEC_CHADDR, "ff:ff:ff:ff:ff:ff",
	    (const uint8_t[]){ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 6, 79 },
	{ VEC_CHADDR, "52:54:00:12:34:56",
	    (const uint8_t[]){ 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 }, 6, 156 },
	{ VEC_CHADDR, "00:0c:29:12:34:56",
	    (const uint8_t[]){ 0x00, 0x0c, 0x29, 0x12, 0x34, 0x56 }, 6, 201 },
	{ VEC_CHADDR, "01:02:03:04:05:06",
	    (const uint8_t[]){ 0x01, 0x02, 0x03, 0x04, 0x05, 0x06 }, 6, 179 },
	{ VEC_CLIENT_ID, "01 00 11 22 33 44 55",
	    (const uint8_t[]){ 0x01, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 }, 7, 223 },
	{ VEC_CLIENT_ID, "01 52 54 00 12 34 56",
	    (const uint8_t[]){ 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 }, 7, 253 },
};
#define N_VECTORS (sizeof(vectors) / sizeof(vectors[0]))

START_TEST(test_vectors)
{
	static const uint8_t other_mac[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };
	uint8_t many_a[300];
	const uint8_t *key = vectors[_i].key;
	size_t len = vectors[_i].len;
	uint8_t want = vectors[_i].expect;

	if (key == NULL) {
		memset(many_a, 'A', sizeof(many_a));
		key = many_a;
	}
	ck_assert_msg(fo_hash_pearson(key, len) == want, "%s: got %u, want %u",
	    vectors[_i].name, fo_hash_pearson(key, len), want);
	switch (vectors[_i].kind) {
	case VEC_STRING:
		break;
	case VEC_CHADDR:
		ck_assert_uint_eq(fo_hash_client(NULL, 0, key, len), want);
		break;
	case VEC_CLIENT_ID:
		ck_assert_uint_eq(fo_hash_client(key, len, other_mac, 6), want);
		break;
	}
}
END_TEST

static const uint8_t mac_135[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t cid_223[7] = { 0x01, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };

START_TEST(test_key_client_id_first)
{
	ck_assert_uint_eq(fo_hash_client(cid_223, 7, mac_135, 6), 223);
	/* The type byte is part of the key: without it the MAC's hash. */
	ck_assert_uint_eq(fo_hash_client(cid_223 + 1, 6, NULL, 0), 135);
}
END_TEST

START_TEST(test_key_empty_client_id)
{
	/* Option 61 present but empty: fall back to chaddr. */
	ck_assert_uint_eq(fo_hash_client(cid_223, 0, mac_135, 6), 135);
	ck_assert_uint_eq(fo_hash_client(NULL, 7, mac_135, 6), 135);
	ck_assert_uint_eq(fo_hash_client(NULL, 0, mac_135, 6), 135);
}
END_TEST

START_TEST(test_key_hlen_clamp)
{
	uint8_t chaddr[20];

	for (unsigned i = 0; i < sizeof(chaddr); i++)
		chaddr[i] = (uint8_t)(0x30 + i);
	ck_assert_uint_eq(fo_hash_client(NULL, 0, chaddr, 20),
	    fo_hash_pearson(chaddr, 16));
	ck_assert_uint_eq(fo_hash_client(NULL, 0, chaddr, 255),
	    fo_hash_pearson(chaddr, 16));
	ck_assert_uint_ne(fo_hash_pearson(chaddr, 16), fo_hash_pearson(chaddr, 17));
	ck_assert_uint_eq(fo_hash_client(NULL, 0, chaddr, 0), 0);
}
END_TEST

START_TEST(test_key_null)
{
	ck_assert_uint_eq(fo_hash_pearson(NULL, 0), 0);
	ck_assert_uint_eq(fo_hash_pearson(NULL, 6), 0);
	ck_assert_uint_eq(fo_hash_pearson(NULL, SIZE_MAX), 0);
	ck_assert_uint_eq(fo_hash_client(NULL, 0, NULL, 6), 0);
}
END_TEST

/* split N: bucket b is the primary's exactly when b < N (ISC polarity). */
START_TEST(test_split_every_n)
{
	fo_hba hba;
	unsigned n = (unsigned)_i;

	ck_assert_int_eq(fo_hba_from_split(&hba, n), FO_OK);
	ck_assert_uint_eq(fo_hba_count(&hba), n);
	for (unsigned b = 0; b < FO_HBA_BUCKETS; b++) {
		bool want = b < n;
		ck_assert_msg(fo_hba_primary(&hba, (uint8_t)b) == want,
		    "split %u bucket %u", n, b);
		ck_assert(fo_hba_mine(&hba, (uint8_t)b, FO_PRIMARY) == want);
		ck_assert(fo_hba_mine(&hba, (uint8_t)b, FO_SECONDARY) == !want);
	}
}
END_TEST

START_TEST(test_split_128)
{
	fo_hba hba;

	ck_assert_int_eq(fo_hba_from_split(&hba, 128), FO_OK);
	for (unsigned i = 0; i < 16; i++)
		ck_assert_uint_eq(hba.bits[i], 0xff);
	for (unsigned i = 16; i < 32; i++)
		ck_assert_uint_eq(hba.bits[i], 0x00);
	ck_assert(fo_hba_mine(&hba, 0, FO_PRIMARY));
	ck_assert(fo_hba_mine(&hba, 127, FO_PRIMARY));
	ck_assert(!fo_hba_mine(&hba, 128, FO_PRIMARY));
	ck_assert(fo_hba_mine(&hba, 128, FO_SECONDARY));
	ck_assert(fo_hba_mine(&hba, 255, FO_SECONDARY));
	/* Reference vectors under split 128. */
	ck_assert(fo_hba_mine(&hba, 79, FO_PRIMARY));      /* ff:ff:ff:ff:ff:ff */
	ck_assert(fo_hba_mine(&hba, 135, FO_SECONDARY));   /* 00:11:22:33:44:55 */
}
END_TEST

/* Bucket h is bit (h & 7) of byte h >> 3, least significant bit first. */
START_TEST(test_split_bit_layout)
{
	fo_hba hba;
	static const uint8_t want12[4] = { 0xff, 0x0f, 0x00, 0x00 };
	static const uint8_t want3[2] = { 0x07, 0x00 };

	ck_assert_int_eq(fo_hba_from_split(&hba, 12), FO_OK);
	ck_assert_mem_eq(hba.bits, want12, sizeof(want12));
	ck_assert_int_eq(fo_hba_from_split(&hba, 3), FO_OK);
	ck_assert_mem_eq(hba.bits, want3, sizeof(want3));
	/* A hand-made HBA: only bucket 10 (byte 1, bit 2). */
	memset(&hba, 0, sizeof(hba));
	hba.bits[1] = 0x04;
	for (unsigned b = 0; b < FO_HBA_BUCKETS; b++)
		ck_assert(fo_hba_primary(&hba, (uint8_t)b) == (b == 10));
	ck_assert_uint_eq(fo_hba_count(&hba), 1);
}
END_TEST

START_TEST(test_split_errors)
{
	fo_hba hba, before;

	memset(&hba, 0x5a, sizeof(hba));
	before = hba;
	ck_assert_int_eq(fo_hba_from_split(&hba, 257), FO_ERR_RANGE);
	ck_assert_int_eq(fo_hba_from_split(&hba, 0xffffffffu), FO_ERR_RANGE);
	ck_assert_int_eq(fo_hba_from_percent(&hba, 101), FO_ERR_RANGE);
	ck_assert_mem_eq(&hba, &before, sizeof(hba));
	ck_assert_int_eq(fo_hba_from_split(NULL, 128), FO_ERR_INVAL);
	ck_assert_int_eq(fo_hba_from_percent(NULL, 50), FO_ERR_INVAL);
	ck_assert_uint_eq(fo_hba_count(NULL), 0);
	ck_assert(!fo_hba_primary(NULL, 0));
	ck_assert(!fo_hba_mine(NULL, 0, FO_PRIMARY));
	ck_assert(!fo_hba_mine(NULL, 0, FO_SECONDARY));
}
END_TEST

static const struct {
	unsigned percent;
	unsigned buckets;
} percent_cases[] = {
	{ 0, 0 }, { 1, 3 }, { 10, 26 }, { 25, 64 }, { 30, 77 }, { 33, 84 },
	{ 50, 128 }, { 67, 172 }, { 70, 179 }, { 75, 192 }, { 99, 253 },
	{ 100, 256 },
};
#define N_PERCENT_CASES (sizeof(percent_cases) / sizeof(percent_cases[0]))

START_TEST(test_percent_rounding)
{
	fo_hba hba;
	unsigned pct = percent_cases[_i].percent, want = percent_cases[_i].buckets;

	ck_assert_uint_eq(fo_hba_split_of_percent(pct), want);
	ck_assert_int_eq(fo_hba_from_percent(&hba, pct), FO_OK);
	ck_assert_uint_eq(fo_hba_count(&hba), want);
}
END_TEST

/* Every bucket is served by exactly one server, for every percent. */
START_TEST(test_percent_complementary)
{
	fo_hba hba;
	unsigned pct = (unsigned)_i, primary = 0;

	ck_assert_int_eq(fo_hba_from_percent(&hba, pct), FO_OK);
	for (unsigned b = 0; b < FO_HBA_BUCKETS; b++) {
		bool p = fo_hba_mine(&hba, (uint8_t)b, FO_PRIMARY);
		bool s = fo_hba_mine(&hba, (uint8_t)b, FO_SECONDARY);
		ck_assert_msg(p != s, "percent %u bucket %u: p=%d s=%d", pct, b, p, s);
		primary += p;
	}
	ck_assert_uint_eq(primary, fo_hba_count(&hba));
	/* Within half a bucket of the exact share. */
	ck_assert_uint_le(primary * 100, pct * 256 + 50);
	ck_assert_uint_ge(primary * 100 + 50, pct * 256);
}
END_TEST

static Suite *
hash_suite(void)
{
	Suite *s = suite_create("hash");
	TCase *tc;

	tc = tcase_create("pearson");
	tcase_add_loop_test(tc, test_table_values, 0, N_TABLE_CHECKS);
	tcase_add_test(tc, test_table_is_permutation);
	tcase_add_loop_test(tc, test_vectors, 0, N_VECTORS);
	suite_add_tcase(s, tc);

	tc = tcase_create("key");
	tcase_add_test(tc, test_key_client_id_first);
	tcase_add_test(tc, test_key_empty_client_id);
	tcase_add_test(tc, test_key_hlen_clamp);
	tcase_add_test(tc, test_key_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("hba");
	tcase_add_loop_test(tc, test_split_every_n, 0, FO_HBA_BUCKETS + 1);
	tcase_add_test(tc, test_split_128);
	tcase_add_test(tc, test_split_bit_layout);
	tcase_add_test(tc, test_split_errors);
	tcase_add_loop_test(tc, test_percent_rounding, 0, N_PERCENT_CASES);
	tcase_add_loop_test(tc, test_percent_complementary, 0, 101);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(hash_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
