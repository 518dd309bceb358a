/*
 * fo_cursor.c - bounds-checked wire reader and writer.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <string.h>

#include "fo_cursor.h"
#include "fo_utf8.h"

void
fo_rcur_init(fo_rcur *c, const uint8_t *p, size_t n)
{
	c->p = p;
	c->len = p == NULL ? 0 : n;
	c->off = 0;
}

size_t
fo_rcur_left(const fo_rcur *c)
{
	return c->len - c->off;
}

const uint8_t *
fo_rcur_ptr(const fo_rcur *c)
{
	return c->p == NULL ? NULL : c->p + c->off;
}

fo_status
fo_get_bytes(fo_rcur *c, void *dst, size_t n)
{
	if (n > fo_rcur_left(c))
		return FO_ERR_PROTO;
	if (n > 0)
		memcpy(dst, c->p + c->off, n);
	c->off += n;
	return FO_OK;
}

fo_status
fo_get_u8(fo_rcur *c, uint8_t *v)
{
	return fo_get_bytes(c, v, 1);
}

fo_status
fo_get_u16(fo_rcur *c, uint16_t *v)
{
	uint8_t b[2];

	if (fo_get_bytes(c, b, sizeof(b)) != FO_OK)
		return FO_ERR_PROTO;
	*v = (uint16_t)((unsigned)b[0] << 8 | b[1]);
	return FO_OK;
}

fo_status
fo_get_u32(fo_rcur *c, uint32_t *v)
{
	uint8_t b[4];

	if (fo_get_bytes(c, b, sizeof(b)) != FO_OK)
		return FO_ERR_PROTO;
	*v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
	return FO_OK;
}

fo_status
fo_get_u32_le(fo_rcur *c, uint32_t *v)
{
	uint8_t b[4];

	if (fo_get_bytes(c, b, sizeof(b)) != FO_OK)
		return FO_ERR_PROTO;
	*v = (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[1] << 8 | b[0];
	return FO_OK;
}

fo_status
fo_get_skip(fo_rcur *c, size_t n)
{
	if (n > fo_rcur_left(c))
		return FO_ERR_PROTO;
	c->off += n;
	return FO_OK;
}

fo_status
fo_get_view(fo_rcur *c, size_t n, fo_rcur *sub)
{
	if (n > fo_rcur_left(c))
		return FO_ERR_PROTO;
	fo_rcur_init(sub, n == 0 ? NULL : c->p + c->off, n);
	c->off += n;
	return FO_OK;
}

/* Append code point cp as UTF-8 to out[*o..cap-1); false if it does not fit. */
static bool
utf8_append(char *out, size_t cap, size_t *o, uint32_t cp)
{
	char b[4];
	size_t n = fo_utf8_put(cp, b);

	if (*o + n >= cap)
		return false;
	memcpy(out + *o, b, n);
	*o += n;
	return true;
}

/* UTF-16LE code unit i of view c (i < units). */
static uint16_t
unit_at(const fo_rcur *c, size_t i)
{
	const uint8_t *q = c->p + c->off + 2 * i;

	return (uint16_t)(q[0] | (unsigned)q[1] << 8);
}

fo_status
fo_get_utf16le(fo_rcur *c, char *out, size_t cap)
{
	size_t units, i, o = 0;
	uint32_t cp;
	uint16_t u, lo;

	if (cap == 0 || fo_rcur_left(c) % 2 != 0)
		return FO_ERR_PROTO;
	units = fo_rcur_left(c) / 2;
	while (units > 0 && unit_at(c, units - 1) == 0)
		units--;
	for (i = 0; i < units; i++) {
		u = unit_at(c, i);
		cp = u;
		if (u == 0 || (u >= 0xdc00 && u <= 0xdfff))
			return FO_ERR_PROTO;
		if (u >= 0xd800 && u <= 0xdbff) {
			if (i + 1 >= units)
				return FO_ERR_PROTO;
			lo = unit_at(c, ++i);
			if (lo < 0xdc00 || lo > 0xdfff)
				return FO_ERR_PROTO;
			cp = 0x10000 + (((uint32_t)u - 0xd800) << 10) +
			    ((uint32_t)lo - 0xdc00);
		}
		if (!utf8_append(out, cap, &o, cp))
			return FO_ERR_PROTO;
	}
	out[o] = '\0';
	c->off = c->len;
	return FO_OK;
}

void
fo_wcur_init(fo_wcur *w, uint8_t *p, size_t cap)
{
	w->p = p;
	w->cap = p == NULL ? 0 : cap;
	w->off = 0;
	w->err = false;
}

bool
fo_wcur_ok(const fo_wcur *w)
{
	return !w->err;
}

void
fo_put_bytes(fo_wcur *w, const void *src, size_t n)
{
	if (w->err || n > w->cap - w->off) {
		w->err = true;
		return;
	}
	if (n > 0)
		memcpy(w->p + w->off, src, n);
	w->off += n;
}

void
fo_put_zeros(fo_wcur *w, size_t n)
{
	if (w->err || n > w->cap - w->off) {
		w->err = true;
		return;
	}
	if (n > 0)
		memset(w->p + w->off, 0, n);
	w->off += n;
}

void
fo_put_u8(fo_wcur *w, uint8_t v)
{
	fo_put_bytes(w, &v, 1);
}

void
fo_put_u16(fo_wcur *w, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	fo_put_bytes(w, b, sizeof(b));
}

void
fo_put_u32(fo_wcur *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v };

	fo_put_bytes(w, b, sizeof(b));
}

void
fo_put_u32_le(fo_wcur *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8),
	    (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	fo_put_bytes(w, b, sizeof(b));
}

void
fo_put_u16_at(fo_wcur *w, size_t off, uint16_t v)
{
	if (w->err || off > w->off || w->off - off < 2) {
		w->err = true;
		return;
	}
	w->p[off] = (uint8_t)(v >> 8);
	w->p[off + 1] = (uint8_t)v;
}

fo_status
fo_put_utf16le(fo_wcur *w, const char *s, bool nul)
{
	size_t i = 0, len = strlen(s);
	uint32_t cp;

	/* Validate first so that nothing is written for bad input. */
	if (!fo_utf8_valid(s, len, NULL))
		return FO_ERR_INVAL;
	while (i < len) {
		(void)fo_utf8_next(s, len, &i, &cp);
		if (cp >= 0x10000) {
			cp -= 0x10000;
			fo_put_u8(w, (uint8_t)(0xd800 + (cp >> 10)));
			fo_put_u8(w, (uint8_t)((0xd800 + (cp >> 10)) >> 8));
			cp = 0xdc00 + (cp & 0x3ff);
		}
		fo_put_u8(w, (uint8_t)cp);
		fo_put_u8(w, (uint8_t)(cp >> 8));
	}
	if (nul)
		fo_put_zeros(w, 2);
	return FO_OK;
}
