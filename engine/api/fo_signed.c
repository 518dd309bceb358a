/*
 * fo_signed.c - signed commands to the partner's control channel (fo_signed.h).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "fo_alloc.h"
#include "fo_canon.h"
#include "fo_digest.h"
#include "fo_signed.h"

static const char mac_label[] = "kea-failover-replicate\n";

/* HMAC-SHA256(secret, label command "\n" canon) as hex. */
static fo_status
mac_hex(const char *secret, const char *command, const char *canon,
    char hex[FO_SIGNED_DIGEST_HEX + 1])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[FO_DIGEST_LEN];
	unsigned int mdlen = 0;
	size_t n = strlen(mac_label) + strlen(command) + 1 + strlen(canon);
	char *msg = fo_malloc(n + 1);
	fo_status st = FO_ERR_NOMEM;

	if (msg == NULL)
		return FO_ERR_NOMEM;
	snprintf(msg, n + 1, "%s%s\n%s", mac_label, command, canon);
	if (HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)msg, n, md,
	    &mdlen) != NULL && mdlen == FO_DIGEST_LEN) {
		for (unsigned i = 0; i < FO_DIGEST_LEN; i++) {
			hex[2 * i] = digits[md[i] >> 4];
			hex[2 * i + 1] = digits[md[i] & 15];
		}
		hex[FO_SIGNED_DIGEST_HEX] = '\0';
		st = FO_OK;
	}
	fo_free(msg);
	OPENSSL_cleanse(md, sizeof(md));
	return st;
}

/* args_json parsed; FO_ERR_PROTO ("arguments: ...") unless it is an object. */
static fo_status
parse_args(const char *args_json, fo_jv **v, char *err, size_t errlen)
{
	char why[256] = "";
	fo_status st = fo_jv_parse(args_json, strlen(args_json), v, why, sizeof(why));

	if (st == FO_ERR_PROTO)
		fo_errf(err, errlen, "arguments: not JSON: %s", why);
	if (st == FO_OK && fo_jv_type_of(*v) != FO_JV_OBJECT) {
		fo_jv_free(*v);
		*v = NULL;
		fo_errf(err, errlen, "arguments: must be a map");
		st = FO_ERR_PROTO;
	}
	return st;
}

fo_status
fo_signed_digest(const char *secret, const char *command, const char *args_json,
    char hex[FO_SIGNED_DIGEST_HEX + 1], char *err, size_t errlen)
{
	fo_jv *v = NULL;
	char *canon = NULL;
	fo_status st;

	if (secret == NULL || secret[0] == '\0' || command == NULL || args_json == NULL ||
	    hex == NULL)
		return FO_ERR_INVAL;
	if ((st = parse_args(args_json, &v, err, errlen)) != FO_OK)
		return st;
	if ((st = fo_jv_canon(v, "digest", &canon)) == FO_OK)
		st = mac_hex(secret, command, canon, hex);
	fo_free(canon);
	fo_jv_free(v);
	return st;
}

fo_status
fo_signed_verify(const char *secret, const char *command, const char *args_json,
    fo_wall now, int64_t max_skew, char *err, size_t errlen)
{
	char want[FO_SIGNED_DIGEST_HEX + 1];
	const char *got;
	size_t got_len = 0;
	fo_jv *v = NULL;
	char *canon = NULL;
	int64_t t, off;
	fo_status st;

	if (secret == NULL || secret[0] == '\0' || command == NULL || args_json == NULL)
		return FO_ERR_INVAL;
	if ((st = parse_args(args_json, &v, err, errlen)) != FO_OK)
		return st;
	if ((got = fo_jv_string(fo_jv_get(v, "digest"), &got_len)) == NULL) {
		fo_errf(err, errlen, "digest: %s", fo_jv_get(v, "digest") == NULL ? "missing "
		    "(enable-auth is on for this relationship)" : "must be a string");
		st = FO_ERR_PROTO;
		goto done;
	}
	if (!fo_jv_int(fo_jv_get(v, "time"), &t)) {
		fo_errf(err, errlen, "time: %s", fo_jv_get(v, "time") == NULL ? "missing (the "
		    "sender's clock, Unix seconds)" : "must be an integer (Unix seconds)");
		st = FO_ERR_RANGE;
		goto done;
	}
	if ((st = fo_jv_canon(v, "digest", &canon)) != FO_OK ||
	    (st = mac_hex(secret, command, canon, want)) != FO_OK)
		goto done;
	if (got_len != FO_SIGNED_DIGEST_HEX ||
	    !fo_digest_equal((const uint8_t *)got, (const uint8_t *)want, FO_SIGNED_DIGEST_HEX)) {
		fo_errf(err, errlen, "digest: wrong (the relationship's shared secrets differ, "
		    "or the request was changed on the way)");
		st = FO_ERR_PROTO;
		goto done;
	}
	off = t > now.sec ? t - now.sec : now.sec - t;
	if (off > max_skew) {
		fo_errf(err, errlen, "time: %lld s away from this server's clock (more than %lld "
		    "s: a replayed request, or the clocks differ)", (long long)off,
		    (long long)max_skew);
		st = FO_ERR_RANGE;
	}
done:
	OPENSSL_cleanse(want, sizeof(want));
	fo_free(canon);
	fo_jv_free(v);
	return st;
}

/* "{" member "," rest-of-object (or "{" member "}" for an empty object). */
static char *
with_member(const char *obj, const char *member)
{
	const char *p = obj + strspn(obj, " \t\r\n") + 1;   /* after '{' */
	const char *q = p + strspn(p, " \t\r\n");
	size_t n = strlen(member) + strlen(p) + 4;
	char *out = fo_malloc(n);

	if (out != NULL)
		snprintf(out, n, "{%s%s%s", member, *q == '}' ? "" : ",", p);
	return out;
}

fo_status
fo_signed_request(const char *secret, const char *command, const char *args_json,
    fo_wall now, char **out, char *err, size_t errlen)
{
	char member[FO_SIGNED_DIGEST_HEX + 32];
	char *timed = NULL, *signed_args = NULL;
	fo_jv *v = NULL;
	fo_status st;
	size_t n;

	if (command == NULL || args_json == NULL || out == NULL)
		return FO_ERR_INVAL;
	*out = NULL;
	if ((st = parse_args(args_json, &v, err, errlen)) != FO_OK)
		return st;
	fo_jv_free(v);
	snprintf(member, sizeof(member), "\"time\":%lld", (long long)now.sec);
	if ((timed = with_member(args_json, member)) == NULL)
		return FO_ERR_NOMEM;
	if (secret != NULL) {
		char hex[FO_SIGNED_DIGEST_HEX + 1];

		if ((st = fo_signed_digest(secret, command, timed, hex, err, errlen)) != FO_OK)
			goto done;
		snprintf(member, sizeof(member), "\"digest\":\"%s\"", hex);
		if ((signed_args = with_member(timed, member)) == NULL) {
			st = FO_ERR_NOMEM;
			goto done;
		}
	}
	n = strlen(command) + strlen(signed_args != NULL ? signed_args : timed) + 64;
	if ((*out = fo_malloc(n)) == NULL) {
		st = FO_ERR_NOMEM;
		goto done;
	}
	snprintf(*out, n, "{\"command\":\"%s\",\"service\":[\"dhcp4\"],\"arguments\":%s}",
	    command, signed_args != NULL ? signed_args : timed);
done:
	fo_free(timed);
	fo_free(signed_args);
	return st;
}
