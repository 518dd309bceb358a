/*
 * fo_relfile.h - the relationships file, <state-directory>/relationships.json:
 * the live relationship set as the hook's parameters (one entry of JSON
 * members per relationship), written atomically by the administration
 * commands (fo_admin.c) and read at load (fo_engine_create).
 *
 * Internal tier (api/): used by fo_admin.c and fo_engine.c, which do not
 * include each other's internals.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_RELFILE_H
#define FO_RELFILE_H

#include <sys/types.h>

#include "fo_relationship.h"

#define FO_RELFILE_NAME "relationships.json"    /* in the state directory */
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

/* Write the set atomically (temporary file, fsync, rename, fsync of the directory). */
fo_status fo_relfile_save(const fo_relationship_set *set, char *err, size_t errlen);

/*
 * At load (fo_engine_create): when <state-directory>/relationships.json
 * exists, parse it (with the configured state-directory) into a new set
 * that replaces *rels; *replaced tells. FO_ERR_CONFIG when the file is not
 * valid: err names the file and the fault.
 */
fo_status fo_relfile_load(fo_relationship_set *rels, bool *replaced, char *err, size_t errlen);

#endif /* FO_RELFILE_H */
