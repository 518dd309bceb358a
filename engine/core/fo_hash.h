/*
 * fo_hash.h - RFC 3074 load balancing: the client hash and the hash bucket
 * assignment (HBA) that says which server answers which client.
 *
 * Public tier: the hook uses it on every query; the protocol codec carries
 * the HBA in CONNECT.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_HASH_H
#define FO_HASH_H

#include "fo_types.h"

#define FO_HBA_BUCKETS 256      /* one bucket per hash value */
#define FO_HBA_BYTES 32         /* 256 bits, as carried in CONNECT */
#define FO_CHADDR_MAX 16        /* BOOTP chaddr field, RFC 2131 section 2 */

/*
 * Pearson hash of RFC 3074 section 6 over `len` bytes of `key`, with the
 * RFC's 256-byte permutation table:
 *	h = len mod 256; for i = len-1 down to 0: h = T[h ^ key[i]]
 * The key is walked last byte first. Any length is accepted; only its low
 * 8 bits seed the hash (a 300-byte key starts from 44). A NULL key hashes
 * like the empty key (result 0) whatever `len` says.
 */
uint8_t fo_hash_pearson(const uint8_t *key, size_t len);

/*
 * The RFC 3074 hash of one DHCP client (reference section 7): the value of
 * option 61 (client identifier), type byte included, when it is present and
 * non-empty (client_id != NULL and cid_len > 0); otherwise the first `hlen`
 * bytes of chaddr, without the htype byte. hlen is clamped to
 * FO_CHADDR_MAX; a NULL chaddr hashes like an empty one.
 */
uint8_t fo_hash_client(const uint8_t *client_id, size_t cid_len,
    const uint8_t *chaddr, size_t hlen);

/*
 * Hash bucket assignment: bucket h is set when bits[h >> 3] & (1 << (h & 7)).
 * Polarity follows ISC dhcpd, not the draft text: a SET bit means the
 * PRIMARY serves the bucket, a clear bit the secondary (reference section 7).
 * The 32 bytes are in the order they travel in CONNECT.
 */
typedef struct fo_hba {
	uint8_t bits[FO_HBA_BYTES];
} fo_hba;

/*
 * ISC's `split N`: the primary serves buckets 0..N-1, the secondary the
 * rest. N in 0..256. FO_ERR_INVAL for a NULL hba, FO_ERR_RANGE for N > 256;
 * the hba is left untouched on error.
 */
fo_status fo_hba_from_split(fo_hba *hba, unsigned nbuckets);

/*
 * The number of buckets that gives the primary `primary_percent` percent of
 * the clients: round(pct * 256 / 100), rounding to nearest. A tie cannot
 * occur (pct * 64 / 25 never ends in .5), so there is no tie rule.
 * 0 -> 0, 10 -> 26, 50 -> 128, 70 -> 179, 100 -> 256. Values above 100
 * give 256.
 */
unsigned fo_hba_split_of_percent(unsigned primary_percent);

/*
 * fo_hba_from_split(hba, fo_hba_split_of_percent(primary_percent)).
 * FO_ERR_INVAL for a NULL hba, FO_ERR_RANGE for a percent above 100.
 */
fo_status fo_hba_from_percent(fo_hba *hba, unsigned primary_percent);

/* Number of buckets the primary serves (set bits), 0..256. 0 for NULL. */
unsigned fo_hba_count(const fo_hba *hba);

/* True when the primary serves `bucket` (its bit is set). False for NULL. */
bool fo_hba_primary(const fo_hba *hba, uint8_t bucket);

/*
 * True when server `me` serves `bucket`: the primary the set buckets, the
 * secondary the clear ones. For every bucket exactly one of the two
 * servers answers. A NULL hba makes no bucket anyone's.
 */
bool fo_hba_mine(const fo_hba *hba, uint8_t bucket, fo_server_type me);

#endif /* FO_HASH_H */
