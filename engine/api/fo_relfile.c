/*
 * fo_relfile.c - the relationships file (fo_relfile.h).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "fo_alloc.h"
#include "fo_config.h"
#include "fo_file.h"
#include "fo_relfile.h"
#include "fo_runtime.h"
#include "fo_sbuf.h"
#include "fo_store.h"

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

/* Write the set atomically (fo_file_write_atomic: mode 0600, it holds the secrets). */
fo_status
fo_relfile_save(const fo_relationship_set *set, char *err, size_t errlen)
{
	char path[PATH_MAX];
	char *doc = fo_relfile_set_json(set, false);
	fo_status st;

	if (doc == NULL)
		return FO_ERR_NOMEM;
	fo_relfile_path(set->state_directory, path, sizeof(path));
	if (path[0] == '\0') {
		fo_errf(err, errlen, "state-directory: too long");
		st = FO_ERR_IO;
	} else {
		st = fo_file_write_atomic(path, doc, strlen(doc), 0600, err, errlen);
	}
	fo_relfile_wipe_free(doc);
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

fo_status
fo_relfile_load(fo_relationship_set *rels, bool *replaced, char *err, size_t errlen)
{
	char path[PATH_MAX], why[1024] = "";
	fo_relationship_set set;
	fo_sbuf b = { 0 };
	char *text, *doc;
	const char *p;
	bool missing;
	fo_status st;

	*replaced = false;
	fo_relfile_path(rels->state_directory, path, sizeof(path));
	if (path[0] == '\0')
		return FO_OK;
	if ((text = read_file(path, &missing, err, errlen)) == NULL)
		return missing ? FO_OK : FO_ERR_IO;
	/* The file's object with the configured state-directory put in front. */
	for (p = text; *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'; p++)
		;
	if (*p != '{') {
		fo_errf(err, errlen, "%s: not a JSON object (fix or remove the file to use the "
		    "hook's parameters)", path);
		fo_relfile_wipe_free(text);
		return FO_ERR_CONFIG;
	}
	fo_sbuf_cat(&b, "{");
	if (rels->state_directory[0] != '\0') {
		const char *q = p + 1;

		fo_sbuf_cat(&b, "\"state-directory\"");
		fo_sbuf_cat(&b, ":");
		fo_sbuf_json_text(&b, rels->state_directory, strlen(rels->state_directory), 0);
		while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
			q++;
		if (*q != '}')
			fo_sbuf_cat(&b, ",");
	}
	fo_sbuf_cat(&b, p + 1);
	fo_relfile_wipe_free(text);
	if ((doc = fo_sbuf_take(&b)) == NULL)
		return FO_ERR_NOMEM;
	st = fo_config_parse(doc, &set, why, sizeof(why));
	fo_relfile_wipe_free(doc);
	if (st != FO_OK) {
		fo_errf(err, errlen, "%s: %s (fix or remove the file to use the hook's "
		    "parameters)", path, why);
		return st;
	}
	fo_relationship_set_clear(rels);
	*rels = set;
	*replaced = true;
	return FO_OK;
}
