/*
 * fo_report.h - a relationship as failover-get shows it: the YANG module's
 * JSON encoding (RFC 7951) of one entry of failover/relationships, config
 * leaves with their effective values and the state container.
 *
 * Internal tier. The shared secret is never written: the entry has no
 * shared-secret leaf (so, with enable-auth true, it is not valid as
 * configuration on its own; it is read-only output).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_REPORT_H
#define FO_REPORT_H

#include "fo_host.h"
#include "fo_json.h"
#include "fo_runtime.h"

/* yang:date-and-time in UTC, "2026-11-21T07:00:00Z"; out holds at least 32 bytes. */
void fo_report_time(fo_wall w, char *out, size_t len);

/*
 * failover-get's bindings come in pages, as Kea's lease4-get-page: the
 * non-free bindings of the selected scopes in address order (the scopes in
 * scope-id order; Kea's subnets do not overlap), at most `limit` of them
 * after the address `from`. Memory and time are bounded by the page, not
 * by the tables.
 */
#define FO_PAGE_LIMIT_DEFAULT FO_ENGINE_PAGE_DEFAULT
#define FO_PAGE_LIMIT_MAX FO_ENGINE_PAGE_MAX

typedef struct fo_page_item {
	const struct fo_scope *scope;
	fo_ip4 addr;
	fo_binding_info b;
} fo_page_item;

typedef struct fo_report_page {
	fo_ip4 from;            /* in: bindings after this address; 0: from the start */
	size_t limit;           /* in: 1..FO_PAGE_LIMIT_MAX */
	fo_page_item *items;    /* the page, address order */
	size_t n;
	bool more;              /* bindings follow items[n - 1] */
} fo_report_page;

/*
 * Collect the page over the scopes of rts[0..n): each scope is read under its
 * lock once (limit + 1 bindings at most, the last only to tell that more
 * follow). FO_ERR_NOMEM. Free with fo_report_page_free().
 */
fo_status fo_report_page_collect(fo_report_page *pg, fo_runtime *const *rts, size_t n);
void fo_report_page_free(fo_report_page *pg);

/*
 * The page's place in the answer: {"from": "start" | address, "limit": N,
 * "count": N, "next": address} ("next", the value of "from" that asks for
 * the next page, only when more bindings follow), as the value of the
 * key already written.
 */
void fo_report_page_info(fo_json *j, const fo_report_page *pg);

/*
 * Append the relationship as one JSON object; errors stick in j. With
 * `pg` (may be NULL: no bindings), each scope lists its bindings of the page.
 */
void fo_report_relationship_page(fo_json *j, fo_runtime *rt, const fo_report_page *pg);
/* The same without bindings; with_bindings: the first page of FO_PAGE_LIMIT_DEFAULT. */
void fo_report_relationship(fo_json *j, fo_runtime *rt, bool with_bindings);

#endif /* FO_REPORT_H */
