/*
 * fo_replicate_recv.c - failover-replicate's receiving side (fo_replicate.h):
 * the library's table of received replications and the facade over
 * core/fo_repl_rx.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include "fo_repl_rx.h"
#include "fo_replicate.h"

_Static_assert(FO_REPL_RECV_KEPT == FO_REPL_RX_KEPT, "one number of kept replications");

/* Zero at the library's first load; a pinned library keeps it across reloads. */
static fo_repl_rx_table received;

fo_repl_receiver *
fo_repl_receiver_kept(void)
{
	return &received;
}

fo_status
fo_repl_receiver_admit(const fo_repl_receiver *rx, fo_repl_sender *s, const char *relationship,
    char *err, size_t errlen)
{
	return fo_repl_rx_admit(rx, relationship, fo_repl_sender_busy(s, relationship), err,
	    errlen);
}

fo_status
fo_repl_receiver_prepare(fo_repl_receiver *rx, const char *relationship, const char *id,
    fo_mono now, char *err, size_t errlen)
{
	return fo_repl_rx_prepare(rx, relationship, id, now.msec, err, errlen);
}

fo_status
fo_repl_receiver_commit(fo_repl_receiver *rx, const char *relationship, const char *id,
    fo_mono now, const char *blocker, char *err, size_t errlen)
{
	return fo_repl_rx_commit(rx, relationship, id, now.msec, blocker, err, errlen);
}

void
fo_repl_receiver_done(fo_repl_receiver *rx, const char *id, bool ok, const char *text)
{
	fo_repl_rx_done(rx, id, ok, text);
}

fo_status
fo_repl_receiver_status(const fo_repl_receiver *rx, const char *id, const char **relationship,
    const char **state, const char **text)
{
	const fo_repl_rx *t = fo_repl_rx_find(rx, id);

	if (t == NULL)
		return FO_ERR_NOTFOUND;
	*relationship = t->rel;
	*state = fo_repl_rx_state_name(t->state);
	*text = t->text;
	return FO_OK;
}

bool
fo_repl_receiver_busy(const fo_repl_receiver *rx, const char *relationship, fo_mono now,
    char *why, size_t whylen)
{
	return fo_repl_rx_busy(rx, relationship, now.msec, why, whylen);
}

void
fo_repl_receiver_unload(fo_repl_receiver *rx)
{
	fo_repl_rx_unload(rx);
}
