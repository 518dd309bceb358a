/*
 * fo_digest.c - HMAC-SHA256 message digest (option 17) with libcrypto.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "fo_digest.h"

fo_status
fo_digest_key_set(fo_digest_key *k, const void *secret, size_t len)
{
	if (k == NULL || secret == NULL || len == 0)
		return FO_ERR_INVAL;
	if (len > FO_DIGEST_KEY_MAX)
		return FO_ERR_RANGE;
	fo_digest_key_clear(k);
	memcpy(k->key, secret, len);
	k->len = len;
	return FO_OK;
}

void
fo_digest_key_clear(fo_digest_key *k)
{
	if (k == NULL)
		return;
	OPENSSL_cleanse(k->key, sizeof(k->key));
	k->len = 0;
}

fo_status
fo_digest_compute(const fo_digest_key *k, const uint8_t *msg, size_t len,
    size_t off, uint8_t out[FO_DIGEST_LEN])
{
	uint8_t copy[FO_DIGEST_MSG_MAX];
	unsigned int outlen = 0;
	fo_status st = FO_ERR_INVAL;

	if (k == NULL || msg == NULL || out == NULL || k->len == 0 ||
	    k->len > FO_DIGEST_KEY_MAX || len > FO_DIGEST_MSG_MAX ||
	    off > len || len - off < FO_DIGEST_LEN)
		goto done;
	memcpy(copy, msg, len);
	memset(copy + off, 0, FO_DIGEST_LEN);
	st = FO_ERR_NOMEM;
	if (HMAC(EVP_sha256(), k->key, (int)k->len, copy, len, out,
	    &outlen) == NULL || outlen != FO_DIGEST_LEN)
		goto done;
	st = FO_OK;
done:
	return st;
}

fo_status
fo_digest_verify(const fo_digest_key *k, const uint8_t *msg, size_t len,
    size_t off)
{
	uint8_t want[FO_DIGEST_LEN];
	fo_status st;

	st = fo_digest_compute(k, msg, len, off, want);
	if (st != FO_OK)
		return st;
	return fo_digest_equal(want, msg + off, FO_DIGEST_LEN) ? FO_OK :
	    FO_ERR_PROTO;
}

bool
fo_digest_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	if (n == 0)
		return true;
	return CRYPTO_memcmp(a, b, n) == 0;
}
