/*
 * check_relationship.c - the relationship model: Microsoft's defaults, deep
 * copy and clear, look-ups, and the derived (read-only) seed properties for
 * every mode, role and server type.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "fo_relationship.h"

static fo_relationship
make(fo_mode mode, fo_role role, fo_server_type type)
{
	fo_relationship r;

	fo_relationship_defaults(&r);
	r.mode = mode;
	r.server_role = role;
	r.server_type = type;
	return r;
}

static bool
all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != 0)
			return false;
	return true;
}

START_TEST(test_defaults)
{
	fo_relationship r;

	memset(&r, 0xa5, sizeof(r));
	fo_relationship_defaults(&r);
	ck_assert_str_eq(r.name, "");
	ck_assert_str_eq(r.partner_server, "");
	ck_assert_uint_eq(r.partner_port, 647);
	ck_assert_int_eq(r.mode, FO_MODE_LOAD_BALANCE);
	ck_assert_int_eq(r.server_role, FO_ROLE_ACTIVE);
	ck_assert_uint_eq(r.load_balance_percent, 50);
	ck_assert_uint_eq(r.reserve_percent, 5);
	ck_assert_ptr_null(r.scopes);
	ck_assert_uint_eq(r.n_scopes, 0);
	ck_assert_uint_eq(r.mclt, 3600);
	ck_assert(!r.auto_state_transition);
	ck_assert_uint_eq(r.state_switch_interval, 0);
	ck_assert(!r.enable_auth);
	ck_assert(all_zero(r.shared_secret, sizeof(r.shared_secret)));
	ck_assert_int_eq(r.server_type, FO_PRIMARY);
	ck_assert_str_eq(r.local_address, "");
	ck_assert_uint_eq(r.local_port, 647);
	ck_assert_str_eq(r.server_name, "");
	ck_assert_int_eq(r.dialect, FO_DIALECT_DRAFT);
	ck_assert_uint_eq(r.max_response_delay, 180);
	ck_assert_uint_eq(r.max_unacked_updates, 10);
	ck_assert_uint_eq(r.load_balance_max_seconds, 3);
}
END_TEST

START_TEST(test_copy_is_deep)
{
	fo_relationship src, dst;

	fo_relationship_defaults(&src);
	fo_relationship_defaults(&dst);
	strcpy(src.name, "r1");
	strcpy(src.shared_secret, "k");
	src.enable_auth = true;
	src.n_scopes = 2;
	src.scopes = calloc(2, sizeof(*src.scopes));
	ck_assert_ptr_nonnull(src.scopes);
	src.scopes[0].scope_id = 0x0a000000u;
	src.scopes[1].scope_id = 0x0a000100u;

	ck_assert_int_eq(fo_relationship_copy(&dst, &src), FO_OK);
	ck_assert_str_eq(dst.name, "r1");
	ck_assert_str_eq(dst.shared_secret, "k");
	ck_assert(dst.enable_auth);
	ck_assert_uint_eq(dst.n_scopes, 2);
	ck_assert_ptr_ne(dst.scopes, src.scopes);
	src.scopes[0].scope_id = 1;
	ck_assert_uint_eq(dst.scopes[0].scope_id, 0x0a000000u);
	ck_assert_uint_eq(dst.scopes[1].scope_id, 0x0a000100u);

	/* Copying over a relationship that owns scopes releases them (valgrind). */
	ck_assert_int_eq(fo_relationship_copy(&dst, &src), FO_OK);
	ck_assert_uint_eq(dst.scopes[0].scope_id, 1);
	/* Self-copy is a no-op. */
	ck_assert_int_eq(fo_relationship_copy(&dst, &dst), FO_OK);
	ck_assert_uint_eq(dst.n_scopes, 2);

	fo_relationship_clear(&src);
	fo_relationship_clear(&dst);
}
END_TEST

START_TEST(test_copy_misuse)
{
	fo_relationship a, b;

	fo_relationship_defaults(&a);
	fo_relationship_defaults(&b);
	ck_assert_int_eq(fo_relationship_copy(NULL, &a), FO_ERR_INVAL);
	ck_assert_int_eq(fo_relationship_copy(&a, NULL), FO_ERR_INVAL);
	b.n_scopes = 3;      /* scopes counted but absent */
	ck_assert_int_eq(fo_relationship_copy(&a, &b), FO_ERR_INVAL);
	ck_assert_ptr_null(a.scopes);
	ck_assert_uint_eq(a.n_scopes, 0);
	/* A copy without scopes. */
	b.n_scopes = 0;
	strcpy(b.name, "empty");
	ck_assert_int_eq(fo_relationship_copy(&a, &b), FO_OK);
	ck_assert_str_eq(a.name, "empty");
	ck_assert_ptr_null(a.scopes);
}
END_TEST

START_TEST(test_clear)
{
	fo_relationship r;

	fo_relationship_defaults(&r);
	strcpy(r.name, "r1");
	memset(r.shared_secret, 'S', FO_SECRET_MAX);
	r.enable_auth = true;
	r.scopes = calloc(4, sizeof(*r.scopes));
	r.n_scopes = 4;
	fo_relationship_clear(&r);
	ck_assert(all_zero(&r, sizeof(r)));
	ck_assert_ptr_null(r.scopes);
	/* Twice, and NULL, are harmless. */
	fo_relationship_clear(&r);
	fo_relationship_clear(NULL);
}
END_TEST

START_TEST(test_set_find)
{
	fo_relationship_set set;
	fo_scope_ref *s;

	memset(&set, 0, sizeof(set));
	ck_assert_ptr_null(fo_relationship_set_find(&set, "a"));
	ck_assert_ptr_null(fo_relationship_set_find_scope(&set, 1));
	ck_assert_ptr_null(fo_relationship_set_find(NULL, "a"));
	ck_assert_ptr_null(fo_relationship_set_find_scope(NULL, 1));

	set.rel = calloc(2, sizeof(*set.rel));
	set.n = 2;
	fo_relationship_defaults(&set.rel[0]);
	fo_relationship_defaults(&set.rel[1]);
	strcpy(set.rel[0].name, "a");
	strcpy(set.rel[1].name, "b");
	s = calloc(2, sizeof(*s));
	s[0].scope_id = 0x0a000000u;
	s[1].scope_id = 0x0a010000u;
	set.rel[1].scopes = s;
	set.rel[1].n_scopes = 2;
	strcpy(set.rel[1].shared_secret, "k");

	ck_assert_ptr_eq(fo_relationship_set_find(&set, "a"), &set.rel[0]);
	ck_assert_ptr_eq(fo_relationship_set_find(&set, "b"), &set.rel[1]);
	ck_assert_ptr_null(fo_relationship_set_find(&set, "c"));
	ck_assert_ptr_null(fo_relationship_set_find(&set, NULL));
	ck_assert_ptr_eq(fo_relationship_set_find_scope(&set, 0x0a010000u), &set.rel[1]);
	ck_assert_ptr_null(fo_relationship_set_find_scope(&set, 0x0a020000u));

	fo_relationship_set_clear(&set);
	ck_assert_ptr_null(set.rel);
	ck_assert_uint_eq(set.n, 0);
	fo_relationship_set_clear(&set);
	fo_relationship_set_clear(NULL);
}
END_TEST

/* Shares for every mode x role x type (LoadBalance 70 %, ReservePercent 5). */
static const struct share {
	fo_mode mode;
	fo_role role;
	fo_server_type type;
	unsigned primary_buckets;
	unsigned secondary_addresses;
} shares[] = {
	/* LoadBalance: this server has 70 %; the role plays no part. */
	{ FO_MODE_LOAD_BALANCE, FO_ROLE_ACTIVE, FO_PRIMARY, 70, 30 },
	{ FO_MODE_LOAD_BALANCE, FO_ROLE_STANDBY, FO_PRIMARY, 70, 30 },
	{ FO_MODE_LOAD_BALANCE, FO_ROLE_ACTIVE, FO_SECONDARY, 30, 70 },
	{ FO_MODE_LOAD_BALANCE, FO_ROLE_STANDBY, FO_SECONDARY, 30, 70 },
	/* HotStandby: the active has every bucket, the standby the reserve. */
	{ FO_MODE_HOT_STANDBY, FO_ROLE_ACTIVE, FO_PRIMARY, 100, 5 },
	{ FO_MODE_HOT_STANDBY, FO_ROLE_STANDBY, FO_PRIMARY, 0, 95 },
	{ FO_MODE_HOT_STANDBY, FO_ROLE_ACTIVE, FO_SECONDARY, 0, 95 },
	{ FO_MODE_HOT_STANDBY, FO_ROLE_STANDBY, FO_SECONDARY, 100, 5 },
};

START_TEST(test_shares)
{
	const struct share *c = &shares[_i];
	fo_relationship r = make(c->mode, c->role, c->type);

	r.load_balance_percent = 70;
	ck_assert_uint_eq(fo_relationship_primary_bucket_percent(&r), c->primary_buckets);
	ck_assert_uint_eq(fo_relationship_secondary_address_percent(&r),
	    c->secondary_addresses);
}
END_TEST

START_TEST(test_share_extremes)
{
	fo_relationship r = make(FO_MODE_LOAD_BALANCE, FO_ROLE_ACTIVE, FO_PRIMARY);

	r.load_balance_percent = 0;
	ck_assert_uint_eq(fo_relationship_primary_bucket_percent(&r), 0);
	ck_assert_uint_eq(fo_relationship_secondary_address_percent(&r), 100);
	r.load_balance_percent = 100;
	ck_assert_uint_eq(fo_relationship_primary_bucket_percent(&r), 100);
	ck_assert_uint_eq(fo_relationship_secondary_address_percent(&r), 0);
	r.load_balance_percent = 200;   /* out of range: clamped, never negative */
	ck_assert_uint_eq(fo_relationship_secondary_address_percent(&r), 0);
	r.server_type = FO_SECONDARY;
	ck_assert_uint_eq(fo_relationship_primary_bucket_percent(&r), 0);

	r = make(FO_MODE_HOT_STANDBY, FO_ROLE_ACTIVE, FO_PRIMARY);
	r.reserve_percent = 0;
	ck_assert_uint_eq(fo_relationship_secondary_address_percent(&r), 0);
	r.reserve_percent = 100;
	ck_assert_uint_eq(fo_relationship_secondary_address_percent(&r), 100);
	r.server_role = FO_ROLE_STANDBY;
	ck_assert_uint_eq(fo_relationship_secondary_address_percent(&r), 0);
}
END_TEST

/* PrimaryServerIP/Name and SecondaryServerIP/Name for every combination. */
START_TEST(test_server_ips_and_names)
{
	for (int m = 0; m < 2; m++) {
		for (int ro = 0; ro < 2; ro++) {
			fo_relationship p = make((fo_mode)m, (fo_role)ro, FO_PRIMARY);
			fo_relationship s = make((fo_mode)m, (fo_role)ro, FO_SECONDARY);

			strcpy(p.local_address, "10.0.0.1");
			strcpy(p.server_name, "dhcp1");
			strcpy(p.partner_server, "10.0.0.2");
			ck_assert_str_eq(fo_relationship_primary_ip(&p), "10.0.0.1");
			ck_assert_str_eq(fo_relationship_secondary_ip(&p), "10.0.0.2");
			ck_assert_str_eq(fo_relationship_primary_name(&p), "dhcp1");
			ck_assert_str_eq(fo_relationship_secondary_name(&p), "");

			strcpy(s.local_address, "10.0.0.2");
			strcpy(s.server_name, "dhcp2");
			strcpy(s.partner_server, "10.0.0.1");
			ck_assert_str_eq(fo_relationship_primary_ip(&s), "10.0.0.1");
			ck_assert_str_eq(fo_relationship_secondary_ip(&s), "10.0.0.2");
			ck_assert_str_eq(fo_relationship_primary_name(&s), "");
			ck_assert_str_eq(fo_relationship_secondary_name(&s), "dhcp2");

			/* A host name is the partner's name; its address is unknown. */
			strcpy(p.partner_server, "dhcp2.example.net");
			ck_assert_str_eq(fo_relationship_secondary_ip(&p), "");
			ck_assert_str_eq(fo_relationship_secondary_name(&p), "dhcp2.example.net");
			ck_assert_str_eq(fo_relationship_primary_ip(&p), "10.0.0.1");
			strcpy(s.partner_server, "dhcp1.example.net");
			ck_assert_str_eq(fo_relationship_primary_ip(&s), "");
			ck_assert_str_eq(fo_relationship_primary_name(&s), "dhcp1.example.net");
			ck_assert_str_eq(fo_relationship_secondary_name(&s), "dhcp2");

			/* No local-address or server-name configured: empty. */
			p.local_address[0] = '\0';
			p.server_name[0] = '\0';
			ck_assert_str_eq(fo_relationship_primary_ip(&p), "");
			ck_assert_str_eq(fo_relationship_primary_name(&p), "");
		}
	}
}
END_TEST

static Suite *
relationship_suite(void)
{
	Suite *s = suite_create("relationship");
	TCase *tc = tcase_create("model");

	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_copy_is_deep);
	tcase_add_test(tc, test_copy_misuse);
	tcase_add_test(tc, test_clear);
	tcase_add_test(tc, test_set_find);
	tcase_add_loop_test(tc, test_shares, 0, (int)(sizeof(shares) / sizeof(shares[0])));
	tcase_add_test(tc, test_share_extremes);
	tcase_add_test(tc, test_server_ips_and_names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(relationship_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
