/*
 * fo_digest.h - the message-digest option (17) of failover messages:
 * HMAC-SHA256 with a shared secret, computed and compared in constant time.
 *
 * Public tier: the configuration holds the key, the wire codec uses it.
 *
 * The rule (both ends of this project agree on it; [MS-DHCPF] 2.2 names
 * HMAC (RFC 2104) with SHA-256 but not the exact input, so Microsoft
 * interoperability is best effort and untested):
 *  - option 17 carries one type byte, FO_DIGEST_TYPE_HMAC_SHA256 (2, the
 *    value Wireshark shows as "Microsoft-specific"; draft-12's 1 is
 *    HMAC-MD5, which we neither send nor accept), then the 32-byte digest;
 *  - it is the LAST option of the message (ISC requires trailing);
 *  - the digest is HMAC-SHA256(key, whole message), the 12-byte header
 *    with its final length included, with the 32 digest bytes taken as
 *    zero; the option's code, length and type byte are covered as sent.
 * Link with -lcrypto (OpenSSL libcrypto).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_DIGEST_H
#define FO_DIGEST_H

#include "fo_types.h"

#define FO_DIGEST_TYPE_HMAC_SHA256 2   /* type byte of option 17 */
#define FO_DIGEST_LEN 32               /* SHA-256 output */
#define FO_DIGEST_OPT_LEN (1 + FO_DIGEST_LEN)  /* option 17 value: type + digest */
#define FO_DIGEST_KEY_MAX 256          /* bytes of shared secret */
#define FO_DIGEST_MSG_MAX 2048         /* longest message digested (FO_WIRE_MAX) */

/* A shared secret. len == 0 is "no key" (never valid for compute). */
typedef struct fo_digest_key {
	size_t len;
	uint8_t key[FO_DIGEST_KEY_MAX];
} fo_digest_key;

/*
 * Copy `len` bytes of `secret` into *k. FO_ERR_INVAL: k or secret NULL,
 * len 0; FO_ERR_RANGE: len > FO_DIGEST_KEY_MAX (k untouched on error).
 */
fo_status fo_digest_key_set(fo_digest_key *k, const void *secret, size_t len);

/* Overwrite the key material (explicit_bzero-like; not optimised away). */
void fo_digest_key_clear(fo_digest_key *k);

/*
 * HMAC-SHA256 of msg[0..len) with the FO_DIGEST_LEN bytes at msg[off..]
 * taken as zero (they need not be zero in memory). FO_ERR_INVAL: NULL
 * argument, empty key, off + FO_DIGEST_LEN > len, or len >
 * FO_DIGEST_MSG_MAX. FO_ERR_NOMEM when libcrypto fails.
 */
fo_status fo_digest_compute(const fo_digest_key *k, const uint8_t *msg,
    size_t len, size_t off, uint8_t out[FO_DIGEST_LEN]);

/*
 * Check the digest stored at msg[off..off+32) against the one computed by
 * fo_digest_compute(). FO_OK when equal, FO_ERR_PROTO when not (compared
 * in constant time), other codes as for fo_digest_compute().
 */
fo_status fo_digest_verify(const fo_digest_key *k, const uint8_t *msg,
    size_t len, size_t off);

/* Constant-time equality of n bytes (time depends on n only). */
bool fo_digest_equal(const uint8_t *a, const uint8_t *b, size_t n);

#endif /* FO_DIGEST_H */
