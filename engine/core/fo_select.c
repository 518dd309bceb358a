/*
 * fo_select.c - Kea's subnet of a relayed query, from giaddr alone.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "fo_alloc.h"
#include "fo_select.h"

static fo_ip4
mask_of(uint8_t plen)
{
	return plen == 0 ? 0 : plen >= 32 ? 0xffffffffu : ~(0xffffffffu >> plen);
}

static int
by_first(const void *a, const void *b)
{
	const fo_select_entry *x = a, *y = b;

	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

fo_status
fo_select_build(fo_select *s, const fo_subnet *subnets, size_t n)
{
	fo_ip4 end = 0;

	memset(s, 0, sizeof(*s));
	if (n == 0)
		return FO_OK;
	if ((s->sorted = fo_calloc(n, sizeof(*s->sorted))) == NULL)
		return FO_ERR_NOMEM;
	s->subnets = subnets;
	s->n = n;
	for (size_t i = 0; i < n; i++) {
		fo_ip4 m = mask_of(subnets[i].plen);

		s->sorted[i].first = subnets[i].prefix & m;
		s->sorted[i].last = (subnets[i].prefix & m) | ~m;
		s->sorted[i].order = (uint32_t)i;
		s->relays |= subnets[i].relay_addresses;
	}
	qsort(s->sorted, n, sizeof(*s->sorted), by_first);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && s->sorted[i].first <= end)
			s->overlap = true;
		if (i == 0 || s->sorted[i].last > end)
			end = s->sorted[i].last;
	}
	return FO_OK;
}

void
fo_select_free(fo_select *s)
{
	fo_free(s->sorted);
	memset(s, 0, sizeof(*s));
}

/* Kea's first subnet holding g: the index into subnets, or n. */
static size_t
first_holding(const fo_select *s, fo_ip4 g)
{
	size_t lo = 0, hi = s->n;

	if (s->overlap) {
		size_t best = s->n;

		for (size_t i = 0; i < s->n; i++)
			if (g >= s->sorted[i].first && g <= s->sorted[i].last &&
			    s->sorted[i].order < best)
				best = s->sorted[i].order;
		return best;
	}
	/* No overlap: the last range starting at or below g is the only candidate. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->sorted[mid].first <= g)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || g > s->sorted[lo - 1].last)
		return s->n;
	return s->sorted[lo - 1].order;
}

bool
fo_select_by_giaddr(const fo_select *s, fo_ip4 giaddr, uint32_t *subnet_id)
{
	size_t i;

	if (s == NULL || s->sorted == NULL || s->relays || giaddr == 0)
		return false;
	if ((i = first_holding(s, giaddr)) >= s->n || s->subnets[i].client_class)
		return false;
	*subnet_id = s->subnets[i].subnet_id;
	return true;
}
