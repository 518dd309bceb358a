/*
 * fo_ownership.c - split-pool ownership of free addresses (protocol section 8).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include "fo_ownership.h"

static bool
own_free(fo_bstate s)
{
	return s == FO_BS_FREE || s == FO_BS_BACKUP;
}

bool
fo_own_is_secondary(uint64_t i, unsigned p)
{
	return ((i + 1) * p + 50) / 100 > (i * p + 50) / 100;
}

uint64_t
fo_own_share(uint64_t n, unsigned p)
{
	return (n * p + 50) / 100;
}

fo_status
fo_own_split(fo_bt *bt, unsigned p, fo_wall now)
{
	fo_bt_iter it = FO_BT_ITER_INIT;
	const fo_binding *b;
	fo_ip4 addr;
	uint64_t i = 0;
	fo_status st;

	if (bt == NULL || p > 100)
		return FO_ERR_INVAL;
	while (fo_bt_iter_next(bt, &it, &addr, &b)) {
		fo_bstate want;

		if (!own_free(fo_binding_state(b)))
			continue;
		want = fo_own_is_secondary(i++, p) ? FO_BS_BACKUP : FO_BS_FREE;
		if (fo_binding_state(b) == want)
			continue;
		if ((st = fo_bt_set_state(bt, addr, want, now)) != FO_OK)
			return st;
	}
	return FO_OK;
}

int64_t
fo_own_imbalance(const fo_bt *bt, unsigned p)
{
	size_t backup, free;

	if (bt == NULL || p > 100)
		return 0;
	backup = fo_bt_count(bt, FO_BS_BACKUP);
	free = fo_bt_count(bt, FO_BS_FREE) + backup;
	return (int64_t)fo_own_share(free, p) - (int64_t)backup;
}
