/*
 * fo_repl_rx.c - failover-replicate's receiving side (fo_repl_rx.h).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <stdio.h>
#include <string.h>

#include "fo_repl_rx.h"

static bool
end(fo_repl_rx *t, fo_repl_rx_state s, const char *why)
{
	t->state = s;
	snprintf(t->text, sizeof(t->text), "%s", why);
	return true;
}

/* A commit or an abort of a PREPARED one: past its lifetime it expires instead. */
static bool
decide(fo_repl_rx *t, fo_repl_rx_state s, const char *why, int64_t now_ms)
{
	if (now_ms >= t->expires_ms) {
		end(t, FO_RX_EXPIRED, "not committed within 30 s");
		return false;
	}
	return end(t, s, why);
}

bool
fo_repl_rx_step(fo_repl_rx *t, fo_repl_rx_event ev, int64_t now_ms)
{
	switch (t->state) {
	case FO_RX_IDLE:
		if (ev != FO_RX_EV_PREPARE)
			return false;
		t->expires_ms = now_ms + FO_REPL_RX_LIFETIME_MS;
		return end(t, FO_RX_PREPARED, "");
	case FO_RX_PREPARED:
		switch (ev) {
		case FO_RX_EV_COMMIT:
			return decide(t, FO_RX_APPLYING, "config-set is queued", now_ms);
		case FO_RX_EV_ABORT:
			return decide(t, FO_RX_ABORTED, "", now_ms);
		case FO_RX_EV_UNLOAD:
			return end(t, FO_RX_EXPIRED, "the hook was unloaded before the commit");
		case FO_RX_EV_PREPARE:
		case FO_RX_EV_APPLIED:
		case FO_RX_EV_FAILED:
			break;
		}
		return false;
	case FO_RX_APPLYING:
		if (ev != FO_RX_EV_APPLIED && ev != FO_RX_EV_FAILED)
			return false;
		t->state = ev == FO_RX_EV_APPLIED ? FO_RX_APPLIED : FO_RX_FAILED;
		return true;
	case FO_RX_APPLIED:
	case FO_RX_FAILED:
	case FO_RX_EXPIRED:
	case FO_RX_ABORTED:
		break;
	}
	return false;
}

static const fo_repl_rx *
applying(const fo_repl_rx_table *tb, char *why, size_t whylen)
{
	for (size_t i = 0; i < FO_REPL_RX_KEPT; i++)
		if (tb->kept[i].state == FO_RX_APPLYING) {
			fo_errf(why, whylen, "a replication from the partner is being applied here "
			    "(%s); try again when it is done", tb->kept[i].id);
			return &tb->kept[i];
		}
	return NULL;
}

const fo_repl_rx *
fo_repl_rx_find(const fo_repl_rx_table *tb, const char *id)
{
	for (size_t i = 0; id != NULL && i < FO_REPL_RX_KEPT; i++)
		if (tb->kept[i].state != FO_RX_IDLE && strcmp(tb->kept[i].id, id) == 0)
			return &tb->kept[i];
	return NULL;
}

fo_status
fo_repl_rx_admit(const fo_repl_rx_table *tb, const char *rel, bool sending, char *err,
    size_t errlen)
{
	if (applying(tb, err, errlen) != NULL)
		return FO_ERR_STATE;
	if (sending) {
		fo_errf(err, errlen, "this server is sending a replication of relationship '%s' to "
		    "its partner: replications in opposite directions must not cross",
		    rel != NULL ? rel : "");
		return FO_ERR_STATE;
	}
	return FO_OK;
}

fo_status
fo_repl_rx_prepare(fo_repl_rx_table *tb, const char *rel, const char *id, int64_t now_ms,
    char *err, size_t errlen)
{
	fo_repl_rx *t = &tb->prepared;

	if (rel == NULL || id == NULL || id[0] == '\0' || strlen(id) > FO_REPL_RX_ID_MAX ||
	    strlen(rel) > FO_NAME_MAX)
		return FO_ERR_INVAL;
	if (applying(tb, err, errlen) != NULL)
		return FO_ERR_STATE;
	memset(t, 0, sizeof(*t));
	snprintf(t->id, sizeof(t->id), "%s", id);
	snprintf(t->rel, sizeof(t->rel), "%s", rel);
	fo_repl_rx_step(t, FO_RX_EV_PREPARE, now_ms);
	return FO_OK;
}

fo_status
fo_repl_rx_commit(fo_repl_rx_table *tb, const char *rel, const char *id, int64_t now_ms,
    const char *blocker, char *err, size_t errlen)
{
	fo_repl_rx *t = &tb->prepared;

	if (t->state != FO_RX_PREPARED || id == NULL || rel == NULL || strcmp(t->id, id) != 0 ||
	    strcmp(t->rel, rel) != 0 ||
	    !fo_repl_rx_step(t, blocker != NULL ? FO_RX_EV_ABORT : FO_RX_EV_COMMIT, now_ms)) {
		fo_errf(err, errlen, "id: no replication %s of relationship '%s' is prepared here "
		    "(it expires 30 s after failover-replicate-apply, and a newer one replaces "
		    "it)", id != NULL ? id : "", rel != NULL ? rel : "");
		return FO_ERR_NOTFOUND;
	}
	if (blocker != NULL) {
		snprintf(t->text, sizeof(t->text), "%s", blocker);
		fo_errf(err, errlen, "%s", blocker);
		return FO_ERR_STATE;
	}
	tb->kept[tb->next++ % FO_REPL_RX_KEPT] = *t;
	memset(t, 0, sizeof(*t));
	return FO_OK;
}

void
fo_repl_rx_done(fo_repl_rx_table *tb, const char *id, bool ok, const char *text)
{
	fo_repl_rx *t = (fo_repl_rx *)fo_repl_rx_find(tb, id);

	if (t != NULL && fo_repl_rx_step(t, ok ? FO_RX_EV_APPLIED : FO_RX_EV_FAILED, 0))
		snprintf(t->text, sizeof(t->text), "%s", text != NULL ? text : "");
}

void
fo_repl_rx_unload(fo_repl_rx_table *tb)
{
	fo_repl_rx_step(&tb->prepared, FO_RX_EV_UNLOAD, 0);
}

bool
fo_repl_rx_busy(const fo_repl_rx_table *tb, const char *rel, int64_t now_ms, char *why,
    size_t whylen)
{
	const fo_repl_rx *t = &tb->prepared;

	if (applying(tb, why, whylen) != NULL)
		return true;
	if (t->state == FO_RX_PREPARED && now_ms < t->expires_ms && rel != NULL &&
	    strcmp(t->rel, rel) == 0) {
		fo_errf(why, whylen, "a replication from the partner is prepared here (%s, checked, "
		    "not yet committed; it expires within 30 s): replications in opposite "
		    "directions must not cross", t->id);
		return true;
	}
	return false;
}

const char *
fo_repl_rx_state_name(fo_repl_rx_state s)
{
	switch (s) {
	case FO_RX_IDLE:
		return "idle";
	case FO_RX_PREPARED:
		return "prepared";
	case FO_RX_APPLYING:
		return "pending";
	case FO_RX_APPLIED:
		return "applied";
	case FO_RX_FAILED:
		return "failed";
	case FO_RX_EXPIRED:
		return "expired";
	case FO_RX_ABORTED:
		return "aborted";
	}
	return "?";
}
