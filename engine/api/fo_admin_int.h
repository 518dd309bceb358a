/*
 * fo_admin_int.h - what fo_admin.c needs of the engine facade (defined in
 * fo_engine.c) and what fo_engine.c needs of fo_admin.c.
 *
 * Internal tier: not for the shim.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_ADMIN_INT_H
#define FO_ADMIN_INT_H

#include "fo_admin.h"
#include "fo_peer.h"
#include "fo_relationship.h"
#include "fo_runtime.h"

/* ---- fo_engine.c ---- */

/* The live set (read-only: change it with fo_engine_replace_set). */
const fo_relationship_set *fo_engine_set_of(const fo_engine *eng);
/* Runtime and session (NULL before the protocol started) of relationship i. */
fo_runtime *fo_engine_runtime_at(fo_engine *eng, size_t i);
fo_peer *fo_engine_peer_at(fo_engine *eng, size_t i);
/* Wake the protocol driver (a timer was armed outside of it). */
void fo_engine_wake(fo_engine *eng);
/* The host's log. */
void fo_engine_host_log(const fo_engine *eng, fo_log_level level, const char *msg);
/* The Kea subnets of the last fo_engine_attach() (NULL, 0 before). */
const fo_subnet *fo_engine_subnets(const fo_engine *eng, size_t *n);
/*
 * Take `set` (moved: *set is zeroed) as the live set: stop the protocol,
 * clean-stop and close every runtime, build the new runtimes, attach them
 * to the saved subnets (when attached before) and start the protocol again
 * (when it ran). On failure the previous set is rebuilt and `set` is left
 * empty; err says what failed.
 */
fo_status fo_engine_replace_set(fo_engine *eng, fo_relationship_set *set, fo_wall now,
    char *err, size_t errlen);

/* ---- fo_admin.c ---- */

/*
 * At load (fo_engine_create): when <state-directory>/relationships.json
 * exists, parse it (with the configured state-directory) into a new set
 * that replaces *rels; *replaced tells. FO_ERR_CONFIG when the file is not
 * valid: err names the file and the fault.
 */
fo_status fo_admin_load(fo_relationship_set *rels, bool *replaced, char *err, size_t errlen);

/* The path of the file for a state directory ("" = the default). */
void fo_admin_path(const char *state_directory, char *out, size_t len);

/*
 * The set as the JSON text of the hook's parameters: {"state-directory"
 * (when with_state_dir and not empty), "relationships": [...]}, every leaf
 * with its effective value, shared secrets included (the file's contents).
 * malloc'd; NULL when out of memory.
 */
char *fo_admin_set_json(const fo_relationship_set *set, bool with_state_dir);

#endif /* FO_ADMIN_INT_H */
