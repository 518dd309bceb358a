/*
 * fo_params.c - the parameters' text checked as UTF-8 and rewritten for
 * libyang (fo_params.h).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fo_alloc.h"
#include "fo_canon.h"
#include "fo_params.h"
#include "fo_sbuf.h"
#include "fo_utf8.h"

struct walk {
	char *err;
	size_t errlen;
	size_t pos;             /* > 0: the entry is named by its position */
};

/* The predicate of a list entry: [name='x'] (libyang's quoting), or [k]. */
static void
entry_step(fo_sbuf *path, const fo_jv *entry, size_t k, struct walk *w)
{
	size_t len = 0;
	const char *name = fo_jv_string(fo_jv_get(entry, "name"), &len);
	char num[24];

	if (name != NULL && len > 0 && fo_utf8_valid(name, len, NULL) &&
	    memchr(name, '\0', len) == NULL &&
	    (memchr(name, '\'', len) == NULL || memchr(name, '"', len) == NULL)) {
		const char *q = memchr(name, '\'', len) != NULL ? "\"" : "'";

		fo_sbuf_cat(path, "[name=");
		fo_sbuf_cat(path, q);
		fo_sbuf_add(path, name, len);
		fo_sbuf_cat(path, q);
		fo_sbuf_cat(path, "]");
		return;
	}
	snprintf(num, sizeof(num), "[%zu]", k + 1);
	fo_sbuf_cat(path, num);
	w->pos = k + 1;
}

static fo_status
refuse(struct walk *w, const fo_sbuf *path, const char *what, size_t bad)
{
	char note[128] = "";

	if (path->oom)
		return FO_ERR_NOMEM;
	if (w->pos > 0)
		snprintf(note, sizeof(note), " (entry %zu of relationships, counting from 1: its "
		    "name is missing or not valid)", w->pos);
	fo_errf(w->err, w->errlen, "%s: %s (byte %zu)%s", path->s, what, bad + 1, note);
	return FO_ERR_CONFIG;
}

/* Every string under v (at `path`) valid UTF-8; path is restored on return. */
static fo_status
check(const fo_jv *v, fo_sbuf *path, struct walk *w)
{
	size_t len = 0, bad = 0, keep = path->len, pos = w->pos;
	const char *s = fo_jv_string(v, &len);
	fo_status st = FO_OK;

	if (s != NULL)
		return fo_utf8_valid(s, len, &bad) ? FO_OK : refuse(w, path, "not valid UTF-8", bad);
	for (size_t i = 0; i < fo_jv_count(v) && st == FO_OK; i++) {
		const char *key;
		size_t klen;
		const fo_jv *kid = fo_jv_at(v, i, &key, &klen);

		if (key != NULL) {
			if (!fo_utf8_valid(key, klen, &bad))
				return refuse(w, path, "a member name is not valid UTF-8", bad);
			fo_sbuf_byte(path, '/');
			fo_sbuf_add(path, key, klen);
		} else if (fo_jv_type_of(kid) == FO_JV_OBJECT) {
			entry_step(path, kid, i, w);
		}
		st = check(kid, path, w);
		path->len = keep;
		if (path->s != NULL)
			path->s[keep] = '\0';
		w->pos = pos;
	}
	return st;
}

fo_status
fo_params_text(const char *json, const char *top, char **out, char *err, size_t errlen)
{
	struct walk w = { .err = err, .errlen = errlen };
	fo_sbuf path = { 0 };
	fo_jv *v = NULL;
	char why[8];
	fo_status st;

	if (json == NULL || top == NULL || out == NULL)
		return FO_ERR_INVAL;
	*out = NULL;
	st = fo_jv_parse(json, strlen(json), &v, why, sizeof(why));
	if (st != FO_OK)
		return st == FO_ERR_NOMEM ? st : FO_OK;
	fo_sbuf_cat(&path, top);
	if ((st = check(v, &path, &w)) == FO_OK)
		st = fo_jv_text(v, out);
	fo_free(path.s);
	fo_jv_free(v);
	return st;
}
