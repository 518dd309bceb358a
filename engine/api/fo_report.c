/*
 * fo_report.c - a relationship in the YANG module's JSON encoding.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fo_alloc.h"
#include "fo_report.h"

/* Two decimal digits at p. */
static char *
two(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

/*
 * Civil date of a day count since 1970-01-01 (H. Hinnant's days_from_civil
 * inverse): the bindings of a page carry five times each, and gmtime_r +
 * strftime cost more than the rest of a binding's text.
 */
static void
civil(int64_t z, unsigned *y, unsigned *m, unsigned *d)
{
	int64_t era, yy;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (unsigned)(yy + (*m <= 2));
}

void
fo_report_time(fo_wall w, char *out, size_t len)
{
	unsigned y, m, d, sod;
	char buf[24], *p = buf;

	if (w.sec < 0 || w.sec > 253402300799LL) {     /* outside 1970..9999: the epoch */
		snprintf(out, len, "1970-01-01T00:00:00Z");
		return;
	}
	civil(w.sec / 86400, &y, &m, &d);
	sod = (unsigned)(w.sec % 86400);
	p = two(two(p, y / 100), y % 100);
	*p++ = '-';
	p = two(p, m);
	*p++ = '-';
	p = two(p, d);
	*p++ = 'T';
	p = two(p, sod / 3600);
	*p++ = ':';
	p = two(p, sod / 60 % 60);
	*p++ = ':';
	p = two(p, sod % 60);
	*p++ = 'Z';
	*p = '\0';
	snprintf(out, len, "%s", buf);
}

static void
kv_time(fo_json *j, const char *key, fo_wall w)
{
	char buf[40];

	fo_report_time(w, buf, sizeof(buf));
	fo_json_kv_str(j, key, buf);
}

static void
kv_time_if(fo_json *j, const char *key, int64_t sec)
{
	if (sec != 0)
		kv_time(j, key, fo_wall_at(sec));
}

static void
kv_ip(fo_json *j, const char *key, fo_ip4 a)
{
	char buf[16], *p = buf;

	for (int k = 24; k >= 0; k -= 8) {
		unsigned o = a >> k & 0xff;

		if (o >= 100)
			*p++ = (char)('0' + o / 100);
		if (o >= 10)
			*p++ = (char)('0' + o / 10 % 10);
		*p++ = (char)('0' + o % 10);
		*p++ = k > 0 ? '.' : '\0';
	}
	fo_json_kv_str(j, key, buf);
}

static void
kv_str_if(fo_json *j, const char *key, const char *s)
{
	if (s != NULL && s[0] != '\0')
		fo_json_kv_str(j, key, s);
}

/* yang:hex-string: "aa:bb:cc". */
static void
kv_hex(fo_json *j, const char *key, const uint8_t *b, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char buf[3 * 256];
	size_t o = 0;

	if (n == 0)
		return;
	for (size_t i = 0; i < n && o + 4 <= sizeof(buf); i++) {
		if (i > 0)
			buf[o++] = ':';
		buf[o++] = hex[b[i] >> 4];
		buf[o++] = hex[b[i] & 15];
	}
	buf[o] = '\0';
	fo_json_kv_str(j, key, buf);
}

/* The config leaves (the settings table), effective values, never a secret. */
static void
config_leaves(fo_json *j, const fo_relationship *r)
{
	fo_sbuf b = { 0 };

	for (size_t i = 0; i < fo_settings_count; i++) {
		const fo_setting *s = &fo_settings[i];

		if ((s->flags & FO_SF_SECRET) != 0 || !fo_setting_present(r, s))
			continue;
		b.len = 0;
		fo_setting_json(r, s, &b);
		if (b.oom) {
			j->err = FO_ERR_NOMEM;
			break;
		}
		fo_json_key(j, s->name);
		fo_json_raw(j, b.s);
	}
	fo_free(b.s);
}

static void
counts(fo_json *j, const fo_scope_counts *c, fo_server_type t)
{
	bool prim = t == FO_PRIMARY;

	fo_json_kv_uint(j, "total", c->total);
	fo_json_kv_uint(j, "free", c->by_state[FO_BS_FREE]);
	fo_json_kv_uint(j, "backup", c->by_state[FO_BS_BACKUP]);
	fo_json_kv_uint(j, "free-mine", c->by_state[prim ? FO_BS_FREE : FO_BS_BACKUP]);
	fo_json_kv_uint(j, "free-partner", c->by_state[prim ? FO_BS_BACKUP : FO_BS_FREE]);
	fo_json_kv_uint(j, "active", c->by_state[FO_BS_ACTIVE]);
	fo_json_kv_uint(j, "expired", c->by_state[FO_BS_EXPIRED]);
	fo_json_kv_uint(j, "released", c->by_state[FO_BS_RELEASED]);
	fo_json_kv_uint(j, "abandoned", c->by_state[FO_BS_ABANDONED]);
	fo_json_kv_uint(j, "reset", c->by_state[FO_BS_RESET]);
}

/* The module's binding-state enum: the draft's names in lower case. */
static const char *
bstate_enum(fo_bstate s)
{
	switch (s) {
	case FO_BS_FREE: return "free";
	case FO_BS_ACTIVE: return "active";
	case FO_BS_EXPIRED: return "expired";
	case FO_BS_RELEASED: return "released";
	case FO_BS_ABANDONED: return "abandoned";
	case FO_BS_RESET: return "reset";
	case FO_BS_BACKUP: return "backup";
	}
	return "free";
}

static void
binding_json(fo_json *j, fo_ip4 a, const fo_binding_info *b)
{
	fo_json_obj_begin(j);
	kv_ip(j, "address", a);
	fo_json_kv_str(j, "binding-state", bstate_enum(b->state));
	if (b->client.hlen > 0) {
		fo_json_kv_uint(j, "client-hw-type", b->client.htype);
		kv_hex(j, "client-hw-address", b->client.hw, b->client.hlen);
	}
	kv_hex(j, "client-id", b->client.cid, b->client.cidlen);
	kv_time_if(j, "expiry", b->expiry);
	kv_time_if(j, "cltt", b->cltt);
	kv_time_if(j, "start-time-of-state", b->stos);
	kv_time_if(j, "potential-expiry-sent", b->pexp_sent);
	kv_time_if(j, "potential-expiry-acked", b->pexp_acked);
	fo_json_kv_bool(j, "update-pending", (b->flags & FO_BF_UPDATE_PENDING) != 0);
	fo_json_kv_bool(j, "tentative", (b->flags & FO_BF_TENTATIVE) != 0);
	fo_json_kv_bool(j, "reserved", (b->flags & FO_BF_RESERVED) != 0);
	fo_json_obj_end(j);
}

/* ---- Pages of bindings ---------------------------------------------------- */

struct collect {
	fo_report_page *pg;
	const fo_scope *scope;
};

static void
collect_cb(void *ctx, fo_ip4 a, const fo_binding_info *b)
{
	struct collect *c = ctx;
	fo_page_item *it = &c->pg->items[c->pg->n++];

	it->scope = c->scope;
	it->addr = a;
	it->b = *b;
}

static int
scope_cmp(const void *x, const void *y)
{
	fo_ip4 a = fo_scope_id(*(fo_scope *const *)x), b = fo_scope_id(*(fo_scope *const *)y);

	return (a > b) - (a < b);
}

/* The scopes of rts[0..n) in scope-id order (malloc'd; NULL: no memory). */
static fo_scope **
sorted_scopes(fo_runtime *const *rts, size_t n, size_t *ns)
{
	size_t total = 0, k = 0;
	fo_scope **v;

	for (size_t i = 0; i < n; i++)
		total += rts[i]->n_scopes;
	if ((v = fo_malloc((total ? total : 1) * sizeof(*v))) == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		for (size_t s = 0; s < rts[i]->n_scopes; s++)
			v[k++] = rts[i]->scopes[s];
	qsort(v, total, sizeof(*v), scope_cmp);
	*ns = total;
	return v;
}

fo_status
fo_report_page_collect(fo_report_page *pg, fo_runtime *const *rts, size_t n)
{
	struct collect c = { pg, NULL };
	fo_scope **v;
	size_t ns = 0;

	pg->items = NULL;
	pg->n = 0;
	pg->more = false;
	if (pg->limit == 0 || pg->limit > FO_PAGE_LIMIT_MAX || pg->from == UINT32_MAX)
		return pg->limit == 0 || pg->limit > FO_PAGE_LIMIT_MAX ? FO_ERR_INVAL : FO_OK;
	if ((v = sorted_scopes(rts, n, &ns)) == NULL ||
	    (pg->items = fo_malloc((pg->limit + 1) * sizeof(*pg->items))) == NULL) {
		fo_free(v);
		return FO_ERR_NOMEM;
	}
	for (size_t i = 0; i < ns && pg->n <= pg->limit; i++) {
		c.scope = v[i];
		fo_scope_visit_range(v[i], pg->from + 1, UINT32_MAX, FO_SCOPE_NONFREE,
		    pg->limit + 1 - pg->n, collect_cb, &c);
	}
	fo_free(v);
	if (pg->n > pg->limit) {
		pg->n = pg->limit;
		pg->more = true;
	}
	return FO_OK;
}

void
fo_report_page_free(fo_report_page *pg)
{
	fo_free(pg->items);
	pg->items = NULL;
	pg->n = 0;
}

void
fo_report_page_info(fo_json *j, const fo_report_page *pg)
{
	fo_json_obj_begin(j);
	if (pg->from == 0)
		fo_json_kv_str(j, "from", "start");
	else
		kv_ip(j, "from", pg->from);
	fo_json_kv_uint(j, "limit", pg->limit);
	fo_json_kv_uint(j, "count", pg->n);
	if (pg->more && pg->n > 0)
		kv_ip(j, "next", pg->items[pg->n - 1].addr);
	fo_json_obj_end(j);
}

/* The page's bindings of one scope (contiguous in the page: scope-id order). */
static void
scope_bindings(fo_json *j, const fo_report_page *pg, const fo_scope *s)
{
	size_t i = 0;

	while (i < pg->n && pg->items[i].scope != s)
		i++;
	if (i == pg->n)
		return;                 /* an empty list is left out */
	fo_json_key(j, "binding");
	fo_json_arr_begin(j);
	for (; i < pg->n && pg->items[i].scope == s; i++)
		binding_json(j, pg->items[i].addr, &pg->items[i].b);
	fo_json_arr_end(j);
}

/* Counts of every scope, read once, so that the sum and the scopes agree. */
static fo_scope_counts *
read_counts(fo_runtime *rt, fo_scope_counts *sum)
{
	fo_scope_counts *c = fo_calloc(rt->n_scopes ? rt->n_scopes : 1, sizeof(*c));

	memset(sum, 0, sizeof(*sum));
	if (c == NULL)
		return NULL;
	for (size_t i = 0; i < rt->n_scopes; i++) {
		fo_scope_counts_get(rt->scopes[i], &c[i]);
		sum->total += c[i].total;
		sum->pending += c[i].pending;
		for (int k = 0; k <= FO_BS_MAX; k++)
			sum->by_state[k] += c[i].by_state[k];
	}
	return c;
}

static void
scopes(fo_json *j, fo_runtime *rt, const fo_report_page *pg, const fo_scope_counts *c)
{
	if (rt->n_scopes == 0 && rt->n_closed == 0)
		return;
	fo_json_key(j, "scope");
	fo_json_arr_begin(j);
	for (size_t i = 0; i < rt->n_scopes; i++) {
		fo_json_obj_begin(j);
		kv_ip(j, "scope-id", fo_scope_id(rt->scopes[i]));
		counts(j, &c[i], rt->rel->server_type);
		if (pg != NULL)
			scope_bindings(j, pg, rt->scopes[i]);
		fo_json_obj_end(j);
	}
	/* Closed scopes (fo_engine_attach): no counts, the reason. */
	for (size_t i = 0; i < rt->n_closed; i++) {
		fo_json_obj_begin(j);
		kv_ip(j, "scope-id", rt->closed[i].scope_id);
		fo_json_kv_bool(j, "closed", true);
		fo_json_kv_str(j, "closed-reason", rt->closed[i].why);
		fo_json_obj_end(j);
	}
	fo_json_arr_end(j);
}

static void
counters(fo_json *j, fo_runtime *rt, const fo_runtime_snap *sn)
{
	fo_json_key(j, "counters");
	fo_json_obj_begin(j);
	kv_time_if(j, "discontinuity-time", sn->discontinuity.sec);
	for (int k = 0; k < FO_COUNTER_COUNT; k++)
		fo_json_kv_u64_str(j, fo_counter_name((fo_counter)k),
		    fo_counter_get(&rt->ctr, (fo_counter)k));
	fo_json_obj_end(j);
}

static void
state(fo_json *j, fo_runtime *rt, const fo_report_page *pg)
{
	const fo_relationship *r = rt->rel;
	fo_scope_counts sum, *c;
	fo_runtime_snap sn;

	fo_runtime_snapshot(rt, &sn);
	fo_json_key(j, "state");
	fo_json_obj_begin(j);
	fo_json_kv_str(j, "state", fo_state_name(sn.state));
	kv_time_if(j, "state-since", sn.state_since.sec);
	fo_json_kv_str(j, "partner-state", fo_state_name(sn.partner_state));
	kv_time_if(j, "partner-state-since", sn.partner_since.sec);
	fo_json_kv_bool(j, "connected", sn.connected);
	fo_json_kv_str(j, "server-type", fo_server_type_name(r->server_type));
	kv_str_if(j, "primary-server-ip", fo_relationship_primary_ip(r));
	kv_str_if(j, "secondary-server-ip", fo_relationship_secondary_ip(r));
	kv_str_if(j, "primary-server-name", fo_relationship_primary_name(r));
	kv_str_if(j, "secondary-server-name", fo_relationship_secondary_name(r));
	/* In force: the ISC dialect's secondary adopts its primary's (fo_peer.c). */
	fo_json_kv_uint(j, "max-client-lead-time",
	    atomic_load_explicit(&rt->mclt, memory_order_relaxed));
	if (sn.partner_down_due)
		kv_time(j, "partner-down-at", sn.partner_down_at);
	/*
	 * Bindings in BNDUPDs handed to the partner's connection (in our
	 * output buffer or on the wire) and not yet answered by a BNDACK: the
	 * session's flights (fo_peer_int.h), mirrored into rt->unacked under
	 * the session's lock whenever they change, read here without a lock.
	 * Bindings still waiting on a scope's queue are pending-updates.
	 */
	fo_json_kv_uint(j, "unacked-updates",
	    atomic_load_explicit(&rt->unacked, memory_order_relaxed));
	if ((c = read_counts(rt, &sum)) == NULL) {
		j->err = FO_ERR_NOMEM;
		return;
	}
	fo_json_kv_uint(j, "pending-updates", sum.pending);
	fo_json_key(j, "addresses");
	fo_json_obj_begin(j);
	counts(j, &sum, r->server_type);
	fo_json_obj_end(j);
	scopes(j, rt, pg, c);
	fo_free(c);
	counters(j, rt, &sn);
	fo_json_obj_end(j);
}

void
fo_report_relationship_page(fo_json *j, fo_runtime *rt, const fo_report_page *pg)
{
	fo_json_obj_begin(j);
	config_leaves(j, rt->rel);
	state(j, rt, pg);
	fo_json_obj_end(j);
}

void
fo_report_relationship(fo_json *j, fo_runtime *rt, bool with_bindings)
{
	fo_report_page pg = { .from = 0, .limit = FO_PAGE_LIMIT_DEFAULT };

	if (!with_bindings) {
		fo_report_relationship_page(j, rt, NULL);
		return;
	}
	if (fo_report_page_collect(&pg, &rt, 1) != FO_OK) {
		j->err = FO_ERR_NOMEM;
		return;
	}
	fo_report_relationship_page(j, rt, &pg);
	fo_report_page_free(&pg);
}
