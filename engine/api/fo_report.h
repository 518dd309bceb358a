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

#include "fo_json.h"
#include "fo_runtime.h"

/* yang:date-and-time in UTC, "2026-11-21T07:00:00Z"; out holds at least 32 bytes. */
void fo_report_time(fo_wall w, char *out, size_t len);

/* Append the relationship as one JSON object; errors stick in j. */
void fo_report_relationship(fo_json *j, fo_runtime *rt, bool with_bindings);

#endif /* FO_REPORT_H */
