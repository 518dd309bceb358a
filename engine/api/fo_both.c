/*
 * fo_both.c - changes of a relationship on both partners (fo_both.h): the
 * dry run and the partner's arguments on Kea's main thread, the exchange
 * with the partner on a thread of its own (driving core/fo_both_tx.h), the
 * commit here back on Kea's main thread (fo_engine_both_commit); the
 * requests signed under enable-auth (fo_signed.h), and the partner's check
 * of one it receives (fo_engine_both_check).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "fo_admin_int.h"
#include "fo_alloc.h"
#include "fo_both.h"
#include "fo_both_tx.h"
#include "fo_canon.h"
#include "fo_engine_int.h"
#include "fo_json.h"
#include "fo_log.h"
#include "fo_mirror.h"
#include "fo_replicate_int.h"
#include "fo_sbuf.h"
#include "fo_signed.h"
#include "fo_thread.h"

typedef struct change {
	uint64_t id;                    /* 0: a free slot */
	fo_admin_op op;
	char name[FO_NAME_MAX + 1];
	/* The request, owned, for the commit here. */
	fo_kv *kv;
	size_t n;
	fo_ip4 *scopes;
	size_t n_scopes;
	fo_repl_peer peer;              /* its secret signs the change */
	char undo_secret[FO_SECRET_MAX + 1];    /* signs the undo; "" unsigned */
	char *args, *undo_args;         /* the partner's arguments; may hold the secret */
	/* Published under the lock. */
	fo_both_tx tx;
	bool local_due, local_done, finished;
	fo_both_tx_event local_ev;
	char partner[768], local[1024], undo[768];
} change;

struct fo_both {
	fo_thread t;                    /* its lock guards what is published */
	change ch[FO_BOTH_KEPT];
	uint64_t next_id;
	change *queued;
	fo_host host;
};

static void
change_clear(change *c)
{
	for (size_t i = 0; c->kv != NULL && i < c->n; i++) {
		fo_free((char *)c->kv[i].key);
		fo_free_secret((char *)c->kv[i].json);
	}
	fo_free(c->kv);
	fo_free(c->scopes);
	fo_free_secret(c->args);
	fo_free_secret(c->undo_args);
	fo_repl_peer_clear(&c->peer);
	OPENSSL_cleanse(c->undo_secret, sizeof(c->undo_secret));
	memset(c, 0, sizeof(*c));
}

/* ---- The exchange (the thread) ------------------------------------------- */

/* The command that undoes op on the partner. */
static fo_admin_op
undo_op(fo_admin_op op)
{
	switch (op) {
	case FO_ADMIN_ADD: return FO_ADMIN_REMOVE;
	case FO_ADMIN_REMOVE: return FO_ADMIN_ADD;
	case FO_ADMIN_SCOPE_ADD: return FO_ADMIN_SCOPE_REMOVE;
	case FO_ADMIN_SCOPE_REMOVE: return FO_ADMIN_SCOPE_ADD;
	case FO_ADMIN_SET: break;
	}
	return FO_ADMIN_SET;
}

/*
 * The whole command of the change (or its undo): its arguments with "time"
 * now and, when it has a secret, "digest" (fo_signed.h). NULL: out says why.
 */
static char *
signed_body(const change *c, bool undo, char *out, size_t outlen)
{
	const char *args = undo ? c->undo_args : c->args;
	const char *secret = undo ? c->undo_secret : c->peer.secret;
	char *body = NULL;

	if (args == NULL) {
		fo_errf(out, outlen, "no undo can be made (this server's local-address is not set)");
		return NULL;
	}
	if (fo_signed_request(secret[0] != '\0' ? secret : NULL,
	    fo_admin_op_command(undo ? undo_op(c->op) : c->op), args, fo_wall_at(time(NULL)),
	    &body, out, outlen) != FO_OK && out[0] == '\0')
		fo_errf(out, outlen, "the request could not be made (out of memory)");
	return body;
}

/* The partner's answer to the change or its undo: OK, REFUSED or NO_ANSWER; its text in out. */
static fo_both_tx_event
send_to_partner(const change *c, bool undo, char *out, size_t outlen)
{
	char *answer = NULL, *body = signed_body(c, undo, out, outlen);
	fo_jv *v = NULL;
	const fo_jv *e;
	const char *text;
	int64_t r = -1;
	fo_both_tx_event ev = FO_BT_EV_NO_ANSWER;
	bool sent = false;
	fo_status st;

	if (body == NULL)
		return FO_BT_EV_REFUSED;
	st = fo_repl_peer_post(&c->peer, body, FO_BOTH_TX_TIMEOUT_MS, &answer, &sent, out,
	    outlen);
	fo_free_secret(body);
	if (st != FO_OK)
		return sent ? FO_BT_EV_NO_ANSWER : FO_BT_EV_NOT_SENT;
	(void)fo_jv_parse(answer, strlen(answer), &v, NULL, 0);
	e = fo_jv_type_of(v) == FO_JV_ARRAY ? fo_jv_at(v, 0, NULL, NULL) : v;
	if (fo_jv_int(fo_jv_get(e, "result"), &r)) {
		text = fo_jv_string(fo_jv_get(e, "text"), NULL);
		fo_errf(out, outlen, "%s", text != NULL ? text : "(no text)");
		ev = r == 0 ? FO_BT_EV_OK : FO_BT_EV_REFUSED;
	} else {
		fo_errf(out, outlen, "partner-control-url %s: no Kea answer: %.200s",
		    c->peer.url, answer);
	}
	fo_jv_free(v);
	fo_free(answer);
	return ev;
}

/* COMMIT_LOCAL: hand over to Kea's main thread, wait for its outcome. */
static fo_both_tx_event
wait_local(fo_both *b, change *c, const fo_both_tx *tx)
{
	fo_both_tx_event ev;

	pthread_mutex_lock(&b->t.mu);
	c->tx = *tx;
	c->local_due = true;
	while (!c->local_done && !b->t.stop)
		pthread_cond_wait(&b->t.cv, &b->t.mu);
	if (c->local_done) {
		ev = c->local_ev;
	} else {
		ev = FO_BT_EV_LOCAL_FAILED;
		fo_errf(c->local, sizeof(c->local), "the hook was unloaded before the change "
		    "was made here");
	}
	c->local_due = false;
	pthread_mutex_unlock(&b->t.mu);
	return ev;
}

static const char *
outcome_text(fo_both_tx_outcome o)
{
	switch (o) {
	case FO_BT_OUT_DONE: return "changed on both";
	case FO_BT_OUT_REFUSED: return "the partner refused it, nothing changed on either";
	case FO_BT_OUT_UNREACHABLE: return "the partner is unreachable, nothing changed on "
		    "either";
	case FO_BT_OUT_UNREACHABLE_UNDONE: return "the partner did not answer in time; it had "
		    "made the change and undid it, nothing changed on either";
	case FO_BT_OUT_UNREACHABLE_UNKNOWN: return "the partner is unreachable; nothing changed "
		    "here, but whether the partner made the change is unknown (its undo got no "
		    "answer either): check failover-get there";
	case FO_BT_OUT_LOCAL_FAILED: return "the partner made it but this server could not; "
		    "the partner undid it, nothing changed on either";
	case FO_BT_OUT_LOCAL_FAILED_NOT_UNDONE: return "the partner made it but this server "
		    "could not, and the partner's undo failed: the partner keeps the change "
		    "(failover-get there; local-only fixes either side)";
	case FO_BT_OUT_NONE: break;
	}
	return "running";
}

static void
log_outcome(fo_both *b, const change *c, const fo_both_tx *tx)
{
	fo_sbuf why = { 0 };
	char *t;

	if (tx->outcome == FO_BT_OUT_DONE) {
		fo_log(&b->host, FO_EVT_BOTH_CHANGED, FO_S(c->name),
		    FO_S(fo_admin_op_command(c->op)), FO_S(c->local));
		return;
	}
	fo_sbuf_cat(&why, outcome_text(tx->outcome));
	fo_sbuf_cat(&why, " (the partner: ");
	fo_sbuf_cat(&why, c->partner);
	if (c->local[0] != '\0') {
		fo_sbuf_cat(&why, "; here: ");
		fo_sbuf_cat(&why, c->local);
	}
	if (c->undo[0] != '\0') {
		fo_sbuf_cat(&why, "; the undo: ");
		fo_sbuf_cat(&why, c->undo);
	}
	fo_sbuf_cat(&why, ")");
	t = fo_sbuf_take(&why);
	fo_log(&b->host, FO_EVT_BOTH_FAILED, FO_S(c->name), FO_S(fo_admin_op_command(c->op)),
	    FO_S(t != NULL ? t : outcome_text(tx->outcome)));
	fo_free(t);
}

static void
run_change(fo_both *b, change *c)
{
	fo_both_tx tx;
	fo_both_tx_action act = fo_both_tx_start(&tx);
	fo_both_tx_event ev = FO_BT_EV_NO_ANSWER;
	char text[768];

	while (act != FO_BT_ACT_FINISH && act != FO_BT_ACT_NONE) {
		text[0] = '\0';
		if (act == FO_BT_ACT_COMMIT_LOCAL) {
			ev = wait_local(b, c, &tx);
		} else {
			ev = send_to_partner(c, act == FO_BT_ACT_SEND_UNDO, text, sizeof(text));
		}
		pthread_mutex_lock(&b->t.mu);
		if (act == FO_BT_ACT_SEND_CHANGE)
			snprintf(c->partner, sizeof(c->partner), "%s", text);
		else if (act == FO_BT_ACT_SEND_UNDO)
			snprintf(c->undo, sizeof(c->undo), "%s", text);
		act = fo_both_tx_step(&tx, ev);
		if (act != FO_BT_ACT_FINISH)    /* the last state goes out with finished */
			c->tx = tx;
		pthread_mutex_unlock(&b->t.mu);
	}
	log_outcome(b, c, &tx);
	pthread_mutex_lock(&b->t.mu);
	c->tx = tx;
	c->finished = true;
	fo_repl_peer_clear(&c->peer);
	pthread_mutex_unlock(&b->t.mu);
}

static void *
worker(void *arg)
{
	fo_both *b = arg;
	change *c;

	fo_thread_name("fo-both");
	pthread_mutex_lock(&b->t.mu);
	for (;;) {
		while (!b->t.stop && b->queued == NULL)
			pthread_cond_wait(&b->t.cv, &b->t.mu);
		if (b->queued == NULL)
			break;
		c = b->queued;
		b->queued = NULL;
		pthread_mutex_unlock(&b->t.mu);
		run_change(b, c);
		pthread_mutex_lock(&b->t.mu);
	}
	pthread_mutex_unlock(&b->t.mu);
	return NULL;
}

fo_status
fo_both_create(fo_both **out, const fo_host *host)
{
	fo_both *b;

	if (out == NULL)
		return FO_ERR_INVAL;
	if ((*out = b = fo_calloc(1, sizeof(*b))) == NULL)
		return FO_ERR_NOMEM;
	if (host != NULL)
		b->host = *host;
	if (fo_thread_start(&b->t, worker, b) != FO_OK) {
		fo_free(b);
		*out = NULL;
		return FO_ERR_IO;
	}
	return FO_OK;
}

void
fo_both_destroy(fo_both *b)
{
	if (b == NULL)
		return;
	fo_thread_stop(&b->t);
	for (size_t i = 0; i < FO_BOTH_KEPT; i++)
		change_clear(&b->ch[i]);
	fo_free(b);
}

/* ---- Kea's main thread ----------------------------------------------------- */

/* The running change, or NULL; under the lock. */
static change *
running(fo_both *b)
{
	for (size_t i = 0; i < FO_BOTH_KEPT; i++)
		if (b->ch[i].id != 0 && !b->ch[i].finished)
			return &b->ch[i];
	return NULL;
}

bool
fo_both_due(fo_both *b)
{
	const change *c;
	bool due;

	if (b == NULL)
		return false;
	pthread_mutex_lock(&b->t.mu);
	c = running(b);
	due = c != NULL && c->local_due && !c->local_done;
	pthread_mutex_unlock(&b->t.mu);
	return due;
}

void
fo_engine_both_commit(fo_engine *eng, fo_both *b, fo_wall now)
{
	change *c;
	fo_admin_req req;
	char msg[1024] = "";
	fo_status st;

	if (b == NULL)
		return;
	pthread_mutex_lock(&b->t.mu);
	c = running(b);
	if (c == NULL || !c->local_due || c->local_done) {
		pthread_mutex_unlock(&b->t.mu);
		return;
	}
	req = (fo_admin_req){ c->op, c->name, c->kv, c->n, c->scopes, c->n_scopes, NULL, 0,
	    false };
	pthread_mutex_unlock(&b->t.mu);
	/* The thread waits: the request is not touched meanwhile. */
	st = fo_admin_apply(eng, &req, now, NULL, msg, sizeof(msg));
	pthread_mutex_lock(&b->t.mu);
	snprintf(c->local, sizeof(c->local), "%s", msg[0] != '\0' ? msg : fo_status_name(st));
	c->local_ev = st == FO_OK ? FO_BT_EV_LOCAL_OK : FO_BT_EV_LOCAL_FAILED;
	c->local_done = true;
	pthread_cond_broadcast(&b->t.cv);
	pthread_mutex_unlock(&b->t.mu);
}

bool
fo_both_busy(fo_both *b, const char *name, char *msg, size_t msglen)
{
	const change *c;
	bool busy = false;

	if (b == NULL)
		return false;
	pthread_mutex_lock(&b->t.mu);
	c = running(b);
	if (c != NULL && (name == NULL || strcmp(c->name, name) == 0)) {
		busy = true;
		fo_errf(msg, msglen, "change %llu of relationship '%s' (%s on both partners) is "
		    "running; failover-change-status {\"id\": %llu} tells when it is done",
		    (unsigned long long)c->id, c->name, fo_admin_op_command(c->op),
		    (unsigned long long)c->id);
	}
	pthread_mutex_unlock(&b->t.mu);
	return busy;
}

/* ---- Starting a change (Kea's main thread) ------------------------------- */

static char *
scope_args(const char *name, const fo_ip4 *scopes, size_t n)
{
	fo_json j;
	char dq[16], *out = NULL;

	fo_json_init(&j);
	fo_json_obj_begin(&j);
	fo_json_kv_str(&j, "name", name);
	fo_json_key(&j, "scope-id");
	fo_json_arr_begin(&j);
	for (size_t k = 0; k < n; k++) {
		fo_ip4_str(scopes[k], dq, sizeof(dq));
		fo_json_str(&j, dq);
	}
	fo_json_arr_end(&j);
	fo_json_kv_bool(&j, "local-only", true);
	fo_json_obj_end(&j);
	if (fo_json_finish(&j, &out) != FO_OK)
		out = NULL;
	fo_json_free(&j);
	return out;
}

/* The members kv (and the text tail, may be NULL) added to the JSON object *args. */
static fo_status
add_members(char **args, const fo_kv *kv, size_t n, const char *tail)
{
	fo_sbuf b = { 0 };

	fo_sbuf_add(&b, *args, strlen(*args) - 1);      /* without its closing brace */
	for (size_t i = 0; i < n; i++) {
		fo_sbuf_cat(&b, ",");
		fo_sbuf_json_text(&b, kv[i].key, strlen(kv[i].key), 0);
		fo_sbuf_cat(&b, ":");
		fo_sbuf_cat(&b, kv[i].json);
	}
	if (tail != NULL)
		fo_sbuf_cat(&b, tail);
	fo_sbuf_cat(&b, "}");
	fo_free_secret(*args);
	if ((*args = fo_sbuf_take(&b)) == NULL)
		return FO_ERR_NOMEM;
	return FO_OK;
}

/*
 * The partner's arguments (*args; NULL: nothing changes there) and those of
 * the undo (*undo; NULL: none can be made).
 */
static fo_status
partner_args(const fo_admin_req *req, const fo_relationship *before,
    const fo_relationship *after, char **args, char **undo, char *msg, size_t msglen)
{
	char *name_only = NULL;
	fo_status st = FO_OK;

	*args = *undo = NULL;
	switch (req->op) {
	case FO_ADMIN_SCOPE_ADD:
	case FO_ADMIN_SCOPE_REMOVE:
		*args = scope_args(req->name, req->scopes, req->n_scopes);
		*undo = scope_args(req->name, req->scopes, req->n_scopes);
		return *args != NULL && *undo != NULL ? FO_OK : FO_ERR_NOMEM;
	case FO_ADMIN_ADD:
		if ((st = fo_mirror_args(NULL, after, args, msg, msglen)) == FO_OK)
			st = fo_mirror_args(after, NULL, undo, msg, msglen);
		return st;
	case FO_ADMIN_REMOVE:
		if ((st = fo_mirror_args(before, NULL, args, msg, msglen)) == FO_OK &&
		    fo_mirror_args(NULL, before, undo, NULL, 0) == FO_ERR_NOMEM)
			st = FO_ERR_NOMEM;
		if (st == FO_OK && *undo != NULL)
			st = add_members(undo, NULL, 0, ",\"restore-state\":true");
		return st;
	case FO_ADMIN_SET:
		if ((st = fo_mirror_args(before, after, args, msg, msglen)) == FO_OK &&
		    (st = fo_mirror_args(after, before, undo, msg, msglen)) == FO_OK &&
		    (st = fo_mirror_args(before, NULL, &name_only, msg, msglen)) == FO_OK &&
		    strcmp(*args, name_only) == 0) {
			fo_free_secret(*args);       /* only this server's own leaves change */
			*args = NULL;
		}
		fo_free(name_only);
		return st;
	}
	return FO_ERR_INVAL;
}

/* The partner's own leaves (FO_MR_LOCAL) added to its arguments *args. */
static fo_status
add_own(char **args, const fo_kv *kv, size_t n, char *msg, size_t msglen)
{
	for (size_t i = 0; i < n; i++) {
		const fo_mirror_rule *m = fo_mirror_rule_of(kv[i].key);

		if (m == NULL || m->how != FO_MR_LOCAL) {
			fo_errf(msg, msglen, "partner-side/%s: not one of the partner's own leaves "
			    "(server-name, partner-control-*); the partner's %s follows this "
			    "server's", kv[i].key, kv[i].key);
			return FO_ERR_CONFIG;
		}
	}
	return add_members(args, kv, n, NULL);
}

/* r's shared secret into out when it has enable-auth, else "". */
static void
secret_of(const fo_relationship *r, char out[FO_SECRET_MAX + 1])
{
	snprintf(out, FO_SECRET_MAX + 1, "%s", r != NULL && r->enable_auth ? r->shared_secret :
	    "");
}

/* The relationship of set `dry` that `cur` has not (failover-add's). */
static const fo_relationship *
added(const fo_relationship_set *cur, const fo_relationship_set *dry)
{
	for (size_t i = 0; i < dry->n; i++)
		if (fo_relationship_set_find(cur, dry->rel[i].name) == NULL)
			return &dry->rel[i];
	return NULL;
}

/* Make the change here only, now; msg says why only here. */
static fo_status
local_now(fo_engine *eng, const fo_admin_req *req, fo_wall now, const char *why, char *msg,
    size_t msglen)
{
	fo_status st = fo_admin_apply(eng, req, now, NULL, msg, msglen);
	size_t k = msg != NULL ? strlen(msg) : 0;

	if (st == FO_OK && msg != NULL && k < msglen)
		snprintf(msg + k, msglen - k, " (this server only: %s)", why);
	return st;
}

/* The change's own copy of the request. */
static fo_status
copy_request(change *c, const fo_admin_req *req)
{
	c->op = req->op;
	snprintf(c->name, sizeof(c->name), "%s", req->name != NULL ? req->name : "");
	if (req->n > 0 && (c->kv = fo_calloc(req->n, sizeof(*c->kv))) == NULL)
		return FO_ERR_NOMEM;
	for (size_t i = 0; i < req->n; i++, c->n++)
		if ((c->kv[i].key = fo_strdup(req->kv[i].key)) == NULL ||
		    (c->kv[i].json = fo_strdup(req->kv[i].json)) == NULL)
			return FO_ERR_NOMEM;
	if (req->n_scopes > 0) {
		if ((c->scopes = fo_calloc(req->n_scopes, sizeof(*c->scopes))) == NULL)
			return FO_ERR_NOMEM;
		memcpy(c->scopes, req->scopes, req->n_scopes * sizeof(*c->scopes));
		c->n_scopes = req->n_scopes;
	}
	return FO_OK;
}

/* Fill c from the dry run; FO_OK with c->body NULL: nothing to send. */
static fo_status
plan(fo_engine *eng, const fo_admin_req *req, const fo_relationship_set *dry, change *c,
    const char **local_why, char *msg, size_t msglen)
{
	const fo_relationship_set *cur = fo_engine_set_of(eng);
	const fo_relationship *before = NULL, *after = NULL, *chan;
	char *args = NULL, *undo = NULL;
	fo_status st;

	if (req->op != FO_ADMIN_ADD)
		before = fo_relationship_set_find(cur, req->name);
	after = req->op == FO_ADMIN_ADD ? added(cur, dry) : req->op == FO_ADMIN_REMOVE ? NULL :
	    fo_relationship_set_find(dry, req->name);
	chan = req->op == FO_ADMIN_ADD ? after : before;
	if (chan == NULL || (after == NULL && req->op != FO_ADMIN_REMOVE))
		return FO_ERR_INVAL;
	if (req->n_partner > 0 && req->op != FO_ADMIN_ADD) {
		fo_errf(msg, msglen, "partner-side: only with failover-add");
		return FO_ERR_CONFIG;
	}
	if (chan->partner_control_url[0] == '\0' && req->n_partner > 0) {
		fo_errf(msg, msglen, "partner-side: relationship '%s' has no partner-control-url, "
		    "nothing is sent to the partner", chan->name);
		return FO_ERR_CONFIG;
	}
	if (chan->partner_control_url[0] == '\0') {
		*local_why = "the relationship has no partner-control-url";
		return FO_OK;
	}
	if ((st = partner_args(req, before, after, &args, &undo, msg, msglen)) != FO_OK ||
	    (req->n_partner > 0 && (st = add_own(&args, req->partner, req->n_partner, msg,
	    msglen)) != FO_OK))
		goto done;
	if (args == NULL) {
		*local_why = "no leaf the partner has changes";
		goto done;
	}
	if ((st = copy_request(c, req)) != FO_OK)
		goto done;
	if (req->op == FO_ADMIN_ADD)
		snprintf(c->name, sizeof(c->name), "%s", after->name);
	/* Signed with the secret the partner holds before the change; the undo, after it. */
	if ((st = fo_repl_peer_from(chan, &c->peer, msg, msglen)) != FO_OK)
		goto done;
	secret_of(req->op == FO_ADMIN_REMOVE ? before : after, c->undo_secret);
	c->args = args;
	c->undo_args = undo;
	args = undo = NULL;
done:
	fo_free_secret(args);
	fo_free_secret(undo);
	return st;
}

fo_status
fo_engine_both_start(fo_engine *eng, fo_both *b, const fo_admin_req *req, fo_wall now,
    uint64_t *id, char *msg, size_t msglen)
{
	fo_relationship_set dry = { 0 };
	change c = { 0 };
	const char *local_why = NULL;
	fo_status st;

	if (eng == NULL || b == NULL || req == NULL || id == NULL)
		return FO_ERR_INVAL;
	*id = 0;
	if (fo_both_busy(b, NULL, msg, msglen))
		return FO_ERR_STATE;
	if ((st = fo_admin_apply(eng, req, now, &dry, msg, msglen)) != FO_OK)
		return st;
	st = plan(eng, req, &dry, &c, &local_why, msg, msglen);
	fo_relationship_set_clear(&dry);
	if (st == FO_OK && local_why != NULL)
		st = local_now(eng, req, now, local_why, msg, msglen);
	if (st != FO_OK || local_why != NULL) {
		change_clear(&c);
		return st;
	}
	pthread_mutex_lock(&b->t.mu);
	c.id = ++b->next_id;
	change_clear(&b->ch[c.id % FO_BOTH_KEPT]);
	b->ch[c.id % FO_BOTH_KEPT] = c;
	b->queued = &b->ch[c.id % FO_BOTH_KEPT];
	*id = c.id;
	pthread_cond_broadcast(&b->t.cv);
	pthread_mutex_unlock(&b->t.mu);
	fo_errf(msg, msglen, "change %llu: %s of relationship '%s' sent to the partner (%s); "
	    "failover-change-status {\"id\": %llu} tells its outcome", (unsigned long long)*id,
	    fo_admin_op_command(req->op), c.name, c.peer.url, (unsigned long long)*id);
	return FO_OK;
}

/* ---- The partner's side: a request received -------------------------------- */

fo_status
fo_engine_both_check(fo_engine *eng, const fo_admin_req *req, const char *args_json,
    fo_wall now, char *msg, size_t msglen)
{
	fo_relationship_set dry = { 0 };
	const fo_relationship *r;
	char why[256];
	fo_status st = FO_OK;

	if (eng == NULL || req == NULL || args_json == NULL)
		return FO_ERR_INVAL;
	if (req->op != FO_ADMIN_ADD)
		r = fo_relationship_set_find(fo_engine_set_of(eng), req->name);
	else if (fo_admin_apply(eng, req, now, &dry, why, sizeof(why)) == FO_OK)
		r = added(fo_engine_set_of(eng), &dry);
	else
		r = NULL;               /* the change itself refuses it */
	if (r != NULL && r->enable_auth && r->shared_secret[0] != '\0')
		st = fo_signed_verify(r->shared_secret, fo_admin_op_command(req->op), args_json,
		    now, FO_SIGNED_MAX_SKEW, msg, msglen);
	if (st != FO_OK)
		fo_log(fo_engine_host(eng), FO_EVT_BOTH_PARTNER_REFUSED, FO_S(r->name),
		    FO_S(fo_admin_op_command(req->op)), FO_S(msg != NULL ? msg : ""));
	fo_relationship_set_clear(&dry);
	return st;
}

/* ---- Status ---------------------------------------------------------------- */

fo_status
fo_both_status(fo_both *b, uint64_t id, int *result, char **text, char **args_json)
{
	const change *c;
	fo_json j;
	const char *status;
	char line[2048];

	if (b == NULL || result == NULL || text == NULL || args_json == NULL)
		return FO_ERR_INVAL;
	*text = *args_json = NULL;
	pthread_mutex_lock(&b->t.mu);
	c = &b->ch[id % FO_BOTH_KEPT];
	if (id == 0 || c->id != id) {
		pthread_mutex_unlock(&b->t.mu);
		return FO_ERR_NOTFOUND;
	}
	status = fo_both_tx_state_name(c->tx.state);
	fo_json_init(&j);
	fo_json_obj_begin(&j);
	fo_json_kv_uint(&j, "id", id);
	fo_json_kv_str(&j, "command", fo_admin_op_command(c->op));
	fo_json_kv_str(&j, "relationship", c->name);
	fo_json_kv_str(&j, "status", status);
	fo_json_key(&j, "changed");
	if (c->finished && c->tx.outcome == FO_BT_OUT_DONE)
		fo_json_bool(&j, true);
	else if (c->finished && fo_both_tx_nothing_changed(c->tx.outcome))
		fo_json_bool(&j, false);
	else
		fo_json_str(&j, NULL);
	fo_json_kv_str(&j, "partner", c->partner);
	fo_json_kv_str(&j, "local", c->local);
	fo_json_kv_str(&j, "undo", c->undo);
	fo_json_obj_end(&j);
	if (c->finished)
		snprintf(line, sizeof(line), "change %llu (%s of relationship '%s'): %s%s%s",
		    (unsigned long long)id, fo_admin_op_command(c->op), c->name,
		    outcome_text(c->tx.outcome), c->tx.outcome == FO_BT_OUT_DONE ? "" :
		    "; the partner answered: ", c->tx.outcome == FO_BT_OUT_DONE ? "" : c->partner);
	else
		snprintf(line, sizeof(line), "change %llu (%s of relationship '%s'): %s",
		    (unsigned long long)id, fo_admin_op_command(c->op), c->name, status);
	*result = c->finished && c->tx.state == FO_BT_FAILED ? 1 : 0;
	pthread_mutex_unlock(&b->t.mu);
	if (fo_json_finish(&j, args_json) != FO_OK || (*text = fo_strdup(line)) == NULL) {
		fo_json_free(&j);
		fo_free(*args_json);
		*args_json = NULL;
		return FO_ERR_NOMEM;
	}
	fo_json_free(&j);
	return FO_OK;
}
