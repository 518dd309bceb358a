/*
 * check_mirror.c - the partner's view of a relationship and the partner's
 * side of a change (fo_mirror.h): the rule table against the settings
 * table, each rule with known answers, the arguments of add, set, remove.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fo_alloc.h"
#include "fo_check_run.h"
#include "fo_mirror.h"

static fo_scope_ref scopes[2];

/* Server A of the tests: primary, 60 % of load balance, with a control channel. */
static void
server_a(fo_relationship *r)
{
	fo_relationship_defaults(r);
	snprintf(r->name, sizeof(r->name), "rel1");
	snprintf(r->partner_server, sizeof(r->partner_server), "10.0.0.2");
	snprintf(r->local_address, sizeof(r->local_address), "10.0.0.1");
	snprintf(r->server_name, sizeof(r->server_name), "dhcp-a");
	snprintf(r->partner_control_url, sizeof(r->partner_control_url), "http://10.0.0.2:8000/");
	snprintf(r->partner_control_password, sizeof(r->partner_control_password), "pw");
	r->partner_port = 647;
	r->local_port = 1647;
	r->load_balance_percent = 60;
	r->mclt = 600;
	r->enable_auth = true;
	snprintf(r->shared_secret, sizeof(r->shared_secret), "s3cret");
	scopes[0].scope_id = 0x0a000000;
	scopes[1].scope_id = 0x0a010000;
	r->scopes = scopes;
	r->n_scopes = 2;
}

START_TEST(test_rules_cover_settings)
{
	ck_assert_uint_eq(fo_mirror_rules_count, fo_settings_count);
	for (size_t i = 0; i < fo_settings_count; i++) {
		const fo_mirror_rule *m = fo_mirror_rule_of(fo_settings[i].name);

		ck_assert_msg(m != NULL, "no mirror rule for %s", fo_settings[i].name);
		ck_assert_str_eq(fo_mirror_rules[i].leaf, fo_settings[i].name);
		if (m->how == FO_MR_SWAP) {
			const fo_setting *o = fo_setting_find(m->other);

			ck_assert_ptr_nonnull(o);
			ck_assert_int_eq(o->kind == FO_SK_HOST || o->kind == FO_SK_TEXT,
			    fo_settings[i].kind == FO_SK_HOST || fo_settings[i].kind == FO_SK_TEXT);
			ck_assert_uint_eq(o->size, fo_settings[i].size);
			ck_assert_str_eq(fo_mirror_rule_of(m->other)->other, m->leaf);
		} else {
			ck_assert_ptr_null(m->other);
		}
		/* a secret of the partner's own channel is never sent */
		if ((fo_settings[i].flags & FO_SF_SECRET) != 0 &&
		    strcmp(fo_settings[i].name, "shared-secret") != 0)
			ck_assert_int_eq(m->how, FO_MR_LOCAL);
		if (m->how == FO_MR_FLIP)
			ck_assert_uint_eq(fo_settings[i].max - fo_settings[i].min, 1);
	}
	ck_assert_ptr_null(fo_mirror_rule_of("no-such-leaf"));
	ck_assert_ptr_null(fo_mirror_rule_of(NULL));
	ck_assert_str_eq(fo_mirror_how_name(FO_MR_COMPLEMENT), "complement");
}
END_TEST

START_TEST(test_mirror_of)
{
	fo_relationship a, t = { 0 }, back = { 0 };

	server_a(&a);
	ck_assert_int_eq(fo_mirror_of(&a, &t), FO_OK);
	ck_assert_str_eq(t.name, "rel1");
	ck_assert_str_eq(t.partner_server, "10.0.0.1");
	ck_assert_str_eq(t.local_address, "10.0.0.2");
	ck_assert_uint_eq(t.partner_port, 1647);
	ck_assert_uint_eq(t.local_port, 647);
	ck_assert_int_eq(t.server_type, FO_SECONDARY);
	ck_assert_uint_eq(t.load_balance_percent, 40);
	ck_assert_uint_eq(t.mclt, 600);
	ck_assert_str_eq(t.shared_secret, "s3cret");
	ck_assert_str_eq(t.server_name, "");
	ck_assert_str_eq(t.partner_control_url, "");
	ck_assert_str_eq(t.partner_control_password, "");
	ck_assert_uint_eq(t.n_scopes, 2);
	ck_assert_ptr_ne(t.scopes, a.scopes);
	ck_assert_uint_eq(t.scopes[1].scope_id, 0x0a010000);
	/* Twice is the identity on every leaf that is not LOCAL. */
	ck_assert_int_eq(fo_mirror_of(&t, &back), FO_OK);
	ck_assert_str_eq(back.partner_server, a.partner_server);
	ck_assert_uint_eq(back.local_port, a.local_port);
	ck_assert_int_eq(back.server_type, a.server_type);
	ck_assert_uint_eq(back.load_balance_percent, a.load_balance_percent);
	fo_relationship_clear(&back);
	/* hot-standby: the active's partner is the standby, and back */
	a.mode = FO_MODE_HOT_STANDBY;
	a.server_role = FO_ROLE_STANDBY;
	a.server_type = FO_SECONDARY;
	ck_assert_int_eq(fo_mirror_of(&a, &t), FO_OK);
	ck_assert_int_eq(t.server_role, FO_ROLE_ACTIVE);
	ck_assert_int_eq(t.server_type, FO_PRIMARY);
	ck_assert_uint_eq(t.reserve_percent, a.reserve_percent);
	fo_relationship_clear(&t);
	ck_assert_int_eq(fo_mirror_of(NULL, &t), FO_ERR_INVAL);
	ck_assert_int_eq(fo_mirror_of(&a, NULL), FO_ERR_INVAL);
	/* out of memory copying the scopes */
	fo_alloc_fail_after(0);
	ck_assert_int_eq(fo_mirror_of(&a, &t), FO_ERR_NOMEM);
	fo_alloc_fail_after(-1);
}
END_TEST

START_TEST(test_args_add)
{
	fo_relationship a;
	char *out = NULL, err[256] = "";

	server_a(&a);
	ck_assert_int_eq(fo_mirror_args(NULL, &a, &out, err, sizeof(err)), FO_OK);
	ck_assert_str_eq(out, "{\"name\":\"rel1\",\"partner-server\":\"10.0.0.1\","
	    "\"partner-port\":1647,\"local-address\":\"10.0.0.2\",\"local-port\":647,"
	    "\"mode\":\"load-balance\",\"load-balance-percent\":40,"
	    "\"scope-id\":[\"10.0.0.0\",\"10.1.0.0\"],\"max-client-lead-time\":600,"
	    "\"auto-state-transition\":false,\"enable-auth\":true,\"shared-secret\":\"s3cret\","
	    "\"server-type\":\"secondary\",\"dialect\":\"draft\",\"max-response-delay\":180,"
	    "\"max-unacked-updates\":10,\"load-balance-max-seconds\":3,\"local-only\":true}");
	fo_free(out);
	/* the partner would not know where this server is */
	a.local_address[0] = '\0';
	ck_assert_int_eq(fo_mirror_args(NULL, &a, &out, err, sizeof(err)), FO_ERR_CONFIG);
	ck_assert_ptr_null(out);
	ck_assert_ptr_nonnull(strstr(err, "local-address: not set"));
	ck_assert_int_eq(fo_mirror_args(NULL, NULL, &out, err, sizeof(err)), FO_ERR_INVAL);
	ck_assert_int_eq(fo_mirror_args(NULL, &a, NULL, err, sizeof(err)), FO_ERR_INVAL);
}
END_TEST

START_TEST(test_args_set_remove)
{
	fo_relationship a, b;
	char *out = NULL, err[256] = "";

	server_a(&a);
	server_a(&b);
	/* nothing differs: the name only */
	ck_assert_int_eq(fo_mirror_args(&a, &b, &out, err, sizeof(err)), FO_OK);
	ck_assert_str_eq(out, "{\"name\":\"rel1\",\"local-only\":true}");
	fo_free(out);
	/* LOCAL leaves are not sent; the others mirrored */
	b.load_balance_percent = 70;
	b.mclt = 1200;
	snprintf(b.server_name, sizeof(b.server_name), "other");
	snprintf(b.partner_control_url, sizeof(b.partner_control_url), "http://x:1/");
	ck_assert_int_eq(fo_mirror_args(&a, &b, &out, err, sizeof(err)), FO_OK);
	ck_assert_str_eq(out, "{\"name\":\"rel1\",\"load-balance-percent\":30,"
	    "\"max-client-lead-time\":1200,\"local-only\":true}");
	fo_free(out);
	/* and back: the undo */
	ck_assert_int_eq(fo_mirror_args(&b, &a, &out, err, sizeof(err)), FO_OK);
	ck_assert_str_eq(out, "{\"name\":\"rel1\",\"load-balance-percent\":40,"
	    "\"max-client-lead-time\":600,\"local-only\":true}");
	fo_free(out);
	/* to hot-standby as the active: the partner becomes the standby, the
	 * load-balance leaves go (null) */
	server_a(&b);
	b.mode = FO_MODE_HOT_STANDBY;
	b.enable_auth = false;
	ck_assert_int_eq(fo_mirror_args(&a, &b, &out, err, sizeof(err)), FO_OK);
	ck_assert_str_eq(out, "{\"name\":\"rel1\",\"mode\":\"hot-standby\","
	    "\"server-role\":\"standby\",\"load-balance-percent\":null,\"reserve-percent\":5,"
	    "\"enable-auth\":false,\"shared-secret\":null,\"load-balance-max-seconds\":null,"
	    "\"local-only\":true}");
	fo_free(out);
	/* local-address dropped: the partner would lose its partner-server */
	server_a(&b);
	b.local_address[0] = '\0';
	ck_assert_int_eq(fo_mirror_args(&a, &b, &out, err, sizeof(err)), FO_ERR_CONFIG);
	/* ...but with none before nothing changes there */
	ck_assert_int_eq(fo_mirror_args(&b, &b, &out, err, sizeof(err)), FO_OK);
	ck_assert_str_eq(out, "{\"name\":\"rel1\",\"local-only\":true}");
	fo_free(out);
	/* remove */
	ck_assert_int_eq(fo_mirror_args(&a, NULL, &out, err, sizeof(err)), FO_OK);
	ck_assert_str_eq(out, "{\"name\":\"rel1\",\"local-only\":true}");
	fo_free(out);
	/* out of memory anywhere: FO_ERR_NOMEM, nothing out */
	for (int k = 0; k < 8; k++) {
		fo_status st;

		fo_alloc_fail_after(k);
		st = fo_mirror_args(NULL, &a, &out, err, sizeof(err));
		fo_alloc_fail_after(-1);
		ck_assert(st == FO_OK || st == FO_ERR_NOMEM);
		if (st == FO_OK)
			fo_free(out);
		else
			ck_assert_ptr_null(out);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("mirror");
	TCase *tc = tcase_create("mirror");

	tcase_add_test(tc, test_rules_cover_settings);
	tcase_add_test(tc, test_mirror_of);
	tcase_add_test(tc, test_args_add);
	tcase_add_test(tc, test_args_set_remove);
	suite_add_tcase(s, tc);
	return fo_check_run(s);
}
