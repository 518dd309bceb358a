/*
 * fo_config.h - validate the hook's parameters against the YANG module and
 * turn them into relationships.
 *
 * Public tier. The schema is yang/kea-dhcp-failover@2026-11-21.yang, compiled
 * into the engine as the C string fo_yang_module_text (tools/yang2c.sh).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_CONFIG_H
#define FO_CONFIG_H

#include "fo_relationship.h"

/* The YANG module's name, and the top-level JSON member of its data. */
#define FO_YANG_MODULE "kea-dhcp-failover"
#define FO_YANG_TOP "kea-dhcp-failover:failover"

/* The module's text (generated engine/fo_yang_module.c). */
extern const char fo_yang_module_text[];

/*
 * Validate Kea's hooks-library `parameters` map and fill `out`.
 *
 * params_json: the JSON text of the map ({"relationships": [...], ...}).
 *   NULL means the hook has no parameters and is the same as "{}".
 *   The map is wrapped as {"kea-dhcp-failover:failover": <map>} and parsed
 *   as configuration data with libyang: unknown members, wrong JSON types,
 *   values out of range, failed `must`/`when`, and state (config false)
 *   nodes are refused. Then the checks that YANG does not express are made
 *   in C (byte lengths of UTF-8 strings, unicast addresses, a scope in two
 *   relationships — see docs/configuration.md).
 * out: overwritten (its previous contents are NOT released). On success it
 *   holds one fo_relationship per list entry, in document order, defaults
 *   applied, scope-ids in host byte order; release it with
 *   fo_relationship_set_clear(). On failure it is left empty (zeroed).
 * err, errlen: on failure (if err is not NULL and errlen > 0), a
 *   NUL-terminated message "<YANG data path>: <reason>", e.g.
 *   "/kea-dhcp-failover:failover/relationships[name='r1']/max-client-lead-time:
 *   Unsatisfied range - value "0" is out of the allowed range."; for a
 *   failed `must` the reason is the module's error-message. An error about
 *   one relationship names it by its key, wherever libyang met it (libyang
 *   2.1.30 leaves the key out when the error comes before "name" in the
 *   entry, as Kea's alphabetical key order makes common, or is a missing
 *   mandatory node): that entry is found by parsing the entries one by one.
 *   An entry without a valid name is named by its position,
 *   ".../relationships[3]/name: <reason> (entry 3 of relationships,
 *   counting from 1: its name is missing or not valid)". An unknown member
 *   gets its own path: ".../relationships[name='r1']/mclt: unknown
 *   parameter (Node "mclt" not found as a child of "relationships" node.)".
 *   Truncated to errlen - 1 bytes. The shared secret never appears in it.
 *
 * Returns FO_OK, FO_ERR_CONFIG (rejected; err says why), FO_ERR_NOMEM,
 * or FO_ERR_INVAL (out is NULL).
 *
 * Each call builds and frees its own libyang context (a few milliseconds;
 * the tree is walked with every default present), so calls from several
 * threads are independent. libyang must not print to Kea's stderr: this sets
 * ly_log_options(LY_LOSTORE), which is PROCESS-GLOBAL (libyang 2.1.30 resets
 * the thread-local ly_temp_log_options() during validation, so that cannot
 * be used). kea-dhcp4 has no other libyang user.
 */
fo_status fo_config_parse(const char *params_json, fo_relationship_set *out,
    char *err, size_t errlen);

#endif /* FO_CONFIG_H */
