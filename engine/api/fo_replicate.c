/*
 * fo_replicate.c - digests and requests of failover-replicate (fo_replicate.h).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "fo_alloc.h"
#include "fo_engine_int.h"
#include "fo_canon.h"
#include "fo_digest.h"
#include "fo_http.h"
#include "fo_replicate_int.h"

static const char mac_label[] = "kea-failover-replicate\n";

/* HMAC-SHA256(secret, label command "\n" canon) as hex. */
static fo_status
mac_hex(const char *secret, const char *command, const char *canon,
    char hex[FO_REPLICATE_DIGEST_HEX + 1])
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
		hex[FO_REPLICATE_DIGEST_HEX] = '\0';
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
fo_replicate_digest(const char *secret, const char *command, const char *args_json,
    char hex[FO_REPLICATE_DIGEST_HEX + 1], char *err, size_t errlen)
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
fo_replicate_verify(const char *secret, const char *command, const char *args_json,
    fo_wall now, int64_t max_skew, char *err, size_t errlen)
{
	char want[FO_REPLICATE_DIGEST_HEX + 1];
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
	if (got_len != FO_REPLICATE_DIGEST_HEX ||
	    !fo_digest_equal((const uint8_t *)got, (const uint8_t *)want, FO_REPLICATE_DIGEST_HEX)) {
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
fo_replicate_request(const char *secret, const char *command, const char *args_json,
    fo_wall now, char **out, char *err, size_t errlen)
{
	char member[FO_REPLICATE_DIGEST_HEX + 32];
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
		char hex[FO_REPLICATE_DIGEST_HEX + 1];

		if ((st = fo_replicate_digest(secret, command, timed, hex, err, errlen)) != FO_OK)
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

/* ---- With the engine ---- */

static const fo_relationship *
find_rel(fo_engine *eng, const char *name, char *err, size_t errlen)
{
	const fo_relationship *r = eng != NULL && name != NULL ?
	    fo_relationship_set_find(fo_engine_set_of(eng), name) : NULL;

	if (r == NULL)
		fo_errf(err, errlen, "no failover relationship named '%s'", name ? name : "");
	return r;
}

fo_status
fo_engine_replicate_target(fo_engine *eng, const char *name, fo_replicate_target *out,
    char *err, size_t errlen)
{
	const fo_relationship *r = find_rel(eng, name, err, errlen);

	if (out == NULL)
		return FO_ERR_INVAL;
	memset(out, 0, sizeof(*out));
	if (r == NULL)
		return FO_ERR_NOTFOUND;
	snprintf(out->url, sizeof(out->url), "%s", r->partner_control_url);
	snprintf(out->user, sizeof(out->user), "%s", r->partner_control_user);
	out->enable_auth = r->enable_auth;
	return FO_OK;
}

fo_status
fo_engine_replicate_check(fo_engine *eng, const char *name, const char *command,
    const char *args_json, fo_wall now, char *err, size_t errlen)
{
	const fo_relationship *r = find_rel(eng, name, err, errlen);

	if (r == NULL)
		return FO_ERR_NOTFOUND;
	if (!r->enable_auth || r->shared_secret[0] == '\0')
		return FO_OK;
	return fo_replicate_verify(r->shared_secret, command, args_json, now,
	    FO_REPLICATE_MAX_SKEW, err, errlen);
}

fo_status
fo_repl_peer_of(fo_engine *eng, const char *name, fo_repl_peer *out, char *err, size_t errlen)
{
	const fo_relationship *r = find_rel(eng, name, err, errlen);

	if (out == NULL)
		return FO_ERR_INVAL;
	memset(out, 0, sizeof(*out));
	if (r == NULL)
		return FO_ERR_NOTFOUND;
	return fo_repl_peer_from(r, out, err, errlen);
}

fo_status
fo_repl_peer_from(const fo_relationship *r, fo_repl_peer *out, char *err, size_t errlen)
{
	if (r == NULL || out == NULL)
		return FO_ERR_INVAL;
	memset(out, 0, sizeof(*out));
	if (r->partner_control_url[0] == '\0') {
		fo_errf(err, errlen, "partner-control-url: not set for relationship '%s' (the URL "
		    "of the partner's kea-ctrl-agent, e.g. http://10.0.0.2:8000/ or "
		    "https://10.0.0.2:8443/; failover-set "
		    "sets it)", r->name);
		return FO_ERR_CONFIG;
	}
	snprintf(out->name, sizeof(out->name), "%s", r->name);
	snprintf(out->url, sizeof(out->url), "%s", r->partner_control_url);
	snprintf(out->user, sizeof(out->user), "%s", r->partner_control_user);
	snprintf(out->password, sizeof(out->password), "%s", r->partner_control_password);
	snprintf(out->ca_file, sizeof(out->ca_file), "%s", r->partner_control_trust_anchor);
	snprintf(out->cert_file, sizeof(out->cert_file), "%s", r->partner_control_cert_file);
	snprintf(out->key_file, sizeof(out->key_file), "%s", r->partner_control_key_file);
	if (r->enable_auth)
		snprintf(out->secret, sizeof(out->secret), "%s", r->shared_secret);
	return FO_OK;
}

void
fo_repl_peer_clear(fo_repl_peer *p)
{
	OPENSSL_cleanse(p->password, sizeof(p->password));
	OPENSSL_cleanse(p->secret, sizeof(p->secret));
}

fo_status
fo_repl_peer_send(const fo_repl_peer *p, const char *command, const char *args_json,
    fo_wall now, int timeout_ms, char **answer, char *err, size_t errlen)
{
	char *body = NULL;
	fo_status st;

	if (answer == NULL)
		return FO_ERR_INVAL;
	*answer = NULL;
	st = fo_replicate_request(p->secret[0] != '\0' ? p->secret : NULL, command, args_json,
	    now, &body, err, errlen);
	if (st != FO_OK)
		return st;
	st = fo_repl_peer_post(p, body, timeout_ms, answer, NULL, err, errlen);
	fo_free(body);
	return st;
}

fo_status
fo_repl_peer_post(const fo_repl_peer *p, const char *body, int timeout_ms, char **answer,
    bool *sent, char *err, size_t errlen)
{
	fo_http_request req = { .timeout_ms = timeout_ms };
	fo_http_response resp;
	char why[512] = "";
	fo_status st;

	if (answer == NULL || body == NULL)
		return FO_ERR_INVAL;
	*answer = NULL;
	req.url = p->url;
	req.user = p->user;
	req.password = p->password;
	req.ca_file = p->ca_file;
	req.cert_file = p->cert_file;
	req.key_file = p->key_file;
	req.body = body;
	req.body_len = strlen(body);
	st = fo_http_post(&req, &resp, why, sizeof(why));
	if (sent != NULL)
		*sent = resp.sent;
	if (st != FO_OK) {
		fo_errf(err, errlen, "partner-control-url %s: %s", p->url, why);
		return st;
	}
	if (resp.status != 200) {
		fo_errf(err, errlen, "partner-control-url %s: the agent answered HTTP %d %s%s",
		    p->url, resp.status, resp.reason, resp.status == 401 ?
		    " (check partner-control-user and partner-control-password)" : "");
		fo_http_response_free(&resp);
		return FO_ERR_PROTO;
	}
	*answer = resp.body;
	return FO_OK;
}

fo_status
fo_engine_replicate_send(fo_engine *eng, const char *name, const char *command,
    const char *args_json, fo_wall now, int timeout_ms, char **answer, char *err,
    size_t errlen)
{
	fo_repl_peer *p = fo_calloc(1, sizeof(*p));
	fo_status st;

	if (answer == NULL || p == NULL) {
		fo_free(p);
		return answer == NULL ? FO_ERR_INVAL : FO_ERR_NOMEM;
	}
	*answer = NULL;
	if ((st = fo_repl_peer_of(eng, name, p, err, errlen)) == FO_OK)
		st = fo_repl_peer_send(p, command, args_json, now, timeout_ms, answer, err, errlen);
	fo_repl_peer_clear(p);
	fo_free(p);
	return st;
}
