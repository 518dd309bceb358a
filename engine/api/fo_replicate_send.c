/*
 * fo_replicate_send.c - failover-replicate's sending side on a thread of its
 * own (fo_replicate.h): the driver of the step function core/fo_repl_tx.h.
 * It sends what a step says (fo_repl_peer_send, blocking this thread only),
 * turns each answer into an event, sleeps the poll timer, and publishes the
 * outcome under the sender's lock. It reads the clock (the driver's part)
 * and never touches the engine: each group carries a copy of its partner.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fo_alloc.h"
#include "fo_canon.h"
#include "fo_http.h"
#include "fo_json.h"
#include "fo_log.h"
#include "fo_repl_tx.h"
#include "fo_replicate_int.h"
#include "fo_sbuf.h"
#include "fo_thread.h"

typedef struct grp {
	fo_repl_peer peer;
	char *apply_args;
	char *scopes;                   /* JSON list of dotted scope-ids */
	/* Published under the lock. */
	fo_repl_tx tx;
	char pid[128];                  /* the partner's id of the replication */
	char *changes;                  /* canonical JSON, or NULL */
	char *text;                     /* what happened, once finished */
} grp;

typedef struct job {
	uint64_t id;                    /* 0: a free slot */
	grp *g;
	size_t n, cur;
	bool finished;
} job;

struct fo_repl_sender {
	fo_thread t;                    /* its lock guards what is published */
	job jobs[FO_REPL_SEND_KEPT];
	uint64_t next_id;
	job *queued;                    /* started, not yet taken by the thread */
	fo_host host;                   /* its log only */
};

/* What the partner's agent answered (Kea's {"result", "text", "arguments"}). */
typedef struct answer {
	int result;
	char text[768];
	char id[128];
	char state[32];
	char detail[512];               /* arguments.text */
	char *changes;                  /* canonical JSON of arguments.changes, or NULL */
} answer;

static void
copy_member(const fo_jv *args, const char *key, char *out, size_t n)
{
	const char *v = fo_jv_string(fo_jv_get(args, key), NULL);

	snprintf(out, n, "%s", v != NULL ? v : "");
}

/* The agent's body as an answer; false (why in a->text) when it holds none. */
static bool
parse_answer(const char *body, answer *a)
{
	fo_jv *v = NULL;
	const fo_jv *e, *args;
	int64_t r = -1;
	char why[256] = "";

	if (fo_jv_parse(body, strlen(body), &v, why, sizeof(why)) != FO_OK)
		snprintf(why + strlen(why), sizeof(why) - strlen(why), " ");
	e = fo_jv_type_of(v) == FO_JV_ARRAY ? fo_jv_at(v, 0, NULL, NULL) : v;
	if (v == NULL || !fo_jv_int(fo_jv_get(e, "result"), &r)) {
		snprintf(a->text, sizeof(a->text), "the partner's agent answered with no Kea answer "
		    "(%s): %.200s", why[0] != '\0' ? why : "no result in it", body);
		fo_jv_free(v);
		return false;
	}
	a->result = (int)r;
	copy_member(e, "text", a->text, sizeof(a->text));
	args = fo_jv_get(e, "arguments");
	copy_member(args, "id", a->id, sizeof(a->id));
	copy_member(args, "state", a->state, sizeof(a->state));
	copy_member(args, "text", a->detail, sizeof(a->detail));
	if (fo_jv_get(args, "changes") != NULL &&
	    fo_jv_canon(fo_jv_get(args, "changes"), NULL, &a->changes) != FO_OK)
		a->changes = NULL;
	fo_jv_free(v);
	return true;
}

/* One request of the exchange; its answer as an event. */
static fo_repl_tx_event
exchange(grp *g, fo_repl_tx_action act, answer *a)
{
	const char *cmd = act == FO_TX_ACT_SEND_APPLY ? "failover-replicate-apply" :
	    act == FO_TX_ACT_SEND_COMMIT ? "failover-replicate-commit" : "failover-replicate-status";
	int timeout = act == FO_TX_ACT_SEND_STATUS ? FO_REPL_TX_STATUS_TIMEOUT_MS :
	    FO_REPL_TX_STEP_TIMEOUT_MS;
	char *args = NULL, *body = NULL;
	fo_repl_tx_event ev = FO_TX_EV_NO_ANSWER;
	fo_json j;

	memset(a, 0, sizeof(*a));
	fo_json_init(&j);
	fo_json_obj_begin(&j);
	fo_json_kv_str(&j, "relationship", g->peer.name);
	fo_json_kv_str(&j, "id", g->pid);
	fo_json_obj_end(&j);
	if (act != FO_TX_ACT_SEND_APPLY && fo_json_finish(&j, &args) != FO_OK) {
		snprintf(a->text, sizeof(a->text), "out of memory");
		return FO_TX_EV_NO_ANSWER;
	}
	fo_json_free(&j);
	if (fo_repl_peer_send(&g->peer, cmd, act == FO_TX_ACT_SEND_APPLY ? g->apply_args : args,
	    fo_wall_at(time(NULL)), timeout, &body, a->text, sizeof(a->text)) == FO_OK &&
	    parse_answer(body, a))
		ev = fo_repl_tx_classify(a->result, a->id[0] != '\0',
		    a->state[0] != '\0' ? a->state : NULL);
	fo_free(body);
	fo_free(args);
	return ev;
}

static const char *
or_q(const char *s)
{
	return s != NULL ? s : "?";
}

/* "10.0.0.0 changed (option-data, pools), 10.1.0.0 unchanged; client-classes added: [...]" */
static void
describe(const char *changes, fo_sbuf *b)
{
	fo_jv *v = NULL;
	const fo_jv *sc;
	static const char *const what[] = { "client-classes", "option-def" };
	static const char *const how[] = { "added", "changed" };

	if (changes == NULL || fo_jv_parse(changes, strlen(changes), &v, NULL, 0) != FO_OK)
		return;
	sc = fo_jv_get(v, "scopes");
	for (size_t i = 0; i < fo_jv_count(sc); i++) {
		const fo_jv *e = fo_jv_at(sc, i, NULL, NULL);
		const fo_jv *m = fo_jv_get(e, "members");

		fo_sbuf_cat(b, i > 0 ? ", " : "");
		fo_sbuf_cat(b, or_q(fo_jv_string(fo_jv_get(e, "scope-id"), NULL)));
		fo_sbuf_cat(b, " ");
		fo_sbuf_cat(b, or_q(fo_jv_string(fo_jv_get(e, "change"), NULL)));
		for (size_t k = 0; k < fo_jv_count(m); k++) {
			fo_sbuf_cat(b, k == 0 ? " (" : ", ");
			fo_sbuf_cat(b, or_q(fo_jv_string(fo_jv_at(m, k, NULL, NULL), NULL)));
			fo_sbuf_cat(b, k + 1 == fo_jv_count(m) ? ")" : "");
		}
	}
	for (size_t w = 0; w < 2; w++) {
		for (size_t h = 0; h < 2; h++) {
			const fo_jv *l = fo_jv_get(fo_jv_get(v, what[w]), how[h]);
			char *t = NULL;

			if (fo_jv_count(l) == 0 || fo_jv_canon(l, NULL, &t) != FO_OK)
				continue;
			fo_sbuf_cat(b, "; ");
			fo_sbuf_cat(b, what[w]);
			fo_sbuf_cat(b, " ");
			fo_sbuf_cat(b, how[h]);
			fo_sbuf_cat(b, ": ");
			fo_sbuf_cat(b, t);
			fo_free(t);
		}
	}
	fo_jv_free(v);
}

/* What happened to the group once it finished; logged. */
static char *
finished_text(fo_repl_sender *s, const grp *g, const char *last)
{
	fo_sbuf b = { 0 };
	char line[1024];

	switch (g->tx.outcome) {
	case FO_TX_OUT_APPLIED:
	case FO_TX_OUT_NOTHING:
		describe(g->changes, &b);
		fo_sbuf_cat(&b, "; applied by the partner");
		break;
	case FO_TX_OUT_REFUSED:
		fo_sbuf_cat(&b, "the partner refused it: ");
		break;
	case FO_TX_OUT_NOT_APPLIED:
		fo_sbuf_cat(&b, "the partner did not apply it: ");
		break;
	case FO_TX_OUT_PARTNER_FAILED:
		fo_sbuf_cat(&b, "the partner could not apply it: ");
		break;
	case FO_TX_OUT_NOT_COMMITTED:
		snprintf(line, sizeof(line), "the partner has no replication %s: the commit did "
		    "not reach it, nothing applied (last answer: ", g->pid);
		fo_sbuf_cat(&b, line);
		break;
	case FO_TX_OUT_NOT_CONFIRMED:
		snprintf(line, sizeof(line), "the partner checked and accepted the replication "
		    "(%s) but did not confirm within %d s that it applied it (last answer: ",
		    g->pid, FO_REPL_TX_APPLY_WAIT_MS / 1000);
		fo_sbuf_cat(&b, line);
		break;
	case FO_TX_OUT_BAD_ANSWER:
		fo_sbuf_cat(&b, "the partner's answer does not fit the request: ");
		break;
	case FO_TX_OUT_UNREACHABLE:
	case FO_TX_OUT_NONE:
		break;
	}
	if (g->tx.outcome != FO_TX_OUT_APPLIED && g->tx.outcome != FO_TX_OUT_NOTHING)
		fo_sbuf_cat(&b, last);
	if (g->tx.outcome == FO_TX_OUT_NOT_CONFIRMED) {
		fo_sbuf_cat(&b, "); failover-replicate-status on the partner tells");
	} else if (g->tx.outcome == FO_TX_OUT_NOT_COMMITTED) {
		fo_sbuf_cat(&b, ")");
	}
	if (b.s != NULL && g->tx.state == FO_TX_DONE) {
		fo_log(&s->host, FO_EVT_REPLICATE_SENT, FO_S(g->peer.name), FO_S(b.s));
	} else if (b.s != NULL) {
		snprintf(line, sizeof(line), "relationship '%s': %s", g->peer.name, b.s);
		fo_log(&s->host, FO_EVT_CALLOUT_ERROR, FO_S("failover-replicate"), FO_S(line));
	}
	return fo_sbuf_take(&b);
}

/* Sleep the poll timer; false when the sender stops meanwhile. */
static bool
sleep_poll(fo_repl_sender *s)
{
	struct timespec until;
	bool stop;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += (long)FO_REPL_TX_POLL_MS * 1000000L;
	until.tv_sec += until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&s->t.mu);
	while (!s->t.stop && pthread_cond_timedwait(&s->t.cv, &s->t.mu, &until) == 0)
		;
	stop = s->t.stop;
	pthread_mutex_unlock(&s->t.mu);
	return !stop;
}

/* One group's exchange, from apply to done or failed. */
static void
run_group(fo_repl_sender *s, grp *g)
{
	fo_repl_tx tx;
	fo_repl_tx_action act = fo_repl_tx_start(&tx);
	fo_repl_tx_event ev;
	answer a;
	char last[1024] = "none";
	int64_t now;

	while (act != FO_TX_ACT_FINISH) {
		memset(&a, 0, sizeof(a));
		now = fo_mono_now_ms();
		if (act == FO_TX_ACT_NONE) {            /* no step gives it here: end */
			tx.state = FO_TX_FAILED;
			tx.outcome = FO_TX_OUT_BAD_ANSWER;
			act = FO_TX_ACT_FINISH;
		} else if (act == FO_TX_ACT_ARM_TIMER) {
			if (!sleep_poll(s)) {           /* stopping: past every deadline */
				snprintf(last, sizeof(last), "the hook was unloaded");
				now = INT64_MAX;
			} else {
				now = fo_mono_now_ms();
			}
			act = fo_repl_tx_step(&tx, FO_TX_EV_TIMER, now);
		} else {
			ev = exchange(g, act, &a);
			snprintf(last, sizeof(last), "%s", a.detail[0] != '\0' &&
			    ev == FO_TX_EV_PARTNER_FAILED ? a.detail : a.text);
			act = fo_repl_tx_step(&tx, ev, fo_mono_now_ms());
		}
		pthread_mutex_lock(&s->t.mu);
		g->tx = tx;
		if (a.id[0] != '\0' && g->pid[0] == '\0')
			snprintf(g->pid, sizeof(g->pid), "%s", a.id);
		if (a.changes != NULL && g->changes == NULL) {
			g->changes = a.changes;
			a.changes = NULL;
		}
		pthread_mutex_unlock(&s->t.mu);
		fo_free(a.changes);
	}
	fo_repl_peer_clear(&g->peer);
	{
		char *text = finished_text(s, g, last);

		pthread_mutex_lock(&s->t.mu);
		g->text = text;
		pthread_mutex_unlock(&s->t.mu);
	}
}

static void *
worker(void *arg)
{
	fo_repl_sender *s = arg;
	job *jb;

	fo_thread_name("fo-replicate");
	pthread_mutex_lock(&s->t.mu);
	for (;;) {
		while (!s->t.stop && s->queued == NULL)
			pthread_cond_wait(&s->t.cv, &s->t.mu);
		if (s->t.stop)
			break;
		jb = s->queued;
		s->queued = NULL;
		pthread_mutex_unlock(&s->t.mu);
		for (size_t i = 0; i < jb->n; i++) {
			pthread_mutex_lock(&s->t.mu);
			jb->cur = i;
			pthread_mutex_unlock(&s->t.mu);
			run_group(s, &jb->g[i]);
		}
		pthread_mutex_lock(&s->t.mu);
		jb->finished = true;
	}
	pthread_mutex_unlock(&s->t.mu);
	return NULL;
}

static void
job_clear(job *jb)
{
	for (size_t i = 0; jb->g != NULL && i < jb->n; i++) {
		fo_repl_peer_clear(&jb->g[i].peer);
		fo_free(jb->g[i].apply_args);
		fo_free(jb->g[i].scopes);
		fo_free(jb->g[i].changes);
		fo_free(jb->g[i].text);
	}
	fo_free(jb->g);
	memset(jb, 0, sizeof(*jb));
}

fo_status
fo_repl_sender_create(fo_repl_sender **out, const fo_host *host)
{
	fo_repl_sender *s;

	if (out == NULL)
		return FO_ERR_INVAL;
	if ((*out = s = fo_calloc(1, sizeof(*s))) == NULL)
		return FO_ERR_NOMEM;
	if (host != NULL)
		s->host = *host;
	if (fo_thread_start(&s->t, worker, s) != FO_OK) {
		fo_free(s);
		*out = NULL;
		return FO_ERR_IO;
	}
	return FO_OK;
}

void
fo_repl_sender_destroy(fo_repl_sender *s)
{
	if (s == NULL)
		return;
	fo_thread_stop(&s->t);
	for (size_t i = 0; i < FO_REPL_SEND_KEPT; i++)
		job_clear(&s->jobs[i]);
	fo_free(s);
}

/* The running job (queued or being run), or NULL; under the lock. */
static const job *
running(const fo_repl_sender *s)
{
	for (size_t i = 0; i < FO_REPL_SEND_KEPT; i++)
		if (s->jobs[i].id != 0 && !s->jobs[i].finished)
			return &s->jobs[i];
	return NULL;
}

/* The groups' copies: peers from eng, arguments, scope lists. */
static fo_status
fill_groups(fo_engine *eng, const fo_repl_group *in, size_t n, grp *g, char *err,
    size_t errlen)
{
	fo_status st = FO_OK;

	for (size_t i = 0; i < n && st == FO_OK; i++) {
		fo_json j;

		if ((st = fo_repl_peer_of(eng, in[i].relationship, &g[i].peer, err, errlen)) != FO_OK)
			break;
		fo_json_init(&j);
		fo_json_arr_begin(&j);
		for (size_t k = 0; k < in[i].n_scopes; k++) {
			char dq[16];

			fo_ip4_str(in[i].scopes[k], dq, sizeof(dq));
			fo_json_str(&j, dq);
		}
		fo_json_arr_end(&j);
		if ((st = fo_json_finish(&j, &g[i].scopes)) != FO_OK ||
		    (g[i].apply_args = fo_strdup(in[i].apply_args)) == NULL)
			st = FO_ERR_NOMEM;
		fo_json_free(&j);
	}
	return st;
}

fo_status
fo_engine_replicate_start(fo_engine *eng, fo_repl_sender *s, const fo_repl_group *g,
    size_t n, uint64_t *id, char *err, size_t errlen)
{
	job jb = { 0 };
	const job *run;
	fo_status st;

	if (s == NULL || g == NULL || n == 0 || id == NULL)
		return FO_ERR_INVAL;
	if ((jb.g = fo_calloc(n, sizeof(*jb.g))) == NULL)
		return FO_ERR_NOMEM;
	jb.n = n;
	if ((st = fill_groups(eng, g, n, jb.g, err, errlen)) != FO_OK) {
		job_clear(&jb);
		return st;
	}
	pthread_mutex_lock(&s->t.mu);
	if ((run = running(s)) != NULL) {
		fo_errf(err, errlen, "replication %llu is running (relationship '%s'); "
		    "failover-replicate-status {\"id\": %llu} tells when it is done",
		    (unsigned long long)run->id, run->g[run->cur].peer.name,
		    (unsigned long long)run->id);
		pthread_mutex_unlock(&s->t.mu);
		job_clear(&jb);
		return FO_ERR_STATE;
	}
	jb.id = ++s->next_id;
	job_clear(&s->jobs[jb.id % FO_REPL_SEND_KEPT]);
	s->jobs[jb.id % FO_REPL_SEND_KEPT] = jb;
	s->queued = &s->jobs[jb.id % FO_REPL_SEND_KEPT];
	*id = jb.id;
	pthread_cond_broadcast(&s->t.cv);
	pthread_mutex_unlock(&s->t.mu);
	return FO_OK;
}

/* One group's entry of the status; its line appended to text. */
static void
group_json(const grp *g, fo_json *j, fo_sbuf *text)
{
	fo_json_obj_begin(j);
	fo_json_kv_str(j, "relationship", g->peer.name);
	fo_json_key(j, "scope-id");
	fo_json_raw(j, g->scopes);
	fo_json_kv_bool(j, "applied", g->tx.state == FO_TX_DONE);
	if (g->changes != NULL) {
		fo_json_key(j, "changes");
		fo_json_raw(j, g->changes);
	}
	if (g->pid[0] != '\0')
		fo_json_kv_str(j, "id", g->pid);
	if (g->tx.state == FO_TX_FAILED && g->text != NULL)
		fo_json_kv_str(j, "error", g->text);
	fo_json_obj_end(j);
	if (g->text != NULL) {
		fo_sbuf_cat(text, text->len > 0 ? "; relationship '" : "relationship '");
		fo_sbuf_cat(text, g->peer.name);
		fo_sbuf_cat(text, "': ");
		fo_sbuf_cat(text, g->text);
	}
}

fo_status
fo_repl_sender_status(fo_repl_sender *s, uint64_t id, int *result, char **text,
    char **args_json)
{
	const job *jb;
	fo_json j;
	fo_sbuf t = { 0 };
	bool failed = false;
	const char *status;
	char line[256];

	if (s == NULL || result == NULL || text == NULL || args_json == NULL)
		return FO_ERR_INVAL;
	*text = *args_json = NULL;
	pthread_mutex_lock(&s->t.mu);
	jb = &s->jobs[id % FO_REPL_SEND_KEPT];
	if (id == 0 || jb->id != id) {
		pthread_mutex_unlock(&s->t.mu);
		return FO_ERR_NOTFOUND;
	}
	fo_json_init(&j);
	fo_json_obj_begin(&j);
	fo_json_kv_uint(&j, "id", id);
	fo_json_key(&j, "replications");
	fo_json_arr_begin(&j);
	for (size_t i = 0; i < jb->n; i++) {
		group_json(&jb->g[i], &j, &t);
		failed = failed || jb->g[i].tx.state == FO_TX_FAILED;
	}
	fo_json_arr_end(&j);
	status = jb->finished ? (failed ? "failed" : "done") :
	    fo_repl_tx_state_name(jb->g[jb->cur].tx.state);
	fo_json_kv_str(&j, "status", status);
	fo_json_obj_end(&j);
	if (!jb->finished) {
		snprintf(line, sizeof(line), "%sreplication %llu: %s (relationship '%s')",
		    t.len > 0 ? "; " : "", (unsigned long long)id, status,
		    jb->g[jb->cur].peer.name);
		fo_sbuf_cat(&t, line);
	}
	*result = jb->finished && failed ? 1 : 0;
	pthread_mutex_unlock(&s->t.mu);
	*text = fo_sbuf_take(&t);
	if (fo_json_finish(&j, args_json) != FO_OK || *text == NULL) {
		fo_free(*text);
		fo_free(*args_json);
		*text = *args_json = NULL;
		return FO_ERR_NOMEM;
	}
	return FO_OK;
}

bool
fo_repl_sender_busy(fo_repl_sender *s, const char *relationship)
{
	const job *jb;
	bool busy = false;

	if (s == NULL || relationship == NULL)
		return false;
	pthread_mutex_lock(&s->t.mu);
	if ((jb = running(s)) != NULL)
		for (size_t i = 0; i < jb->n; i++)
			busy = busy || strcmp(jb->g[i].peer.name, relationship) == 0;
	pthread_mutex_unlock(&s->t.mu);
	return busy;
}
