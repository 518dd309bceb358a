/*
 * fo_relfile.h - the relationships file, <state-directory>/relationships.json:
 * the live relationship set as the hook's parameters (one entry of JSON
 * members per relationship), written atomically by the administration
 * commands (fo_admin.c) and read at load (fo_engine_create); the same text
 * (fo_relfile_set_json) is what Kea's configuration shows of the hook's
 * parameters (fo_host.relationships_changed).
 *
 * Internal tier (api/): used by fo_admin.c and fo_engine.c, which do not
 * include each other's internals.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_RELFILE_H
#define FO_RELFILE_H

#include <sys/types.h>

#include "fo_host.h"
#include "fo_relationship.h"

#define FO_RELFILE_NAME "relationships.json"    /* in the state directory */
/* The member that names the parameters the file's changes were made to. */
#define FO_RELFILE_CRC_MEMBER "configured-crc32"
#define FO_RELFILE_MAX_LEAVES 32

/* One relationship: member names and JSON values, owned (values may hold the secret). */
typedef struct fo_relfile_entry {
	char *key[FO_RELFILE_MAX_LEAVES];
	char *val[FO_RELFILE_MAX_LEAVES];
	size_t n;
	bool oom;
} fo_relfile_entry;

void fo_relfile_entry_free(fo_relfile_entry *e);
ssize_t fo_relfile_entry_find(const fo_relfile_entry *e, const char *key);
void fo_relfile_entry_del(fo_relfile_entry *e, const char *key);
/* Set member `key` to the JSON text `json` (copied); e->oom on failure. */
void fo_relfile_entry_put(fo_relfile_entry *e, const char *key, const char *json);
void fo_relfile_put_scopes(fo_relfile_entry *e, const fo_scope_ref *s, size_t n);
/* The entries of the live set, in order, with `extra` empty ones after; NULL: no memory. */
fo_relfile_entry *fo_relfile_entries_of(const fo_relationship_set *set, size_t extra);
void fo_relfile_entries_free(fo_relfile_entry *es, size_t n);
/* The whole document: {"state-directory": ..., "relationships": [entries]}; malloc'd. */
char *fo_relfile_doc_json(const char *state_dir, const fo_relfile_entry *es, size_t n);
/* Zero a string (it may hold a secret) and free it. */
void fo_relfile_wipe_free(char *s);

/*
 * The set as the JSON text of the hook's parameters: {"state-directory"
 * (when with_state_dir and not empty), "relationships": [...]}, every leaf
 * with its effective value, shared secrets included (the file's contents).
 * malloc'd; NULL when out of memory.
 */
char *fo_relfile_set_json(const fo_relationship_set *set, bool with_state_dir);

/* The path of the file for a state directory ("" = the default). */
void fo_relfile_path(const char *state_directory, char *out, size_t len);

/*
 * The CRC-32 of a set's parameters as the engine reads them (the text of
 * fo_relfile_set_json with the state-directory): what the file remembers of
 * the hook's parameters its changes were made to.
 */
fo_status fo_relfile_params_crc(const fo_relationship_set *set, uint32_t *crc);

/*
 * Write the set atomically (temporary file, fsync, rename, fsync of the
 * directory) as {"configured-crc32": "<hex>", "relationships": [...]}:
 * configured_crc is fo_relfile_params_crc of the hook's parameters at load.
 */
fo_status fo_relfile_save(const fo_relationship_set *set, uint32_t configured_crc, char *err,
    size_t errlen);

/*
 * At load (fo_engine_create), *rels being the hook's parameters and
 * configured_crc their fo_relfile_params_crc. The precedence
 * (docs/commands.md):
 * - no file: the parameters;
 * - a file made for these parameters (its configured-crc32 is theirs, or it
 *   has none: a file of an earlier version): its set replaces *rels
 *   (logged: RELFILE_REPLACES_PARAMETERS);
 * - a file made for other parameters (config-write wrote the live set, or
 *   the configuration was changed since): the parameters; the file is
 *   removed when it holds the same set (RELFILE_MATCHES_PARAMETERS), renamed
 *   relationships.json.superseded otherwise (RELFILE_SUPERSEDED).
 * FO_ERR_CONFIG when a file that would be used is not valid: err names the
 * file and the fault.
 */
fo_status fo_relfile_load(fo_relationship_set *rels, uint32_t configured_crc,
    const fo_host *host, char *err, size_t errlen);

#endif /* FO_RELFILE_H */
