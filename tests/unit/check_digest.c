/*
 * check_digest.c - HMAC-SHA256 message digest (option 17).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "fo_digest.h"

static const char secret[] = "kea-failover test secret";

/* Computed independently with Python's hmac module: bytes 0..63 with
 * bytes 20..51 taken as zero. */
static const uint8_t kat[FO_DIGEST_LEN] = {
	0x64, 0x6f, 0x12, 0xc9, 0x91, 0x40, 0x1d, 0x32,
	0x5a, 0x84, 0x46, 0xde, 0xb7, 0x5c, 0xa9, 0xf7,
	0x06, 0x98, 0x55, 0x8d, 0x3d, 0x41, 0xec, 0xae,
	0x35, 0x0c, 0x94, 0x7b, 0x8e, 0x3f, 0xfb, 0xf5,
};

static void
make_key(fo_digest_key *k)
{
	memset(k, 0, sizeof(*k));
	ck_assert_int_eq(fo_digest_key_set(k, secret, strlen(secret)), FO_OK);
}

static void
make_msg(uint8_t m[64])
{
	for (unsigned i = 0; i < 64; i++)
		m[i] = (uint8_t)i;
}

START_TEST(test_known_answer)
{
	fo_digest_key k;
	uint8_t m[64], out[FO_DIGEST_LEN];

	make_key(&k);
	make_msg(m);
	/* The bytes at 20..51 are not zero in memory: they count as zero. */
	ck_assert_int_eq(fo_digest_compute(&k, m, sizeof(m), 20, out), FO_OK);
	ck_assert_mem_eq(out, kat, FO_DIGEST_LEN);
	memset(m + 20, 0xa5, FO_DIGEST_LEN);
	ck_assert_int_eq(fo_digest_compute(&k, m, sizeof(m), 20, out), FO_OK);
	ck_assert_mem_eq(out, kat, FO_DIGEST_LEN);
	/* Changing any other byte changes the digest. */
	m[0] ^= 1;
	ck_assert_int_eq(fo_digest_compute(&k, m, sizeof(m), 20, out), FO_OK);
	ck_assert(memcmp(out, kat, FO_DIGEST_LEN) != 0);
}
END_TEST

START_TEST(test_verify)
{
	fo_digest_key k;
	uint8_t m[64];

	make_key(&k);
	make_msg(m);
	memcpy(m + 20, kat, FO_DIGEST_LEN);
	ck_assert_int_eq(fo_digest_verify(&k, m, sizeof(m), 20), FO_OK);
	/* Every digest byte and every covered byte matters. */
	for (size_t i = 0; i < sizeof(m); i++) {
		m[i] ^= 0x80;
		ck_assert_int_eq(fo_digest_verify(&k, m, sizeof(m), 20),
		    FO_ERR_PROTO);
		m[i] ^= 0x80;
	}
	/* Another key does not verify. */
	ck_assert_int_eq(fo_digest_key_set(&k, "other", 5), FO_OK);
	ck_assert_int_eq(fo_digest_verify(&k, m, sizeof(m), 20), FO_ERR_PROTO);
}
END_TEST

START_TEST(test_compute_errors)
{
	fo_digest_key k, empty;
	uint8_t m[FO_DIGEST_MSG_MAX + 1] = { 0 }, out[FO_DIGEST_LEN];

	make_key(&k);
	memset(&empty, 0, sizeof(empty));
	ck_assert_int_eq(fo_digest_compute(&empty, m, 64, 0, out), FO_ERR_INVAL);
	ck_assert_int_eq(fo_digest_compute(NULL, m, 64, 0, out), FO_ERR_INVAL);
	ck_assert_int_eq(fo_digest_compute(&k, NULL, 64, 0, out), FO_ERR_INVAL);
	ck_assert_int_eq(fo_digest_compute(&k, m, 64, 0, NULL), FO_ERR_INVAL);
	ck_assert_int_eq(fo_digest_compute(&k, m, 64, 33, out), FO_ERR_INVAL);
	ck_assert_int_eq(fo_digest_compute(&k, m, 64, 32, out), FO_OK);
	ck_assert_int_eq(fo_digest_compute(&k, m, 31, 0, out), FO_ERR_INVAL);
	ck_assert_int_eq(fo_digest_compute(&k, m, 64, SIZE_MAX, out),
	    FO_ERR_INVAL);
	ck_assert_int_eq(fo_digest_compute(&k, m, FO_DIGEST_MSG_MAX, 0, out),
	    FO_OK);
	ck_assert_int_eq(fo_digest_compute(&k, m, sizeof(m), 0, out),
	    FO_ERR_INVAL);
	ck_assert_int_eq(fo_digest_verify(&empty, m, 64, 0), FO_ERR_INVAL);
}
END_TEST

START_TEST(test_key_set)
{
	fo_digest_key k;
	uint8_t big[FO_DIGEST_KEY_MAX + 1];

	memset(big, 7, sizeof(big));
	make_key(&k);
	ck_assert_int_eq(fo_digest_key_set(NULL, secret, 3), FO_ERR_INVAL);
	ck_assert_int_eq(fo_digest_key_set(&k, NULL, 3), FO_ERR_INVAL);
	ck_assert_int_eq(fo_digest_key_set(&k, secret, 0), FO_ERR_INVAL);
	ck_assert_int_eq(fo_digest_key_set(&k, big, sizeof(big)), FO_ERR_RANGE);
	/* Untouched on error. */
	ck_assert_uint_eq(k.len, strlen(secret));
	ck_assert_mem_eq(k.key, secret, k.len);
	ck_assert_int_eq(fo_digest_key_set(&k, big, FO_DIGEST_KEY_MAX), FO_OK);
	ck_assert_uint_eq(k.len, FO_DIGEST_KEY_MAX);
	/* A shorter key leaves no stale bytes behind. */
	ck_assert_int_eq(fo_digest_key_set(&k, "ab", 2), FO_OK);
	ck_assert_uint_eq(k.key[2], 0);
	fo_digest_key_clear(&k);
	ck_assert_uint_eq(k.len, 0);
	for (size_t i = 0; i < sizeof(k.key); i++)
		ck_assert_uint_eq(k.key[i], 0);
	fo_digest_key_clear(NULL);
}
END_TEST

START_TEST(test_equal)
{
	uint8_t a[FO_DIGEST_LEN], b[FO_DIGEST_LEN];

	memset(a, 0x11, sizeof(a));
	memcpy(b, a, sizeof(b));
	ck_assert(fo_digest_equal(a, b, sizeof(a)));
	ck_assert(fo_digest_equal(a, NULL, 0));
	b[0] ^= 1;
	ck_assert(!fo_digest_equal(a, b, sizeof(a)));
	b[0] ^= 1;
	b[FO_DIGEST_LEN - 1] ^= 0x80;
	ck_assert(!fo_digest_equal(a, b, sizeof(a)));
}
END_TEST

static Suite *
digest_suite(void)
{
	Suite *s = suite_create("digest");
	TCase *tc = tcase_create("hmac-sha256");

	tcase_add_test(tc, test_known_answer);
	tcase_add_test(tc, test_verify);
	tcase_add_test(tc, test_compute_errors);
	tcase_add_test(tc, test_key_set);
	tcase_add_test(tc, test_equal);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(digest_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
