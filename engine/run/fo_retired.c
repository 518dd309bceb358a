/*
 * fo_retired.c - the scopes this server retired (fo_retired.h).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fo_alloc.h"
#include "fo_canon.h"
#include "fo_file.h"
#include "fo_json.h"
#include "fo_retired.h"
#include "fo_runtime.h"

#define RETIRED_MAX_BYTES (4u << 20)

void
fo_retired_clear(fo_retired *r)
{
	if (r == NULL)
		return;
	fo_free(r->s);
	r->s = NULL;
	r->n = 0;
	r->damaged = false;
	r->why[0] = '\0';
}

bool
fo_retired_has(const fo_retired *r, fo_ip4 scope_id)
{
	for (size_t i = 0; r != NULL && i < r->n; i++)
		if (r->s[i].scope_id == scope_id)
			return true;
	return false;
}

/* The whole file into *text (malloc'd, NUL-terminated); *missing when there is none. */
static fo_status
read_all(const char *path, char **text, bool *missing, char *why, size_t len)
{
	struct stat sb = { 0 };
	char *buf;
	int fd;

	*missing = false;
	errno = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		*missing = errno == ENOENT;
		fo_errf(why, len, "%s", strerror(errno));
		return *missing ? FO_OK : FO_ERR_IO;
	}
	if (fstat(fd, &sb) != 0 || sb.st_size > RETIRED_MAX_BYTES) {
		fo_errf(why, len, "%s", errno != 0 && sb.st_size <= RETIRED_MAX_BYTES ?
		    strerror(errno) : "too large");
		close(fd);
		return FO_ERR_IO;
	}
	if ((buf = fo_malloc((size_t)sb.st_size + 1)) == NULL) {
		close(fd);
		return FO_ERR_NOMEM;
	}
	if (fo_file_pread_all(fd, buf, (size_t)sb.st_size, 0) != 0) {
		fo_errf(why, len, "%s", strerror(errno));
		fo_free(buf);
		close(fd);
		return FO_ERR_IO;
	}
	close(fd);
	buf[sb.st_size] = '\0';
	*text = buf;
	return FO_OK;
}

/* One entry of "scopes"; false (why set) when it is not one. */
static bool
parse_entry(const fo_jv *e, fo_retired_scope *out, char *why, size_t len)
{
	const char *id = fo_jv_string(fo_jv_get(e, "scope-id"), NULL);
	const char *rel = fo_jv_string(fo_jv_get(e, "relationship"), NULL);
	struct in_addr a;

	if (id == NULL || inet_pton(AF_INET, id, &a) != 1 || a.s_addr == 0) {
		fo_errf(why, len, "scopes[]/scope-id: not an IPv4 address");
		return false;
	}
	if (rel == NULL || strlen(rel) >= sizeof(out->relationship) ||
	    !fo_jv_int(fo_jv_get(e, "retired-at"), &out->at)) {
		fo_errf(why, len, "scopes[]: relationship (a string) and retired-at (an integer) "
		    "are required");
		return false;
	}
	out->scope_id = ntohl(a.s_addr);
	snprintf(out->relationship, sizeof(out->relationship), "%s", rel);
	return true;
}

static fo_status
parse(fo_retired *r, const char *text, char *why, size_t len)
{
	const fo_jv *list;
	fo_jv *v = NULL;
	fo_status st;
	size_t n;

	if ((st = fo_jv_parse(text, strlen(text), &v, why, len)) != FO_OK)
		return st == FO_ERR_NOMEM ? st : FO_ERR_IO;
	list = fo_jv_get(v, "scopes");
	if (list == NULL || fo_jv_type_of(list) != FO_JV_ARRAY) {
		fo_errf(why, len, "scopes: missing, or not a list");
		st = FO_ERR_IO;
		goto done;
	}
	n = fo_jv_count(list);
	if ((r->s = fo_calloc(n ? n : 1, sizeof(*r->s))) == NULL) {
		st = FO_ERR_NOMEM;
		goto done;
	}
	for (r->n = 0; r->n < n; r->n++) {
		if (!parse_entry(fo_jv_at(list, r->n, NULL, NULL), &r->s[r->n], why, len)) {
			st = FO_ERR_IO;
			goto done;
		}
	}
done:
	fo_jv_free(v);
	return st;
}

fo_status
fo_retired_load(fo_retired *r, const char *state_dir, char *err, size_t errlen)
{
	char *text = NULL;
	bool missing;
	fo_status st;
	int k;

	if (r == NULL)
		return FO_ERR_INVAL;
	memset(r, 0, sizeof(*r));
	k = snprintf(r->path, sizeof(r->path), "%s/%s", state_dir != NULL && state_dir[0] != '\0' ?
	    state_dir : FO_DEFAULT_STATE_DIR, FO_RETIRED_FILE);
	if (k < 0 || (size_t)k >= sizeof(r->path)) {
		fo_errf(r->why, sizeof(r->why), "state-directory too long");
		st = FO_ERR_IO;
	} else if ((st = read_all(r->path, &text, &missing, r->why, sizeof(r->why))) == FO_OK &&
	    !missing) {
		st = parse(r, text, r->why, sizeof(r->why));
	}
	fo_free(text);
	if (st == FO_OK)
		return FO_OK;
	fo_free(r->s);
	r->s = NULL;
	r->n = 0;
	r->damaged = st != FO_ERR_NOMEM;
	if (st == FO_ERR_NOMEM)
		fo_errf(r->why, sizeof(r->why), "out of memory");
	fo_errf(err, errlen, "%s: %s", r->path, r->why);
	return st;
}

static char *
to_json(const fo_retired_scope *s, size_t n, const fo_retired *r, bool for_command)
{
	char a[16], *out = NULL;
	fo_json j;

	fo_json_init(&j);
	fo_json_obj_begin(&j);
	fo_json_key(&j, "scopes");
	fo_json_arr_begin(&j);
	for (size_t i = 0; i < n; i++) {
		fo_ip4_str(s[i].scope_id, a, sizeof(a));
		fo_json_obj_begin(&j);
		fo_json_kv_str(&j, "scope-id", a);
		fo_json_kv_str(&j, "relationship", s[i].relationship);
		fo_json_key(&j, "retired-at");
		fo_json_int(&j, s[i].at);
		fo_json_obj_end(&j);
	}
	fo_json_arr_end(&j);
	if (for_command) {
		fo_json_kv_str(&j, "file", r->path);
		fo_json_kv_bool(&j, "damaged", r->damaged);
		if (r->damaged)
			fo_json_kv_str(&j, "damaged-reason", r->why);
	}
	fo_json_obj_end(&j);
	if (fo_json_finish(&j, &out) != FO_OK)
		return NULL;
	return out;
}

char *
fo_retired_json(const fo_retired *r)
{
	return r != NULL ? to_json(r->s, r->n, r, true) : NULL;
}

/* Write s[0..n) as the file; then it is r's list (s moved into r). */
static fo_status
save(fo_retired *r, fo_retired_scope *s, size_t n, char *err, size_t errlen)
{
	char *text = to_json(s, n, r, false);
	fo_status st;

	if (text == NULL) {
		fo_free(s);
		return FO_ERR_NOMEM;
	}
	st = fo_file_write_atomic(r->path, text, strlen(text), FO_FILE_MODE, err, errlen);
	fo_free(text);
	if (st != FO_OK) {
		fo_free(s);
		return st;
	}
	fo_free(r->s);
	r->s = s;
	r->n = n;
	return FO_OK;
}

fo_status
fo_retired_add(fo_retired *r, const fo_ip4 *scopes, size_t n, const char *rel, fo_wall now,
    char *err, size_t errlen)
{
	fo_retired_scope *s;
	size_t m;

	if (r == NULL || (n > 0 && scopes == NULL) || rel == NULL)
		return FO_ERR_INVAL;
	if (r->damaged) {
		fo_errf(err, errlen, "%s is damaged (%s): repair or delete it first", r->path,
		    r->why);
		return FO_ERR_IO;
	}
	if ((s = fo_calloc(r->n + n + 1, sizeof(*s))) == NULL)
		return FO_ERR_NOMEM;
	if (r->n > 0)
		memcpy(s, r->s, r->n * sizeof(*s));
	m = r->n;
	for (size_t k = 0; k < n; k++) {
		bool there = false;

		for (size_t i = 0; i < m && !there; i++)
			there = s[i].scope_id == scopes[k];
		if (there)
			continue;
		s[m].scope_id = scopes[k];
		snprintf(s[m].relationship, sizeof(s[m].relationship), "%s", rel);
		s[m++].at = now.sec;
	}
	return save(r, s, m, err, errlen);
}

fo_status
fo_retired_lift(fo_retired *r, bool (*keep)(void *ctx, fo_ip4 scope), void *ctx,
    fo_ip4 *out, size_t max, size_t *lifted, char *err, size_t errlen)
{
	fo_retired_scope *s;
	size_t m = 0, gone = 0;
	fo_status st;

	if (lifted != NULL)
		*lifted = 0;
	if (r == NULL || keep == NULL)
		return FO_ERR_INVAL;
	if (r->damaged || r->n == 0)
		return FO_OK;
	if ((s = fo_calloc(r->n, sizeof(*s))) == NULL)
		return FO_ERR_NOMEM;
	for (size_t i = 0; i < r->n; i++) {
		if (keep(ctx, r->s[i].scope_id))
			s[m++] = r->s[i];
		else if (out != NULL && gone < max)
			out[gone++] = r->s[i].scope_id;
		else
			gone++;
	}
	if (m == r->n) {
		fo_free(s);
		return FO_OK;
	}
	if ((st = save(r, s, m, err, errlen)) == FO_OK && lifted != NULL)
		*lifted = gone;
	return st;
}

struct sync_ctx {
	const fo_relationship_set *set;
	const fo_subnet *sn;
	size_t n;
};

/* A retirement stands while its scope is in no relationship and (known) a Kea subnet. */
static bool
stands(void *arg, fo_ip4 scope)
{
	const struct sync_ctx *c = arg;

	if (fo_relationship_set_find_scope(c->set, scope) != NULL)
		return false;
	for (size_t i = 0; c->sn != NULL && i < c->n; i++)
		if (c->sn[i].prefix == scope)
			return true;
	return c->sn == NULL;
}

fo_status
fo_retired_sync(fo_retired *r, const fo_relationship_set *set, const fo_subnet *sn, size_t n,
    fo_ip4 *out, size_t max, size_t *lifted, char *err, size_t errlen)
{
	struct sync_ctx c = { set, sn, n };

	return fo_retired_lift(r, stands, &c, out, max, lifted, err, errlen);
}

fo_status
fo_retired_subnet_ids(const fo_retired *r, const fo_relationship_set *set, const fo_subnet *sn,
    size_t n, uint32_t **ids, size_t *m)
{
	uint32_t *v;

	*ids = NULL;
	*m = 0;
	if (sn == NULL || n == 0 || (r->n == 0 && !r->damaged))
		return FO_OK;
	if ((v = fo_calloc(n, sizeof(*v))) == NULL)
		return FO_ERR_NOMEM;
	for (size_t i = 0; i < n; i++)
		if (fo_relationship_set_find_scope(set, sn[i].prefix) == NULL &&
		    (r->damaged || fo_retired_has(r, sn[i].prefix)))
			v[(*m)++] = sn[i].subnet_id;
	*ids = v;
	return FO_OK;
}
