/*
 * fo_replicate.c - failover-replicate's partner (fo_replicate.h): its copy,
 * the check of a received request, the signed request sent.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "fo_alloc.h"
#include "fo_engine_int.h"
#include "fo_http.h"
#include "fo_replicate_int.h"

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
	return fo_signed_verify(r->shared_secret, command, args_json, now,
	    FO_SIGNED_MAX_SKEW, err, errlen);
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
	st = fo_signed_request(p->secret[0] != '\0' ? p->secret : NULL, command, args_json,
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
