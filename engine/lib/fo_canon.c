/*
 * fo_canon.c - a JSON reader and the canonical text of a value (fo_canon.h).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fo_alloc.h"
#include "fo_canon.h"
#include "fo_sbuf.h"
#include "fo_utf8.h"

struct fo_jv {
	fo_jv_type type;
	char *s;                /* number literal, or decoded string; NUL-terminated */
	size_t len;
	fo_jv **kid;            /* array elements, object member values */
	char **key;             /* object member names, decoded, NUL-terminated */
	size_t *klen;
	size_t n, cap;
};

typedef struct rd {
	const char *p;
	size_t i, len;
	int depth;
	char *err;
	size_t errlen;
	bool oom;
} rd;

/* ---- Reading ---- */

static fo_status
fail(rd *r, const char *what)
{
	fo_errf(r->err, r->errlen, "byte %zu: %s", r->i + 1, what);
	return FO_ERR_PROTO;
}

static void
ws(rd *r)
{
	while (r->i < r->len && (r->p[r->i] == ' ' || r->p[r->i] == '\t' ||
	    r->p[r->i] == '\n' || r->p[r->i] == '\r'))
		r->i++;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool
hex4(rd *r, unsigned *out)
{
	unsigned v = 0;

	if (r->len - r->i < 4)
		return false;
	for (int k = 0; k < 4; k++) {
		int h = hexval(r->p[r->i + (size_t)k]);

		if (h < 0)
			return false;
		v = v << 4 | (unsigned)h;
	}
	r->i += 4;
	*out = v;
	return true;
}

/* A \u escape (r->i just after the 'u'), surrogate pairs joined. */
static fo_status
unicode_escape(rd *r, fo_sbuf *b)
{
	unsigned hi, lo;

	if (!hex4(r, &hi))
		return fail(r, "\\u needs four hexadecimal digits");
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return fail(r, "a lone low surrogate in a \\u escape");
	if (hi >= 0xd800 && hi <= 0xdbff) {
		if (r->len - r->i < 2 || r->p[r->i] != '\\' || r->p[r->i + 1] != 'u')
			return fail(r, "a high surrogate without its low surrogate");
		r->i += 2;
		if (!hex4(r, &lo) || lo < 0xdc00 || lo > 0xdfff)
			return fail(r, "a high surrogate without its low surrogate");
		hi = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
	}
	{
		char u[4];

		fo_sbuf_add(b, u, fo_utf8_put(hi, u));
	}
	return FO_OK;
}

/* A string (r->i at its opening quote) into b. */
static fo_status
read_string(rd *r, fo_sbuf *b)
{
	fo_status st;

	r->i++;
	for (;;) {
		char c;

		if (r->i >= r->len)
			return fail(r, "unterminated string");
		c = r->p[r->i++];
		if (c == '"')
			break;
		if ((unsigned char)c < 0x20)
			return fail(r, "a control character inside a string");
		if (c != '\\') {
			fo_sbuf_byte(b, c);
			continue;
		}
		if (r->i >= r->len)
			return fail(r, "unterminated string");
		switch ((c = r->p[r->i++])) {
		case '"': case '\\': case '/': fo_sbuf_byte(b, c); break;
		case 'b': fo_sbuf_byte(b, '\b'); break;
		case 'f': fo_sbuf_byte(b, '\f'); break;
		case 'n': fo_sbuf_byte(b, '\n'); break;
		case 'r': fo_sbuf_byte(b, '\r'); break;
		case 't': fo_sbuf_byte(b, '\t'); break;
		case 'u':
			if ((st = unicode_escape(r, b)) != FO_OK)
				return st;
			break;
		default:
			r->i--;
			return fail(r, "unknown escape in a string");
		}
	}
	if (b->s == NULL)
		fo_sbuf_add(b, "", 0);
	if (b->oom) {
		r->oom = true;
		return FO_ERR_NOMEM;
	}
	return FO_OK;
}

static size_t
digits(rd *r)
{
	size_t k = 0;

	while (r->i < r->len && r->p[r->i] >= '0' && r->p[r->i] <= '9') {
		r->i++;
		k++;
	}
	return k;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static fo_status
read_number(rd *r, fo_jv *v)
{
	size_t start = r->i;

	if (r->i < r->len && r->p[r->i] == '-')
		r->i++;
	if (r->i < r->len && r->p[r->i] == '0')
		r->i++;
	else if (digits(r) == 0)
		return fail(r, "not a JSON value");
	if (r->i < r->len && r->p[r->i] == '.') {
		r->i++;
		if (digits(r) == 0)
			return fail(r, "a digit must follow the decimal point");
	}
	if (r->i < r->len && (r->p[r->i] == 'e' || r->p[r->i] == 'E')) {
		r->i++;
		if (r->i < r->len && (r->p[r->i] == '+' || r->p[r->i] == '-'))
			r->i++;
		if (digits(r) == 0)
			return fail(r, "a digit must follow the exponent");
	}
	v->type = FO_JV_NUMBER;
	v->len = r->i - start;
	if ((v->s = fo_malloc(v->len + 1)) == NULL)
		return FO_ERR_NOMEM;
	memcpy(v->s, r->p + start, v->len);
	v->s[v->len] = '\0';
	return FO_OK;
}

static fo_status read_value(rd *r, fo_jv *v);

static fo_status
add_kid(fo_jv *v, fo_jv **kid, char *key, size_t klen)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 4;
		fo_jv **k = fo_realloc(v->kid, cap * sizeof(*k));

		if (k == NULL)
			return FO_ERR_NOMEM;
		v->kid = k;
		if (v->type == FO_JV_OBJECT) {
			char **kk = fo_realloc(v->key, cap * sizeof(*kk));
			size_t *kl;

			if (kk == NULL)
				return FO_ERR_NOMEM;
			v->key = kk;
			if ((kl = fo_realloc(v->klen, cap * sizeof(*kl))) == NULL)
				return FO_ERR_NOMEM;
			v->klen = kl;
		}
		v->cap = cap;
	}
	v->kid[v->n] = *kid;
	*kid = NULL;
	if (v->type == FO_JV_OBJECT) {
		v->key[v->n] = key;
		v->klen[v->n] = klen;
	}
	v->n++;
	return FO_OK;
}

static int
key_cmp(const char *a, size_t al, const char *b, size_t bl)
{
	int c = memcmp(a, b, al < bl ? al : bl);

	if (c != 0)
		return c;
	return al < bl ? -1 : al > bl;
}

/* The member order by name: idx[] is filled with 0..n-1 sorted. */
static void
sorted_members(const fo_jv *v, size_t *idx)
{
	for (size_t i = 0; i < v->n; i++) {
		size_t k = i;

		idx[i] = i;
		while (k > 0 && key_cmp(v->key[idx[k - 1]], v->klen[idx[k - 1]],
		    v->key[idx[k]], v->klen[idx[k]]) > 0) {
			size_t t = idx[k];

			idx[k] = idx[k - 1];
			idx[--k] = t;
		}
	}
}

static fo_status
no_duplicates(rd *r, const fo_jv *v, size_t at)
{
	size_t *idx;
	fo_status st = FO_OK;

	if (v->n < 2)
		return FO_OK;
	if ((idx = fo_malloc(v->n * sizeof(*idx))) == NULL)
		return FO_ERR_NOMEM;
	sorted_members(v, idx);
	for (size_t i = 1; i < v->n && st == FO_OK; i++) {
		if (key_cmp(v->key[idx[i - 1]], v->klen[idx[i - 1]], v->key[idx[i]],
		    v->klen[idx[i]]) == 0) {
			r->i = at;
			st = fail(r, "two members of this object have the same name");
		}
	}
	fo_free(idx);
	return st;
}

static fo_status
read_container(rd *r, fo_jv *v, bool object)
{
	size_t at = r->i;
	fo_status st;

	v->type = object ? FO_JV_OBJECT : FO_JV_ARRAY;
	if (++r->depth > FO_JV_DEPTH)
		return fail(r, "nested too deeply");
	r->i++;
	ws(r);
	if (r->i < r->len && r->p[r->i] == (object ? '}' : ']')) {
		r->i++;
		r->depth--;
		return FO_OK;
	}
	for (;;) {
		fo_sbuf key = { 0 };
		fo_jv *kid;

		ws(r);
		if (object) {
			if (r->i >= r->len || r->p[r->i] != '"')
				return fail(r, "a member name (a string) was expected");
			if ((st = read_string(r, &key)) != FO_OK) {
				fo_free(key.s);
				return st;
			}
			ws(r);
			if (r->i >= r->len || r->p[r->i] != ':') {
				fo_free(key.s);
				return fail(r, "':' was expected after the member name");
			}
			r->i++;
		}
		if ((kid = fo_calloc(1, sizeof(*kid))) == NULL) {
			fo_free(key.s);
			return FO_ERR_NOMEM;
		}
		st = read_value(r, kid);
		if (st == FO_OK)
			st = add_kid(v, &kid, key.s, key.len);
		if (st != FO_OK) {
			fo_jv_free(kid);
			fo_free(key.s);
			return st;
		}
		ws(r);
		if (r->i < r->len && r->p[r->i] == ',') {
			r->i++;
			continue;
		}
		if (r->i < r->len && r->p[r->i] == (object ? '}' : ']')) {
			r->i++;
			break;
		}
		return fail(r, object ? "',' or '}' was expected" : "',' or ']' was expected");
	}
	r->depth--;
	return object ? no_duplicates(r, v, at) : FO_OK;
}

static bool
literal(rd *r, const char *word)
{
	size_t n = strlen(word);

	if (r->len - r->i < n || memcmp(r->p + r->i, word, n) != 0)
		return false;
	r->i += n;
	return true;
}

static fo_status
read_value(rd *r, fo_jv *v)
{
	fo_sbuf b = { 0 };
	fo_status st;

	ws(r);
	if (r->i >= r->len)
		return fail(r, "a value was expected");
	switch (r->p[r->i]) {
	case '{':
		return read_container(r, v, true);
	case '[':
		return read_container(r, v, false);
	case '"':
		v->type = FO_JV_STRING;
		if ((st = read_string(r, &b)) != FO_OK) {
			fo_free(b.s);
			return st;
		}
		v->s = b.s;
		v->len = b.len;
		return FO_OK;
	default:
		break;
	}
	if (literal(r, "true")) {
		v->type = FO_JV_TRUE;
	} else if (literal(r, "false")) {
		v->type = FO_JV_FALSE;
	} else if (literal(r, "null")) {
		v->type = FO_JV_NULL;
	} else {
		return read_number(r, v);
	}
	return FO_OK;
}

fo_status
fo_jv_parse(const char *text, size_t len, fo_jv **out, char *err, size_t errlen)
{
	rd r = { .p = text, .len = len, .err = err, .errlen = errlen };
	fo_jv *v;
	fo_status st;

	if (out == NULL || (text == NULL && len > 0))
		return FO_ERR_INVAL;
	*out = NULL;
	if ((v = fo_calloc(1, sizeof(*v))) == NULL)
		return FO_ERR_NOMEM;
	st = read_value(&r, v);
	if (st == FO_OK) {
		ws(&r);
		if (r.i != r.len)
			st = fail(&r, "unexpected text after the JSON value");
	}
	if (st != FO_OK) {
		fo_jv_free(v);
		return st;
	}
	*out = v;
	return FO_OK;
}

void
fo_jv_free(fo_jv *v)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < v->n; i++) {
		fo_jv_free(v->kid[i]);
		if (v->key != NULL)
			fo_free(v->key[i]);
	}
	fo_free(v->kid);
	fo_free(v->key);
	fo_free(v->klen);
	fo_free(v->s);
	fo_free(v);
}

fo_jv_type
fo_jv_type_of(const fo_jv *v)
{
	return v != NULL ? v->type : FO_JV_NULL;
}

const fo_jv *
fo_jv_get(const fo_jv *v, const char *key)
{
	size_t kl = key != NULL ? strlen(key) : 0;

	if (v == NULL || v->type != FO_JV_OBJECT || key == NULL)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		if (key_cmp(v->key[i], v->klen[i], key, kl) == 0)
			return v->kid[i];
	return NULL;
}

size_t
fo_jv_count(const fo_jv *v)
{
	return v != NULL && (v->type == FO_JV_ARRAY || v->type == FO_JV_OBJECT) ? v->n : 0;
}

const fo_jv *
fo_jv_at(const fo_jv *v, size_t i, const char **key, size_t *klen)
{
	if (i >= fo_jv_count(v))
		return NULL;
	if (key != NULL)
		*key = v->type == FO_JV_OBJECT ? v->key[i] : NULL;
	if (klen != NULL)
		*klen = v->type == FO_JV_OBJECT ? v->klen[i] : 0;
	return v->kid[i];
}

const char *
fo_jv_string(const fo_jv *v, size_t *len)
{
	if (v == NULL || v->type != FO_JV_STRING)
		return NULL;
	if (len != NULL)
		*len = v->len;
	return v->s;
}

bool
fo_jv_int(const fo_jv *v, int64_t *out)
{
	char *end;
	long long x;

	if (v == NULL || v->type != FO_JV_NUMBER || strpbrk(v->s, ".eE") != NULL)
		return false;
	errno = 0;
	x = strtoll(v->s, &end, 10);
	if (errno != 0 || *end != '\0')
		return false;
	*out = (int64_t)x;
	return true;
}

/* ---- The canonical text ---- */

/* v's text; members sorted by name (canonical) or in document order. */
static void
emit(fo_sbuf *b, const fo_jv *v, const char *drop, bool sorted)
{
	size_t *idx;
	bool first = true;

	switch (v->type) {
	case FO_JV_NULL: fo_sbuf_add(b, "null", 4); return;
	case FO_JV_FALSE: fo_sbuf_add(b, "false", 5); return;
	case FO_JV_TRUE: fo_sbuf_add(b, "true", 4); return;
	case FO_JV_NUMBER: fo_sbuf_add(b, v->s, v->len); return;
	case FO_JV_STRING: fo_sbuf_json_str(b, v->s, v->len); return;
	case FO_JV_ARRAY:
		fo_sbuf_byte(b, '[');
		for (size_t i = 0; i < v->n; i++) {
			if (i > 0)
				fo_sbuf_byte(b, ',');
			emit(b, v->kid[i], NULL, sorted);
		}
		fo_sbuf_byte(b, ']');
		return;
	case FO_JV_OBJECT:
		break;
	}
	if ((idx = fo_malloc((v->n ? v->n : 1) * sizeof(*idx))) == NULL) {
		b->oom = true;
		return;
	}
	if (sorted)
		sorted_members(v, idx);
	else
		for (size_t i = 0; i < v->n; i++)
			idx[i] = i;
	fo_sbuf_byte(b, '{');
	for (size_t i = 0; i < v->n; i++) {
		size_t k = idx[i];

		if (drop != NULL && key_cmp(v->key[k], v->klen[k], drop, strlen(drop)) == 0)
			continue;
		if (!first)
			fo_sbuf_byte(b, ',');
		first = false;
		fo_sbuf_json_str(b, v->key[k], v->klen[k]);
		fo_sbuf_byte(b, ':');
		emit(b, v->kid[k], NULL, sorted);
	}
	fo_sbuf_byte(b, '}');
	fo_free(idx);
}

static fo_status
text_of(const fo_jv *v, const char *drop, bool sorted, char **out)
{
	fo_sbuf b = { 0 };

	if (v == NULL || out == NULL)
		return FO_ERR_INVAL;
	*out = NULL;
	emit(&b, v, drop, sorted);
	if (b.oom) {
		fo_free(b.s);
		return FO_ERR_NOMEM;
	}
	*out = b.s;
	return FO_OK;
}

fo_status
fo_jv_canon(const fo_jv *v, const char *drop, char **out)
{
	return text_of(v, drop, true, out);
}

fo_status
fo_jv_text(const fo_jv *v, char **out)
{
	return text_of(v, NULL, false, out);
}

fo_status
fo_canon_json(const char *text, const char *drop, char **out, char *err, size_t errlen)
{
	fo_jv *v = NULL;
	fo_status st;

	if (text == NULL || out == NULL)
		return FO_ERR_INVAL;
	*out = NULL;
	if ((st = fo_jv_parse(text, strlen(text), &v, err, errlen)) != FO_OK)
		return st;
	st = fo_jv_canon(v, drop, out);
	fo_jv_free(v);
	return st;
}
