/*
 * fo_json.c - a small JSON text writer.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fo_alloc.h"
#include "fo_json.h"

void
fo_json_init(fo_json *j)
{
	memset(j, 0, sizeof(*j));
}

void
fo_json_free(fo_json *j)
{
	fo_free(j->b.s);
	fo_json_init(j);
}

static void
put(fo_json *j, const char *s, size_t n)
{
	if (j->err != FO_OK)
		return;
	fo_sbuf_add(&j->b, s, n);
	if (j->b.oom)
		j->err = FO_ERR_NOMEM;
}

static void
puts_(fo_json *j, const char *s)
{
	put(j, s, strlen(s));
}

/* Before a value: a comma when one came before it in an array or at top. */
static void
value_prefix(fo_json *j)
{
	if (j->err != FO_OK)
		return;
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->in_object[j->depth]) {
		j->err = FO_ERR_INVAL;      /* a value needs a key in an object */
		return;
	}
	if (j->comma[j->depth] && j->depth == 0)
		j->err = FO_ERR_INVAL;      /* one value at the top */
	else if (j->comma[j->depth])
		put(j, ",", 1);
}

static void
value_done(fo_json *j)
{
	j->comma[j->depth] = true;
}

static void
open_(fo_json *j, const char *c, bool object)
{
	value_prefix(j);
	if (j->err != FO_OK)
		return;
	if (j->depth >= FO_JSON_DEPTH) {
		j->err = FO_ERR_RANGE;
		return;
	}
	put(j, c, 1);
	value_done(j);
	j->depth++;
	j->comma[j->depth] = false;
	j->in_object[j->depth] = object;
}

static void
close_(fo_json *j, const char *c, bool object)
{
	if (j->err != FO_OK)
		return;
	if (j->depth == 0 || j->in_object[j->depth] != object || j->after_key) {
		j->err = FO_ERR_INVAL;
		return;
	}
	j->depth--;
	put(j, c, 1);
}

void fo_json_obj_begin(fo_json *j) { open_(j, "{", true); }
void fo_json_obj_end(fo_json *j) { close_(j, "}", true); }
void fo_json_arr_begin(fo_json *j) { open_(j, "[", false); }
void fo_json_arr_end(fo_json *j) { close_(j, "]", false); }

static void
put_escaped(fo_json *j, const char *s)
{
	if (j->err != FO_OK)
		return;
	fo_sbuf_json_text(&j->b, s, strlen(s), FO_SBUF_JSON_SHORT);
	if (j->b.oom)
		j->err = FO_ERR_NOMEM;
}

void
fo_json_key(fo_json *j, const char *key)
{
	if (j->err != FO_OK)
		return;
	if (key == NULL || j->depth == 0 || !j->in_object[j->depth] || j->after_key) {
		j->err = FO_ERR_INVAL;
		return;
	}
	if (j->comma[j->depth])
		put(j, ",", 1);
	put_escaped(j, key);
	put(j, ":", 1);
	j->comma[j->depth] = false;
	j->after_key = true;
}

void
fo_json_str(fo_json *j, const char *s)
{
	value_prefix(j);
	if (s == NULL)
		puts_(j, "null");
	else
		put_escaped(j, s);
	value_done(j);
}

void
fo_json_uint(fo_json *j, uint64_t v)
{
	char num[24];

	value_prefix(j);
	snprintf(num, sizeof(num), "%" PRIu64, v);
	puts_(j, num);
	value_done(j);
}

void
fo_json_int(fo_json *j, int64_t v)
{
	char num[24];

	value_prefix(j);
	snprintf(num, sizeof(num), "%" PRId64, v);
	puts_(j, num);
	value_done(j);
}

void
fo_json_raw(fo_json *j, const char *text)
{
	value_prefix(j);
	puts_(j, text);
	value_done(j);
}

void
fo_json_bool(fo_json *j, bool v)
{
	value_prefix(j);
	puts_(j, v ? "true" : "false");
	value_done(j);
}

void
fo_json_u64_str(fo_json *j, uint64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRIu64, v);
	fo_json_str(j, num);
}

void fo_json_kv_str(fo_json *j, const char *k, const char *s) { fo_json_key(j, k); fo_json_str(j, s); }
void fo_json_kv_uint(fo_json *j, const char *k, uint64_t v) { fo_json_key(j, k); fo_json_uint(j, v); }
void fo_json_kv_bool(fo_json *j, const char *k, bool v) { fo_json_key(j, k); fo_json_bool(j, v); }
void fo_json_kv_u64_str(fo_json *j, const char *k, uint64_t v) { fo_json_key(j, k); fo_json_u64_str(j, v); }

fo_status
fo_json_finish(fo_json *j, char **out)
{
	fo_status st = j->err;

	if (out == NULL)
		st = FO_ERR_INVAL;
	else
		*out = NULL;
	if (st == FO_OK && (j->depth != 0 || j->after_key || j->b.s == NULL))
		st = FO_ERR_INVAL;
	if (st != FO_OK) {
		fo_json_free(j);
		return st;
	}
	*out = j->b.s;
	j->b.s = NULL;
	fo_json_free(j);
	return FO_OK;
}
