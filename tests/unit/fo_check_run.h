/*
 * fo_check_run.h - run a Check suite and turn its failures into the exit
 * status (the end of every unit test's main).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_CHECK_RUN_H
#define FO_CHECK_RUN_H

#include <check.h>
#include <stdlib.h>

static inline int
fo_check_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif /* FO_CHECK_RUN_H */
