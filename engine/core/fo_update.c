/*
 * fo_update.c - accepting binding updates, draft-12 7.1.3.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <string.h>

#include "fo_update.h"

/* A time stamp later than ours: an absent one (0) never is; a present one is later than none. */
static bool
stamp_later(uint32_t theirs, uint32_t ours)
{
	return theirs != 0 && (ours == 0 || theirs > ours);
}

/*
 * time(1): the update's CLTT is later than ours (7.1.3: absent is never
 * later, present is later than absent). CLTTs have one-second resolution,
 * so a tie is broken the same way on both sides, or two crossing updates
 * would each be refused and re-sent forever: for the same client the end
 * of a lease (EXPIRED, RELEASED) is later than its start (ACTIVE), for
 * different clients a new lease (ACTIVE) is later than the other's end.
 */
static bool
cltt_later(const fo_binding_info *in, const fo_binding_info *cur)
{
	bool in_active, cur_active;

	if (in->cltt == 0 || cur->cltt == 0 || in->cltt != cur->cltt)
		return stamp_later(in->cltt, cur->cltt);
	in_active = in->state == FO_BS_ACTIVE;
	cur_active = cur->state == FO_BS_ACTIVE;
	if (in_active == cur_active)
		return false;
	if (fo_client_present(&in->client) && fo_client_same(&cur->client, &in->client))
		return !in_active;
	return in_active;
}

/*
 * The update is older news than our ACTIVE binding about another client (or
 * about no client: FREE, BACKUP): both CLTTs present and theirs earlier.
 * Time(2) alone would accept it once our lease has expired; but after a
 * partition both partners send their bindings at once, each crossing the
 * other's, and if both were accepted the two tables would end up swapped
 * (ours theirs, theirs ours). The CLTT orders the two bindings the same way
 * on both sides, so exactly one of them wins on both.
 */
static bool
older_other(const fo_binding_info *cur, const fo_binding_info *in)
{
	if (cur->cltt == 0 || in->cltt == 0 || in->cltt >= cur->cltt)
		return false;
	return !(fo_client_present(&in->client) && fo_client_same(&cur->client, &in->client));
}

static unsigned
verdict(bool ok, unsigned reason)
{
	return ok ? FO_UPD_ACCEPT : reason;
}

/*
 * The partner holds the lease of the client our EXPIRED binding names, and
 * that lease has not ended: our EXPIRED is stale (it came from an older,
 * shorter lease, e.g. Kea reclaiming the lease it had before a crash). The
 * partner refuses our EXPIRED by time(2) for the same reason, so both keep
 * the live lease: the client was told it.
 */
static bool
same_client_live(const fo_binding_info *cur, const fo_binding_info *in, fo_wall now)
{
	return fo_client_present(&cur->client) && fo_client_same(&cur->client, &in->client) &&
	    (int64_t)in->expiry > now.sec;
}

/*
 * ACTIVE over ACTIVE of another client. Rule (5) (the secondary accepts, the
 * primary rejects as a conflict) is for two live leases. When only one of
 * them is live, it is the one a client holds, on both sides: a live lease
 * is never replaced by one that has ended, and an ended one always gives way
 * to a live one (time(2)). Two ended leases are ordered by CLTT.
 */
static unsigned
decide_other_active(const fo_binding_info *cur, const fo_binding_info *in, fo_server_type me,
    fo_wall now)
{
	bool cur_live = (int64_t)cur->expiry > now.sec, in_live = (int64_t)in->expiry > now.sec;

	if (cur_live != in_live)
		return verdict(in_live, FO_UPD_REJ_OUTDATED);
	if (!cur_live && cur->cltt != 0 && in->cltt != 0 && cur->cltt != in->cltt)
		return verdict(in->cltt > cur->cltt, FO_UPD_REJ_OUTDATED);
	return me == FO_SECONDARY ? FO_UPD_ACCEPT : FO_UPD_REJ_FATAL_CONFLICT;
}

/* Rows of figure 7.1.3-1 for an ACTIVE update. */
static unsigned
decide_active(const fo_binding_info *cur, const fo_binding_info *in, fo_server_type me,
    fo_wall now)
{
	switch (cur->state) {
	case FO_BS_ACTIVE:      /* (5), unless one of the two leases has ended */
		if (!fo_client_present(&cur->client) || fo_client_same(&cur->client, &in->client))
			return FO_UPD_ACCEPT;
		return decide_other_active(cur, in, me, now);
	case FO_BS_EXPIRED:     /* time(1), or our EXPIRED came before the lease's end */
		if (same_client_live(cur, in, now))
			return FO_UPD_ACCEPT;
		return verdict(cltt_later(in, cur), FO_UPD_REJ_OUTDATED);
	case FO_BS_RELEASED:    /* time(1) */
		return verdict(cltt_later(in, cur), FO_UPD_REJ_OUTDATED);
	case FO_BS_FREE:
	case FO_BS_BACKUP:
		return FO_UPD_ACCEPT;
	case FO_BS_RESET:       /* time(3) */
		return verdict(stamp_later(in->cltt, cur->stos), FO_UPD_REJ_OUTDATED);
	case FO_BS_ABANDONED:   /* (4) */
		return FO_UPD_REJ_LESS_CRITICAL;
	}
	return FO_UPD_ACCEPT;
}

unsigned
fo_update_decide(const fo_binding_info *cur, const fo_binding_info *in, fo_server_type me,
    fo_wall now)
{
	bool expired = (int64_t)cur->expiry < now.sec;

	if (in->state < FO_BS_FREE || in->state > FO_BS_MAX)
		return FO_UPD_REJ_MISSING_INFO;
	if (in->state == FO_BS_ACTIVE) {
		if (!fo_client_present(&in->client) || in->expiry == 0)
			return FO_UPD_REJ_MISSING_INFO;
		return decide_active(cur, in, me, now);
	}
	if (in->state == FO_BS_RESET || in->state == FO_BS_ABANDONED)
		return FO_UPD_ACCEPT;
	switch (cur->state) {
	case FO_BS_ACTIVE:
		if (in->state == FO_BS_RELEASED)        /* time(1) */
			return verdict(cltt_later(in, cur), FO_UPD_REJ_OUTDATED);
		if (older_other(cur, in))
			return FO_UPD_REJ_OUTDATED;
		return verdict(expired, FO_UPD_REJ_OUTDATED);   /* time(2) */
	case FO_BS_RELEASED:
		if (in->state == FO_BS_EXPIRED)         /* time(1) */
			return verdict(cltt_later(in, cur), FO_UPD_REJ_OUTDATED);
		return FO_UPD_ACCEPT;
	case FO_BS_ABANDONED:
		return FO_UPD_REJ_LESS_CRITICAL;        /* (4) */
	case FO_BS_EXPIRED:
	case FO_BS_FREE:
	case FO_BS_BACKUP:
	case FO_BS_RESET:
		break;
	}
	return FO_UPD_ACCEPT;
}

unsigned
fo_update_decide_crossing(const fo_binding_info *cur, const fo_binding_info *in,
    fo_server_type me, bool ours_pending, fo_wall now)
{
	unsigned why = fo_update_decide(cur, in, me, now);

	/* One client's lease on both sides: each keeps the later end (fo_update_merge). */
	if (in->state == FO_BS_ACTIVE && cur->state == FO_BS_ACTIVE &&
	    fo_client_present(&cur->client) && fo_client_same(&cur->client, &in->client))
		return why;
	if (why == FO_UPD_ACCEPT && ours_pending && me == FO_PRIMARY &&
	    fo_update_decide(in, cur, FO_SECONDARY, now) == FO_UPD_ACCEPT)
		return FO_UPD_REJ_OUTDATED;
	return why;
}

void
fo_update_merge(const fo_binding_info *cur, const fo_binding_info *in, fo_wall now,
    fo_binding_info *out)
{
	*out = *cur;
	out->state = in->state;
	switch (in->state) {
	case FO_BS_ACTIVE:
		/*
		 * The same client's lease, known here to end later: keep the later
		 * end. A client may have been told it; ending the binding earlier
		 * would let the owner give the address to another client while the
		 * first still holds it (fo_update_merge_keeps_later).
		 */
		if (!fo_update_merge_keeps_later(cur, in))
			out->expiry = in->expiry;
		/*
		 * The extras come with the update; a partner that sends none (ISC
		 * dhcpd never does) leaves the same client's as they were.
		 */
		if (fo_extra_present(&in->extra) || !fo_client_same(&cur->client, &in->client))
			out->extra = in->extra;
		out->client = in->client;
		break;
	case FO_BS_EXPIRED:
	case FO_BS_RELEASED:
		if (fo_client_present(&in->client))
			out->client = in->client;
		if (in->expiry != 0)
			out->expiry = in->expiry;
		break;
	case FO_BS_RESET:
		if (fo_client_present(&in->client))
			out->client = in->client;
		out->expiry = 0;
		break;
	case FO_BS_FREE:
	case FO_BS_BACKUP:
	case FO_BS_ABANDONED:
		memset(&out->client, 0, sizeof(out->client));
		fo_extra_clear(&out->extra);
		out->expiry = 0;
		break;
	}
	if (in->cltt != 0)
		out->cltt = in->cltt;
	if (in->pexp_sent > out->pexp_acked)
		out->pexp_acked = in->pexp_sent;
	if (in->stos != 0)
		out->stos = in->stos;
	else if (in->state != cur->state)
		out->stos = now.sec < 0 ? 0 : (uint32_t)now.sec;
	out->flags = cur->flags & FO_BF_RESERVED;
}

bool
fo_update_merge_keeps_later(const fo_binding_info *cur, const fo_binding_info *in)
{
	return in->state == FO_BS_ACTIVE && cur->state == FO_BS_ACTIVE &&
	    fo_client_present(&cur->client) && fo_client_same(&cur->client, &in->client) &&
	    cur->expiry > in->expiry;
}

bool
fo_update_frees_on_ack(fo_bstate s)
{
	return s == FO_BS_EXPIRED || s == FO_BS_RELEASED || s == FO_BS_RESET;
}
