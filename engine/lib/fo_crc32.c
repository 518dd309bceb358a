/*
 * fo_crc32.c - CRC-32 by slice-by-8 (fo_crc32.h).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <pthread.h>

#include "fo_crc32.h"

#define CRC_POLY 0xedb88320u

static uint32_t tab[8][256];
static pthread_once_t tab_once = PTHREAD_ONCE_INIT;

/*
 * tab[0][b]: the CRC register after one byte b from 0; tab[k][b]: the same
 * byte followed by k zero bytes, so eight table lookups advance eight bytes.
 */
static void
tab_build(void)
{
	for (uint32_t b = 0; b < 256; b++) {
		uint32_t c = b;

		for (int k = 0; k < 8; k++)
			c = (c & 1u) ? (c >> 1) ^ CRC_POLY : c >> 1;
		tab[0][b] = c;
	}
	for (uint32_t b = 0; b < 256; b++)
		for (int k = 1; k < 8; k++)
			tab[k][b] = (tab[k - 1][b] >> 8) ^ tab[0][tab[k - 1][b] & 0xffu];
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

uint32_t
fo_crc32(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	(void)pthread_once(&tab_once, tab_build);
	crc = ~crc;
	for (; len >= 8; p += 8, len -= 8) {
		uint32_t lo = crc ^ le32(p), hi = le32(p + 4);

		crc = tab[7][lo & 0xffu] ^ tab[6][(lo >> 8) & 0xffu] ^
		    tab[5][(lo >> 16) & 0xffu] ^ tab[4][lo >> 24] ^
		    tab[3][hi & 0xffu] ^ tab[2][(hi >> 8) & 0xffu] ^
		    tab[1][(hi >> 16) & 0xffu] ^ tab[0][hi >> 24];
	}
	while (len-- > 0)
		crc = tab[0][(crc ^ *p++) & 0xffu] ^ (crc >> 8);
	return ~crc;
}
