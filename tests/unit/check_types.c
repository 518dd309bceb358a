/*
 * check_types.c - the shared name tables and the state wire codes.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fo_types.h"

/* Seed spelling and draft-12 wire code of every state (reference section 5). */
static const struct {
	fo_state s;
	const char *name;
	uint8_t wire;
} states[] = {
	{ FO_STATE_NOSTATE, "NoState", 0 },
	{ FO_STATE_INIT, "Init", 0 },
	{ FO_STATE_STARTUP, "Startup", 1 },
	{ FO_STATE_NORMAL, "Normal", 2 },
	{ FO_STATE_COMM_INTERRUPTED, "CommunicationInterrupted", 3 },
	{ FO_STATE_PARTNER_DOWN, "PartnerDown", 4 },
	{ FO_STATE_POTENTIAL_CONFLICT, "PotentialConflict", 5 },
	{ FO_STATE_CONFLICT_DONE, "ConflictDone", 11 },
	{ FO_STATE_RESOLUTION_INTERRUPTED, "ResolutionInterrupted", 10 },
	{ FO_STATE_RECOVER, "Recover", 6 },
	{ FO_STATE_RECOVER_WAIT, "RecoverWait", 254 },
	{ FO_STATE_RECOVER_DONE, "RecoverDone", 9 },
	{ FO_STATE_PAUSED, "Paused", 7 },
	{ FO_STATE_SHUTDOWN, "Shutdown", 8 },
};

START_TEST(state_names_and_wire_codes)
{
	fo_state back;

	ck_assert_int_eq(sizeof(states) / sizeof(states[0]), FO_STATE_COUNT);
	ck_assert_str_eq(fo_state_name(states[_i].s), states[_i].name);
	ck_assert_uint_eq(fo_state_to_wire(states[_i].s), states[_i].wire);
	ck_assert(fo_state_parse(states[_i].name, &back));
	ck_assert_int_eq(back, states[_i].s);
	if (states[_i].wire != 0) {
		ck_assert(fo_state_from_wire(states[_i].wire, &back));
		ck_assert_int_eq(back, states[_i].s);
	}
}
END_TEST

START_TEST(state_out_of_range)
{
	fo_state s;

	ck_assert_ptr_null(fo_state_name((fo_state)FO_STATE_COUNT));
	ck_assert_uint_eq(fo_state_to_wire((fo_state)99), 0);
	ck_assert(!fo_state_parse("normal", &s));     /* the seed's case only */
	ck_assert(!fo_state_parse(NULL, &s));
	ck_assert(!fo_state_from_wire(0, &s));
	ck_assert(!fo_state_from_wire(12, &s));
	ck_assert(!fo_state_from_wire(255, &s));
}
END_TEST

START_TEST(binding_state_names)
{
	static const char *names[] = { NULL, "FREE", "ACTIVE", "EXPIRED", "RELEASED",
	    "ABANDONED", "RESET", "BACKUP" };

	for (int i = 1; i <= FO_BS_MAX; i++)
		ck_assert_str_eq(fo_bstate_name((fo_bstate)i), names[i]);
	ck_assert_ptr_null(fo_bstate_name((fo_bstate)0));
	ck_assert_ptr_null(fo_bstate_name((fo_bstate)8));
}
END_TEST

START_TEST(enum_names)
{
	ck_assert_str_eq(fo_mode_name(FO_MODE_LOAD_BALANCE), "load-balance");
	ck_assert_str_eq(fo_mode_name(FO_MODE_HOT_STANDBY), "hot-standby");
	ck_assert_str_eq(fo_role_name(FO_ROLE_ACTIVE), "active");
	ck_assert_str_eq(fo_role_name(FO_ROLE_STANDBY), "standby");
	ck_assert_str_eq(fo_server_type_name(FO_PRIMARY), "primary");
	ck_assert_str_eq(fo_server_type_name(FO_SECONDARY), "secondary");
	ck_assert_str_eq(fo_dialect_name(FO_DIALECT_ISC), "isc");
	ck_assert_str_eq(fo_status_name(FO_OK), "ok");
	ck_assert_str_eq(fo_status_name((fo_status)1000), "unknown status");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("types");
	TCase *tc = tcase_create("names");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, state_names_and_wire_codes, 0, FO_STATE_COUNT);
	tcase_add_test(tc, state_out_of_range);
	tcase_add_test(tc, binding_state_names);
	tcase_add_test(tc, enum_names);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
