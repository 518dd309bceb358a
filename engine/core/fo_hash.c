/*
 * fo_hash.c - RFC 3074 hash and hash bucket assignment.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <string.h>

#include "fo_hash.h"

/* RFC 3074 section 6: the permutation of 0..255, indexed by h ^ key byte. */
static const uint8_t pearson_tab[256] = {
	251, 175, 119, 215,  81,  14,  79, 191,	/*   0 */
	103,  49, 181, 143, 186, 157,   0, 232,	/*   8 */
	 31,  32,  55,  60, 152,  58,  17, 237,	/*  16 */
	174,  70, 160, 144, 220,  90,  57, 223,	/*  24 */
	 59,   3,  18, 140, 111, 166, 203, 196,	/*  32 */
	134, 243, 124,  95, 222, 179, 197,  65,	/*  40 */
	180,  48,  36,  15, 107,  46, 233, 130,	/*  48 */
	165,  30, 123, 161, 209,  23,  97,  16,	/*  56 */
	 40,  91, 219,  61, 100,  10, 210, 109,	/*  64 */
	250, 127,  22, 138,  29, 108, 244,  67,	/*  72 */
	207,   9, 178, 204,  74,  98, 126, 249,	/*  80 */
	167, 116,  34,  77, 193, 200, 121,   5,	/*  88 */
	 20, 113,  71,  35, 128,  13, 182,  94,	/*  96 */
	 25, 226, 227, 199,  75,  27,  41, 245,	/* 104 */
	230, 224,  43, 225, 177,  26, 155, 150,	/* 112 */
	212, 142, 218, 115, 241,  73,  88, 105,	/* 120 */
	 39, 114,  62, 255, 192, 201, 145, 214,	/* 128 */
	168, 158, 221, 148, 154, 122,  12,  84,	/* 136 */
	 82, 163,  44, 139, 228, 236, 205, 242,	/* 144 */
	217,  11, 187, 146, 159,  64,  86, 239,	/* 152 */
	195,  42, 106, 198, 118, 112, 184, 172,	/* 160 */
	 87,   2, 173, 117, 176, 229, 247, 253,	/* 168 */
	137, 185,  99, 164, 102, 147,  45,  66,	/* 176 */
	231,  52, 141, 211, 194, 206, 246, 238,	/* 184 */
	 56, 110,  78, 248,  63, 240, 189,  93,	/* 192 */
	 92,  51,  53, 183,  19, 171,  72,  50,	/* 200 */
	 33, 104, 101,  69,   8, 252,  83, 120,	/* 208 */
	 76, 135,  85,  54, 202, 125, 188, 213,	/* 216 */
	 96, 235, 136, 208, 162, 129, 190, 132,	/* 224 */
	156,  38,  47,   1,   7, 254,  24,   4,	/* 232 */
	216, 131,  89,  21,  28, 133,  37, 153,	/* 240 */
	149,  80, 170,  68,   6, 169, 234, 151,	/* 248 */
};

/* RFC 3074 section 6. */
uint8_t
fo_hash_pearson(const uint8_t *key, size_t len)
{
	uint8_t h;

	if (key == NULL)
		return 0;
	h = (uint8_t)len;
	while (len > 0)
		h = pearson_tab[h ^ key[--len]];
	return h;
}

/* Reference section 7: option 61 with its type byte, else chaddr. */
uint8_t
fo_hash_client(const uint8_t *client_id, size_t cid_len,
    const uint8_t *chaddr, size_t hlen)
{
	if (client_id != NULL && cid_len > 0)
		return fo_hash_pearson(client_id, cid_len);
	if (hlen > FO_CHADDR_MAX)
		hlen = FO_CHADDR_MAX;
	return fo_hash_pearson(chaddr, hlen);
}

/* ISC `split N`: bits 0..N-1 set, a set bit is the primary's. */
fo_status
fo_hba_from_split(fo_hba *hba, unsigned nbuckets)
{
	unsigned full, rest;

	if (hba == NULL)
		return FO_ERR_INVAL;
	if (nbuckets > FO_HBA_BUCKETS)
		return FO_ERR_RANGE;
	memset(hba->bits, 0, sizeof(hba->bits));
	full = nbuckets >> 3;
	rest = nbuckets & 7;
	memset(hba->bits, 0xff, full);
	if (rest != 0)
		hba->bits[full] = (uint8_t)((1u << rest) - 1);
	return FO_OK;
}

unsigned
fo_hba_split_of_percent(unsigned primary_percent)
{
	if (primary_percent >= 100)
		return FO_HBA_BUCKETS;
	return (primary_percent * FO_HBA_BUCKETS + 50) / 100;
}

fo_status
fo_hba_from_percent(fo_hba *hba, unsigned primary_percent)
{
	if (hba == NULL)
		return FO_ERR_INVAL;
	if (primary_percent > 100)
		return FO_ERR_RANGE;
	return fo_hba_from_split(hba, fo_hba_split_of_percent(primary_percent));
}

unsigned
fo_hba_count(const fo_hba *hba)
{
	unsigned n = 0;

	if (hba == NULL)
		return 0;
	for (size_t i = 0; i < FO_HBA_BYTES; i++)
		for (uint8_t b = hba->bits[i]; b != 0; b &= (uint8_t)(b - 1))
			n++;
	return n;
}

bool
fo_hba_primary(const fo_hba *hba, uint8_t bucket)
{
	if (hba == NULL)
		return false;
	return (hba->bits[bucket >> 3] & (1u << (bucket & 7))) != 0;
}

/* Reference section 7: ISC polarity, bit (h & 7) of byte h >> 3. */
bool
fo_hba_mine(const fo_hba *hba, uint8_t bucket, fo_server_type me)
{
	if (hba == NULL)
		return false;
	switch (me) {
	case FO_PRIMARY:
		return fo_hba_primary(hba, bucket);
	case FO_SECONDARY:
		return !fo_hba_primary(hba, bucket);
	}
	return false;
}
