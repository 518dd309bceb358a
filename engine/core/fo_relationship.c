/*
 * fo_relationship.c - the failover relationship model (seed: DhcpServerv4Failover).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "fo_alloc.h"
#include "fo_relationship.h"

/* A wipe the compiler may not remove, although the memory is dead afterwards. */
static void
wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n-- > 0)
		*v++ = 0;
}

void
fo_relationship_defaults(fo_relationship *r)
{
	memset(r, 0, sizeof(*r));
	r->partner_port = FO_DEFAULT_PORT;
	r->mode = FO_MODE_LOAD_BALANCE;
	r->server_role = FO_ROLE_ACTIVE;
	r->load_balance_percent = FO_DEFAULT_LOAD_BALANCE_PERCENT;
	r->reserve_percent = FO_DEFAULT_RESERVE_PERCENT;
	r->scopes = NULL;
	r->n_scopes = 0;
	r->mclt = FO_DEFAULT_MCLT;
	r->auto_state_transition = false;
	r->state_switch_interval = 0;
	r->enable_auth = false;
	r->server_type = FO_PRIMARY;
	r->local_port = FO_DEFAULT_PORT;
	r->dialect = FO_DIALECT_DRAFT;
	r->max_response_delay = FO_DEFAULT_MAX_RESPONSE_DELAY;
	r->max_unacked_updates = FO_DEFAULT_MAX_UNACKED_UPDATES;
	r->load_balance_max_seconds = FO_DEFAULT_LB_MAX_SECONDS;
}

fo_status
fo_relationship_copy(fo_relationship *dst, const fo_relationship *src)
{
	fo_scope_ref *scopes = NULL;

	if (dst == NULL || src == NULL)
		return FO_ERR_INVAL;
	if (dst == src)
		return FO_OK;
	if (src->n_scopes > 0) {
		if (src->scopes == NULL)
			return FO_ERR_INVAL;
		scopes = fo_calloc(src->n_scopes, sizeof(*scopes));
		if (scopes == NULL)
			return FO_ERR_NOMEM;
		memcpy(scopes, src->scopes, src->n_scopes * sizeof(*scopes));
	}
	fo_relationship_clear(dst);
	*dst = *src;
	dst->scopes = scopes;
	return FO_OK;
}

void
fo_relationship_clear(fo_relationship *r)
{
	if (r == NULL)
		return;
	fo_free(r->scopes);
	wipe(r->shared_secret, sizeof(r->shared_secret));
	wipe(r->partner_control_password, sizeof(r->partner_control_password));
	memset(r, 0, sizeof(*r));
}

void
fo_relationship_set_clear(fo_relationship_set *set)
{
	if (set == NULL)
		return;
	for (size_t i = 0; i < set->n; i++)
		fo_relationship_clear(&set->rel[i]);
	fo_free(set->rel);
	memset(set, 0, sizeof(*set));
}

const fo_relationship *
fo_relationship_set_find_scope(const fo_relationship_set *set, fo_ip4 scope_id)
{
	if (set == NULL)
		return NULL;
	for (size_t i = 0; i < set->n; i++) {
		const fo_relationship *r = &set->rel[i];

		for (size_t j = 0; j < r->n_scopes; j++)
			if (r->scopes[j].scope_id == scope_id)
				return r;
	}
	return NULL;
}

const fo_relationship *
fo_relationship_set_find(const fo_relationship_set *set, const char *name)
{
	if (set == NULL || name == NULL)
		return NULL;
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->rel[i].name, name) == 0)
			return &set->rel[i];
	return NULL;
}

/* In hot-standby, is the primary the active server? (role is this server's) */
static bool
primary_is_active(const fo_relationship *r)
{
	return (r->server_type == FO_PRIMARY) == (r->server_role == FO_ROLE_ACTIVE);
}

/* The primary's load-balance share (this server's share is load_balance_percent). */
static unsigned
primary_lb_percent(const fo_relationship *r)
{
	unsigned mine = r->load_balance_percent > 100 ? 100 : r->load_balance_percent;

	return r->server_type == FO_PRIMARY ? mine : 100 - mine;
}

unsigned
fo_relationship_primary_bucket_percent(const fo_relationship *r)
{
	switch (r->mode) {
	case FO_MODE_LOAD_BALANCE:
		return primary_lb_percent(r);
	case FO_MODE_HOT_STANDBY:
		return primary_is_active(r) ? 100 : 0;
	}
	return 0;
}

unsigned
fo_relationship_secondary_address_percent(const fo_relationship *r)
{
	unsigned reserve = r->reserve_percent > 100 ? 100 : r->reserve_percent;

	switch (r->mode) {
	case FO_MODE_LOAD_BALANCE:
		return 100 - primary_lb_percent(r);
	case FO_MODE_HOT_STANDBY:
		/* The secondary is the standby exactly when the primary is active. */
		return primary_is_active(r) ? reserve : 100 - reserve;
	}
	return 0;
}

/* PartnerServer is an IP address (else it is the partner's host name). */
static bool
partner_is_ip(const fo_relationship *r)
{
	struct in_addr a;

	return inet_pton(AF_INET, r->partner_server, &a) == 1;
}

static const char *
partner_ip(const fo_relationship *r)
{
	return partner_is_ip(r) ? r->partner_server : "";
}

static const char *
partner_name(const fo_relationship *r)
{
	return partner_is_ip(r) ? "" : r->partner_server;
}

const char *
fo_relationship_primary_ip(const fo_relationship *r)
{
	return r->server_type == FO_PRIMARY ? r->local_address : partner_ip(r);
}

const char *
fo_relationship_secondary_ip(const fo_relationship *r)
{
	return r->server_type == FO_SECONDARY ? r->local_address : partner_ip(r);
}

const char *
fo_relationship_primary_name(const fo_relationship *r)
{
	return r->server_type == FO_PRIMARY ? r->server_name : partner_name(r);
}

const char *
fo_relationship_secondary_name(const fo_relationship *r)
{
	return r->server_type == FO_SECONDARY ? r->server_name : partner_name(r);
}
