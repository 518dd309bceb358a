/*
 * fo_utf8.c - UTF-8 encoding, strict decoding and validation (fo_utf8.h).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include "fo_utf8.h"

size_t
fo_utf8_put(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* RFC 3629 section 4: the lead byte gives the length, the value its minimum. */
bool
fo_utf8_next(const char *s, size_t len, size_t *i, uint32_t *cp)
{
	static const uint32_t min[4] = { 0, 0x80, 0x800, 0x10000 };
	uint8_t b = (uint8_t)s[*i];
	size_t n;
	uint32_t v;

	if (b < 0x80) {
		*cp = b;
		(*i)++;
		return true;
	}
	if (b >= 0xc2 && b < 0xe0) {
		n = 1;
		v = b & 0x1fu;
	} else if (b >= 0xe0 && b < 0xf0) {
		n = 2;
		v = b & 0x0fu;
	} else if (b >= 0xf0 && b < 0xf5) {
		n = 3;
		v = b & 0x07u;
	} else {
		return false;
	}
	if (len - *i <= n)
		return false;
	for (size_t k = 1; k <= n; k++) {
		uint8_t c = (uint8_t)s[*i + k];

		if ((c & 0xc0) != 0x80)
			return false;
		v = v << 6 | (c & 0x3fu);
	}
	if (v < min[n] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return false;
	*i += n + 1;
	*cp = v;
	return true;
}

bool
fo_utf8_valid(const char *s, size_t len, size_t *bad)
{
	size_t i = 0;
	uint32_t cp;

	while (i < len) {
		if (!fo_utf8_next(s, len, &i, &cp)) {
			if (bad != NULL)
				*bad = i;
			return false;
		}
	}
	return true;
}
