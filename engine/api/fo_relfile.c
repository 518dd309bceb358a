/*
 * fo_relfile.c - the relationships file (fo_relfile.h).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "fo_alloc.h"
#include "fo_canon.h"
#include "fo_config.h"
#include "fo_crc32.h"
#include "fo_file.h"
#include "fo_log.h"
#include "fo_relfile.h"
#include "fo_runtime.h"
#include "fo_sbuf.h"
#include "fo_store.h"
#include "fo_utf8.h"

/* ---- One relationship fo_relfile_entry: member names and JSON values, owned. ---- */


void
fo_relfile_entry_free(fo_relfile_entry *e)
{
	for (size_t i = 0; i < e->n; i++) {
		fo_free(e->key[i]);
		if (e->val[i] != NULL) {
			/* values may hold the shared secret */
			memset(e->val[i], 0, strlen(e->val[i]));
			fo_free(e->val[i]);
		}
	}
	memset(e, 0, sizeof(*e));
}

ssize_t
fo_relfile_entry_find(const fo_relfile_entry *e, const char *key)
{
	for (size_t i = 0; i < e->n; i++)
		if (strcmp(e->key[i], key) == 0)
			return (ssize_t)i;
	return -1;
}

void
fo_relfile_entry_del(fo_relfile_entry *e, const char *key)
{
	ssize_t i = fo_relfile_entry_find(e, key);

	if (i < 0)
		return;
	fo_free(e->key[i]);
	memset(e->val[i], 0, strlen(e->val[i]));
	fo_free(e->val[i]);
	memmove(&e->key[i], &e->key[i + 1], (e->n - (size_t)i - 1) * sizeof(e->key[0]));
	memmove(&e->val[i], &e->val[i + 1], (e->n - (size_t)i - 1) * sizeof(e->val[0]));
	e->n--;
}

/* Replace or append; val is copied. */
void
fo_relfile_entry_put(fo_relfile_entry *e, const char *key, const char *val)
{
	ssize_t i = fo_relfile_entry_find(e, key);
	char *v = fo_strdup(val), *k;

	if (v == NULL) {
		e->oom = true;
		return;
	}
	if (i >= 0) {
		memset(e->val[i], 0, strlen(e->val[i]));
		fo_free(e->val[i]);
		e->val[i] = v;
		return;
	}
	if (e->n == FO_RELFILE_MAX_LEAVES || (k = fo_strdup(key)) == NULL) {
		fo_free(v);
		e->oom = true;
		return;
	}
	e->key[e->n] = k;
	e->val[e->n++] = v;
}

/* Leaf `s` of r, as JSON text, into e (a copy; the buffer wiped: it may be a secret). */
static void
put_setting(fo_relfile_entry *e, const fo_relationship *r, const fo_setting *s)
{
	fo_sbuf b = { 0 };

	fo_setting_json(r, s, &b);
	if (b.oom)
		e->oom = true;
	else
		fo_relfile_entry_put(e, s->name, b.s);
	if (b.s != NULL)
		memset(b.s, 0, b.len);
	fo_free(b.s);
}

void
fo_relfile_put_scopes(fo_relfile_entry *e, const fo_scope_ref *s, size_t n)
{
	fo_relationship r;

	memset(&r, 0, sizeof(r));
	r.scopes = (fo_scope_ref *)s;
	r.n_scopes = n;
	put_setting(e, &r, fo_setting_find("scope-id"));
}

/* The relationship's configuration as an entry: the settings table, secrets included. */
static void
entry_of(fo_relfile_entry *e, const fo_relationship *r)
{
	memset(e, 0, sizeof(*e));
	for (size_t i = 0; i < fo_settings_count; i++)
		if (fo_setting_present(r, &fo_settings[i]))
			put_setting(e, r, &fo_settings[i]);
}

/* The whole document: {"state-directory": ..., "relationships": [entries]}. */
char *
fo_relfile_doc_json(const char *state_dir, const fo_relfile_entry *es, size_t n)
{
	fo_sbuf b = { 0 };

	fo_sbuf_cat(&b, "{");
	if (state_dir != NULL && state_dir[0] != '\0') {
		fo_sbuf_cat(&b, "\"state-directory\"");
		fo_sbuf_cat(&b, ":");
		fo_sbuf_json_text(&b, state_dir, strlen(state_dir), 0);
		fo_sbuf_cat(&b, ",");
	}
	fo_sbuf_cat(&b, "\"relationships\":[");
	for (size_t i = 0; i < n; i++) {
		if (es[i].oom)
			b.oom = true;
		fo_sbuf_cat(&b, i > 0 ? ",\n{" : "\n{");
		for (size_t k = 0; k < es[i].n; k++) {
			if (k > 0)
				fo_sbuf_cat(&b, ",");
			fo_sbuf_json_text(&b, es[i].key[k], strlen(es[i].key[k]), 0);
			fo_sbuf_cat(&b, ":");
			fo_sbuf_cat(&b, es[i].val[k]);
		}
		fo_sbuf_cat(&b, "}");
	}
	fo_sbuf_cat(&b, "\n]}\n");
	return fo_sbuf_take(&b);
}

void
fo_relfile_wipe_free(char *s)
{
	if (s != NULL) {
		memset(s, 0, strlen(s));
		fo_free(s);
	}
}

/* The entries of the live set, in order. */
fo_relfile_entry *
fo_relfile_entries_of(const fo_relationship_set *set, size_t extra)
{
	fo_relfile_entry *es = fo_calloc(set->n + extra + 1, sizeof(*es));

	for (size_t i = 0; es != NULL && i < set->n; i++)
		entry_of(&es[i], &set->rel[i]);
	return es;
}

void
fo_relfile_entries_free(fo_relfile_entry *es, size_t n)
{
	for (size_t i = 0; es != NULL && i < n; i++)
		fo_relfile_entry_free(&es[i]);
	fo_free(es);
}

char *
fo_relfile_set_json(const fo_relationship_set *set, bool with_state_dir)
{
	fo_relfile_entry *es = fo_relfile_entries_of(set, 0);
	char *doc;

	if (es == NULL)
		return NULL;
	doc = fo_relfile_doc_json(with_state_dir ? set->state_directory : NULL, es, set->n);
	fo_relfile_entries_free(es, set->n);
	return doc;
}

void
fo_relfile_path(const char *state_directory, char *out, size_t len)
{
	int k = snprintf(out, len, "%s/%s", state_directory != NULL &&
	    state_directory[0] != '\0' ? state_directory : FO_DEFAULT_STATE_DIR, FO_RELFILE_NAME);

	if (k < 0 || (size_t)k >= len)
		out[0] = '\0';         /* too long: no such file */
}

/* ---- The file ----------------------------------------------------------- */

/*
 * The CRC-32 of the parameters as the engine reads them: the set's text
 * with every leaf's effective value (independent of the member order,
 * spacing and defaults of Kea's configuration).
 */
fo_status
fo_relfile_params_crc(const fo_relationship_set *set, uint32_t *crc)
{
	char *doc = fo_relfile_set_json(set, true);

	if (doc == NULL)
		return FO_ERR_NOMEM;
	*crc = fo_crc32(0, doc, strlen(doc));
	fo_relfile_wipe_free(doc);
	return FO_OK;
}

/* Write the set atomically (fo_file_write_atomic: mode 0600, it holds the secrets). */
fo_status
fo_relfile_save(const fo_relationship_set *set, uint32_t configured_crc, char *err,
    size_t errlen)
{
	char path[PATH_MAX], head[48];
	char *doc = fo_relfile_set_json(set, false), *text;
	fo_sbuf b = { 0 };
	fo_status st;

	if (doc == NULL)
		return FO_ERR_NOMEM;
	/* {"configured-crc32": "<8 hex digits>", "relationships": [...]} */
	snprintf(head, sizeof(head), "{\"" FO_RELFILE_CRC_MEMBER "\":\"%08" PRIx32 "\",",
	    configured_crc);
	fo_sbuf_cat(&b, head);
	fo_sbuf_cat(&b, doc + 1);
	fo_relfile_wipe_free(doc);
	if ((text = fo_sbuf_take(&b)) == NULL)
		return FO_ERR_NOMEM;
	fo_relfile_path(set->state_directory, path, sizeof(path));
	if (path[0] == '\0') {
		fo_errf(err, errlen, "state-directory: too long");
		st = FO_ERR_IO;
	} else {
		st = fo_file_write_atomic(path, text, strlen(text), 0600, err, errlen);
	}
	fo_relfile_wipe_free(text);
	return st;
}

static char *
read_file(const char *path, bool *missing, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	fo_sbuf b = { 0 };
	char buf[4096];
	size_t n;

	*missing = false;
	if (f == NULL) {
		if (errno == ENOENT)
			*missing = true;
		else
			fo_errf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fo_sbuf_add(&b, buf, n);
	if (ferror(f))
		b.oom = true;
	fclose(f);
	memset(buf, 0, sizeof(buf));
	if (b.s == NULL && !b.oom)
		fo_sbuf_cat(&b, "");
	if (b.oom)
		fo_errf(err, errlen, "%s: cannot be read", path);
	return fo_sbuf_take(&b);
}

/*
 * The file's text as the parameters fo_config_parse reads: its members but
 * configured-crc32 (*crc and *has_crc say whether it had one and which),
 * the configured state-directory in front. NULL with err set.
 */
static char *
file_as_parameters(const char *path, const char *text, const char *state_dir, uint32_t *crc,
    bool *has_crc, fo_status *st, char *err, size_t errlen)
{
	fo_jv *v = NULL;
	const fo_jv *c;
	const char *hex;
	char *canon = NULL, *end;
	fo_sbuf b = { 0 };
	size_t bad = 0;

	*has_crc = false;
	/* The canonical text below would replace a byte that is not UTF-8. */
	if (!fo_utf8_valid(text, strlen(text), &bad)) {
		*st = FO_ERR_CONFIG;
		fo_errf(err, errlen, "%s: not valid UTF-8 (byte %zu; fix or remove the file to "
		    "use the hook's parameters)", path, bad + 1);
		return NULL;
	}
	*st = fo_jv_parse(text, strlen(text), &v, NULL, 0);
	if (*st != FO_OK || fo_jv_type_of(v) != FO_JV_OBJECT) {
		*st = *st == FO_ERR_NOMEM ? FO_ERR_NOMEM : FO_ERR_CONFIG;
		fo_errf(err, errlen, "%s: not a JSON object (fix or remove the file to use the "
		    "hook's parameters)", path);
		fo_jv_free(v);
		return NULL;
	}
	if ((c = fo_jv_get(v, FO_RELFILE_CRC_MEMBER)) != NULL) {
		hex = fo_jv_string(c, NULL);
		*has_crc = hex != NULL && strlen(hex) == 8;
		*crc = *has_crc ? (uint32_t)strtoul(hex, &end, 16) : 0;
		if (!*has_crc || *end != '\0') {
			*st = FO_ERR_CONFIG;
			fo_errf(err, errlen, "%s: " FO_RELFILE_CRC_MEMBER ": must be 8 hexadecimal "
			    "digits (fix or remove the file to use the hook's parameters)", path);
			fo_jv_free(v);
			return NULL;
		}
	}
	*st = fo_jv_canon(v, FO_RELFILE_CRC_MEMBER, &canon);
	fo_jv_free(v);
	if (*st != FO_OK)
		return NULL;
	fo_sbuf_cat(&b, "{");
	if (state_dir[0] != '\0') {
		fo_sbuf_cat(&b, "\"state-directory\":");
		fo_sbuf_json_text(&b, state_dir, strlen(state_dir), 0);
		if (canon[1] != '}')
			fo_sbuf_cat(&b, ",");
	}
	fo_sbuf_cat(&b, canon + 1);
	fo_relfile_wipe_free(canon);
	if (b.oom)
		*st = FO_ERR_NOMEM;
	return fo_sbuf_take(&b);
}

/* Whether two sets are the same parameters (the text with every effective value). */
static bool
same_parameters(const fo_relationship_set *a, const fo_relationship_set *b)
{
	char *ta = fo_relfile_set_json(a, true), *tb = fo_relfile_set_json(b, true);
	bool same = ta != NULL && tb != NULL && strcmp(ta, tb) == 0;

	fo_relfile_wipe_free(ta);
	fo_relfile_wipe_free(tb);
	return same;
}

/*
 * The file was written for other parameters: they are used. The file goes:
 * removed when it holds the same set (config-write wrote it), otherwise kept
 * aside as relationships.json.superseded.
 */
static void
supersede(const char *path, const fo_relationship_set *rels, const fo_relationship_set *file,
    bool parsed, const fo_host *host)
{
	char aside[PATH_MAX + 16];

	if (parsed && same_parameters(rels, file)) {
		if (unlink(path) == 0)
			fo_log(host, FO_EVT_RELFILE_MATCHES_PARAMETERS, FO_S(path));
		return;
	}
	snprintf(aside, sizeof(aside), "%s.superseded", path);
	if (rename(path, aside) != 0)
		aside[0] = '\0';
	fo_log(host, FO_EVT_RELFILE_SUPERSEDED, FO_S(path), FO_U(rels->n),
	    FO_S(aside[0] != '\0' ? aside : strerror(errno)));
}

fo_status
fo_relfile_load(fo_relationship_set *rels, uint32_t configured_crc, const fo_host *host,
    char *err, size_t errlen)
{
	char path[PATH_MAX], why[1024] = "";
	fo_relationship_set set;
	char *text, *doc;
	uint32_t crc = 0;
	bool missing, has_crc;
	fo_status st;

	fo_relfile_path(rels->state_directory, path, sizeof(path));
	if (path[0] == '\0')
		return FO_OK;
	if ((text = read_file(path, &missing, err, errlen)) == NULL)
		return missing ? FO_OK : FO_ERR_IO;
	doc = file_as_parameters(path, text, rels->state_directory, &crc, &has_crc, &st, err,
	    errlen);
	fo_relfile_wipe_free(text);
	if (doc == NULL)
		return st;
	st = fo_config_parse(doc, &set, why, sizeof(why));
	fo_relfile_wipe_free(doc);
	if (has_crc && crc != configured_crc) {
		supersede(path, rels, &set, st == FO_OK, host);
		if (st == FO_OK)
			fo_relationship_set_clear(&set);
		return FO_OK;
	}
	if (st != FO_OK) {
		fo_errf(err, errlen, "%s: %s (fix or remove the file to use the hook's "
		    "parameters)", path, why);
		return st;
	}
	fo_log(host, FO_EVT_RELFILE_REPLACES_PARAMETERS, FO_U(set.n), FO_S(path), FO_U(rels->n));
	fo_relationship_set_clear(rels);
	*rels = set;
	return FO_OK;
}
