/*
 * fo_relationship.c - the failover relationship model (seed: DhcpServerv4Failover).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdio.h>
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

#define F(field) offsetof(fo_relationship, field)
#define TXT(n, field, fl) { n, FO_SK_TEXT, F(field), sizeof(((fo_relationship *)0)->field), \
	0, 0, 0, fl }
#define NUM(n, k, field, lo, hi, d, fl) { n, k, F(field), 0, lo, hi, d, fl }

/* In the module's order: failover-get and the relationships file list them so. */
const fo_setting fo_settings[] = {
	TXT("name", name, 0),
	{ "partner-server", FO_SK_HOST, F(partner_server), sizeof(((fo_relationship *)0)->partner_server),
	  0, 0, 0, 0 },
	NUM("partner-port", FO_SK_U16, partner_port, 1, 65535, FO_DEFAULT_PORT, 0),
	{ "local-address", FO_SK_HOST, F(local_address), sizeof(((fo_relationship *)0)->local_address),
	  0, 0, 0, FO_SF_IF_SET },
	NUM("local-port", FO_SK_U16, local_port, 1, 65535, FO_DEFAULT_PORT, 0),
	TXT("server-name", server_name, FO_SF_IF_SET),
	NUM("mode", FO_SK_MODE, mode, 0, 1, FO_MODE_LOAD_BALANCE, 0),
	NUM("server-role", FO_SK_ROLE, server_role, 0, 1, FO_ROLE_ACTIVE, FO_SF_HS),
	NUM("load-balance-percent", FO_SK_U8, load_balance_percent, 0, 100,
	    FO_DEFAULT_LOAD_BALANCE_PERCENT, FO_SF_LB),
	NUM("reserve-percent", FO_SK_U8, reserve_percent, 0, 100, FO_DEFAULT_RESERVE_PERCENT,
	    FO_SF_HS),
	{ "scope-id", FO_SK_SCOPES, F(scopes), 0, 1, FO_MAX_SCOPES, 0, 0 },
	NUM("max-client-lead-time", FO_SK_U32, mclt, 1, UINT32_MAX, FO_DEFAULT_MCLT, 0),
	NUM("auto-state-transition", FO_SK_BOOL, auto_state_transition, 0, 1, 0, 0),
	NUM("state-switch-interval", FO_SK_U32, state_switch_interval, 1, UINT32_MAX, 0,
	    FO_SF_IF_SET | FO_SF_AST),
	NUM("enable-auth", FO_SK_BOOL, enable_auth, 0, 1, 0, 0),
	TXT("shared-secret", shared_secret, FO_SF_SECRET | FO_SF_IF_SET | FO_SF_AUTH),
	NUM("server-type", FO_SK_SERVER_TYPE, server_type, 0, 1, FO_PRIMARY, 0),
	NUM("dialect", FO_SK_DIALECT, dialect, 0, 2, FO_DIALECT_DRAFT, 0),
	{ "partner-control-url", FO_SK_URL, F(partner_control_url),
	  sizeof(((fo_relationship *)0)->partner_control_url), 0, 0, 0, FO_SF_IF_SET },
	TXT("partner-control-user", partner_control_user, FO_SF_IF_SET),
	TXT("partner-control-password", partner_control_password, FO_SF_SECRET | FO_SF_IF_SET),
	TXT("partner-control-trust-anchor", partner_control_trust_anchor, FO_SF_IF_SET),
	TXT("partner-control-cert-file", partner_control_cert_file, FO_SF_IF_SET),
	TXT("partner-control-key-file", partner_control_key_file, FO_SF_IF_SET),
	NUM("max-response-delay", FO_SK_U32, max_response_delay, 3, 86400,
	    FO_DEFAULT_MAX_RESPONSE_DELAY, 0),
	NUM("max-unacked-updates", FO_SK_U32, max_unacked_updates, 1, 65535,
	    FO_DEFAULT_MAX_UNACKED_UPDATES, 0),
	NUM("load-balance-max-seconds", FO_SK_U16, load_balance_max_seconds, 0, 65535,
	    FO_DEFAULT_LB_MAX_SECONDS, FO_SF_LB),
};
const size_t fo_settings_count = sizeof(fo_settings) / sizeof(fo_settings[0]);

const fo_setting *
fo_setting_find(const char *name)
{
	for (size_t i = 0; name != NULL && i < fo_settings_count; i++)
		if (strcmp(fo_settings[i].name, name) == 0)
			return &fo_settings[i];
	return NULL;
}

uint32_t
fo_setting_num(const fo_relationship *r, const fo_setting *s)
{
	const char *p = (const char *)r + s->off;

	switch (s->kind) {
	case FO_SK_U8: return *(const uint8_t *)p;
	case FO_SK_U16: return *(const uint16_t *)p;
	case FO_SK_U32: return *(const uint32_t *)p;
	case FO_SK_BOOL: return *(const bool *)p;
	case FO_SK_MODE: return (uint32_t)*(const fo_mode *)p;
	case FO_SK_ROLE: return (uint32_t)*(const fo_role *)p;
	case FO_SK_SERVER_TYPE: return (uint32_t)*(const fo_server_type *)p;
	case FO_SK_DIALECT: return (uint32_t)*(const fo_dialect *)p;
	case FO_SK_TEXT:
	case FO_SK_HOST:
	case FO_SK_URL:
		return p[0] != '\0';
	case FO_SK_SCOPES:
		return (uint32_t)r->n_scopes;
	}
	return 0;
}

void
fo_setting_set_num(fo_relationship *r, const fo_setting *s, uint32_t v)
{
	char *p = (char *)r + s->off;

	switch (s->kind) {
	case FO_SK_U8: *(uint8_t *)p = (uint8_t)v; break;
	case FO_SK_U16: *(uint16_t *)p = (uint16_t)v; break;
	case FO_SK_U32: *(uint32_t *)p = v; break;
	case FO_SK_BOOL: *(bool *)p = v != 0; break;
	case FO_SK_MODE: *(fo_mode *)p = (fo_mode)v; break;
	case FO_SK_ROLE: *(fo_role *)p = (fo_role)v; break;
	case FO_SK_SERVER_TYPE: *(fo_server_type *)p = (fo_server_type)v; break;
	case FO_SK_DIALECT: *(fo_dialect *)p = (fo_dialect)v; break;
	case FO_SK_TEXT:
	case FO_SK_HOST:
	case FO_SK_URL:
	case FO_SK_SCOPES:
		break;
	}
}

char *
fo_setting_text(fo_relationship *r, const fo_setting *s)
{
	return s->size > 0 ? (char *)r + s->off : NULL;
}

const char *
fo_setting_ctext(const fo_relationship *r, const fo_setting *s)
{
	return s->size > 0 ? (const char *)r + s->off : NULL;
}

const char *
fo_setting_enum_name(const fo_setting *s, uint32_t v, uint32_t *count)
{
	const char *name = NULL;
	uint32_t n = s->max + 1;

	switch (s->kind) {
	case FO_SK_MODE: name = fo_mode_name((fo_mode)v); break;
	case FO_SK_ROLE: name = fo_role_name((fo_role)v); break;
	case FO_SK_SERVER_TYPE: name = fo_server_type_name((fo_server_type)v); break;
	case FO_SK_DIALECT: name = fo_dialect_name((fo_dialect)v); break;
	case FO_SK_TEXT:
	case FO_SK_HOST:
	case FO_SK_URL:
	case FO_SK_U8:
	case FO_SK_U16:
	case FO_SK_U32:
	case FO_SK_BOOL:
	case FO_SK_SCOPES:
		n = 0;
		break;
	}
	if (count != NULL)
		*count = n;
	return v < n ? name : NULL;
}

bool
fo_setting_present(const fo_relationship *r, const fo_setting *s)
{
	bool lb = r->mode == FO_MODE_LOAD_BALANCE;

	if (((s->flags & FO_SF_LB) != 0 && !lb) || ((s->flags & FO_SF_HS) != 0 && lb) ||
	    ((s->flags & FO_SF_AUTH) != 0 && !r->enable_auth))
		return false;
	return (s->flags & FO_SF_IF_SET) == 0 || fo_setting_num(r, s) != 0;
}

void
fo_setting_json(const fo_relationship *r, const fo_setting *s, fo_sbuf *b)
{
	uint32_t v = fo_setting_num(r, s);
	char num[16];

	switch (s->kind) {
	case FO_SK_TEXT:
	case FO_SK_HOST:
	case FO_SK_URL:
		fo_sbuf_json_text(b, fo_setting_ctext(r, s), strlen(fo_setting_ctext(r, s)), 0);
		return;
	case FO_SK_BOOL:
		fo_sbuf_cat(b, v ? "true" : "false");
		return;
	case FO_SK_MODE:
	case FO_SK_ROLE:
	case FO_SK_SERVER_TYPE:
	case FO_SK_DIALECT:
		fo_sbuf_json_text(b, fo_setting_enum_name(s, v, NULL),
		    strlen(fo_setting_enum_name(s, v, NULL)), 0);
		return;
	case FO_SK_SCOPES:
		fo_sbuf_byte(b, '[');
		for (size_t i = 0; i < r->n_scopes; i++) {
			fo_ip4_str(r->scopes[i].scope_id, num, sizeof(num));
			if (i > 0)
				fo_sbuf_byte(b, ',');
			fo_sbuf_json_text(b, num, strlen(num), 0);
		}
		fo_sbuf_byte(b, ']');
		return;
	case FO_SK_U8:
	case FO_SK_U16:
	case FO_SK_U32:
		break;
	}
	snprintf(num, sizeof(num), "%lu", (unsigned long)v);
	fo_sbuf_cat(b, num);
}

void
fo_relationship_defaults(fo_relationship *r)
{
	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < fo_settings_count; i++)
		fo_setting_set_num(r, &fo_settings[i], fo_settings[i].def);
	r->scopes = NULL;
	r->n_scopes = 0;
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
	for (size_t i = 0; i < fo_settings_count; i++)
		if ((fo_settings[i].flags & FO_SF_SECRET) != 0)
			wipe(fo_setting_text(r, &fo_settings[i]), fo_settings[i].size);
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

fo_ip4
fo_relationship_partner_ip4(const fo_relationship *r)
{
	struct in_addr a, l;
	fo_ip4 ip;

	if (inet_pton(AF_INET, r->partner_server, &a) != 1 ||
	    (inet_pton(AF_INET, r->local_address, &l) == 1 && l.s_addr == a.s_addr))
		return 0;
	ip = ntohl(a.s_addr);
	return ip == 0 || (ip >> 24) == 127 ? 0 : ip;
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
