/*
 * fo_serve.c - serving rules per failover state.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include "fo_mclt.h"
#include "fo_serve.h"

/* How much of the client population a state serves. */
enum serve_level {
	SERVE_NONE,         /* nobody */
	SERVE_RENEW_ONLY,   /* RENEW and REBIND only */
	SERVE_BALANCED,     /* load balancing decides broadcasts */
	SERVE_ALL,          /* every client */
};

const char *
fo_msg_name(fo_msg m)
{
	switch (m) {
	case FO_MSG_DISCOVER: return "DISCOVER";
	case FO_MSG_REQUEST_SELECTING: return "REQUEST-SELECTING";
	case FO_MSG_REQUEST_INIT_REBOOT: return "REQUEST-INIT-REBOOT";
	case FO_MSG_REQUEST_RENEW: return "REQUEST-RENEW";
	case FO_MSG_REQUEST_REBIND: return "REQUEST-REBIND";
	case FO_MSG_RELEASE: return "RELEASE";
	case FO_MSG_DECLINE: return "DECLINE";
	case FO_MSG_INFORM: return "INFORM";
	case FO_MSG_BOOTP: return "BOOTP";
	}
	return NULL;
}

/* draft-12 section 9; reference section 5. */
static enum serve_level
state_level(const fo_serve_view *v)
{
	switch (v->state) {
	case FO_STATE_NORMAL:
		switch (v->mode) {
		case FO_MODE_LOAD_BALANCE:
			return SERVE_BALANCED;
		case FO_MODE_HOT_STANDBY:
			return v->role == FO_ROLE_ACTIVE ? SERVE_ALL : SERVE_NONE;
		}
		return SERVE_NONE;
	case FO_STATE_COMM_INTERRUPTED:
	case FO_STATE_RESOLUTION_INTERRUPTED:
	case FO_STATE_PARTNER_DOWN:
	case FO_STATE_CONFLICT_DONE:
		return SERVE_ALL;
	case FO_STATE_RECOVER_DONE:
		return SERVE_RENEW_ONLY;
	case FO_STATE_NOSTATE:
	case FO_STATE_INIT:
	case FO_STATE_STARTUP:
	case FO_STATE_POTENTIAL_CONFLICT:
	case FO_STATE_RECOVER:
	case FO_STATE_RECOVER_WAIT:
	case FO_STATE_PAUSED:
	case FO_STATE_SHUTDOWN:
		return SERVE_NONE;
	}
	return SERVE_NONE;
}

bool
fo_msg_balanced(fo_msg m)
{
	switch (m) {
	case FO_MSG_DISCOVER:
	case FO_MSG_REQUEST_INIT_REBOOT:
	case FO_MSG_REQUEST_REBIND:
	case FO_MSG_BOOTP:
		return true;
	case FO_MSG_REQUEST_SELECTING:
	case FO_MSG_REQUEST_RENEW:
	case FO_MSG_RELEASE:
	case FO_MSG_DECLINE:
	case FO_MSG_INFORM:
		return false;
	}
	return false;
}

static bool
msg_renew_only(fo_msg m)
{
	return m == FO_MSG_REQUEST_RENEW || m == FO_MSG_REQUEST_REBIND;
}

/* draft-12 section 9; RFC 3074; reference section 7 (secs override). */
bool
fo_serve_answer(const fo_serve_view *v, fo_msg msg, uint8_t bucket,
    uint16_t secs)
{
	if (v == NULL || (unsigned)msg >= FO_MSG_COUNT)
		return false;
	switch (state_level(v)) {
	case SERVE_NONE:
		return false;
	case SERVE_RENEW_ONLY:
		return msg_renew_only(msg);
	case SERVE_ALL:
		return true;
	case SERVE_BALANCED:
		if (!fo_msg_balanced(msg))
			return true;
		if (fo_hba_mine(v->hba, bucket, v->type))
			return true;
		return v->lb_max_seconds > 0 && secs > v->lb_max_seconds;
	}
	return false;
}

static bool
own_free(fo_server_type t, fo_bstate s)
{
	switch (t) {
	case FO_PRIMARY:
		return s == FO_BS_FREE;
	case FO_SECONDARY:
		return s == FO_BS_BACKUP;
	}
	return false;
}

/* a + b for b >= 0, saturating at INT64_MAX. */
static int64_t
add_sat(int64_t a, int64_t b)
{
	return a > INT64_MAX - b ? INT64_MAX : a + b;
}

/* Reference section 6: PARTNER-DOWN waits MCLT before taking over. */
static bool
partner_down_allocate(const fo_serve_view *v, const fo_addr_view *a,
    fo_wall now)
{
	int64_t since = v->partner_down_since.sec, t;

	switch (a->state) {
	case FO_BS_FREE:
	case FO_BS_BACKUP:
		if (own_free(v->type, a->state))
			return true;
		return now.sec >= add_sat(since, v->mclt);
	case FO_BS_EXPIRED:
	case FO_BS_RELEASED:
	case FO_BS_RESET:
		t = since;
		if (a->expiry.sec > t)
			t = a->expiry.sec;
		if (a->pexp.sec > t)
			t = a->pexp.sec;
		return now.sec >= add_sat(t, v->mclt);
	case FO_BS_ACTIVE:
	case FO_BS_ABANDONED:
		return false;
	}
	return false;
}

/* draft-12 section 9; reference sections 4, 6, 8. */
bool
fo_serve_may_allocate(const fo_serve_view *v, const fo_addr_view *a,
    fo_wall now)
{
	if (v == NULL || a == NULL)
		return false;
	if (state_level(v) == SERVE_NONE)
		return false;
	switch (v->state) {
	case FO_STATE_NORMAL:
	case FO_STATE_COMM_INTERRUPTED:
	case FO_STATE_RESOLUTION_INTERRUPTED:
	case FO_STATE_CONFLICT_DONE:
		return own_free(v->type, a->state);
	case FO_STATE_PARTNER_DOWN:
		return partner_down_allocate(v, a, now);
	case FO_STATE_RECOVER_DONE:
	case FO_STATE_NOSTATE:
	case FO_STATE_INIT:
	case FO_STATE_STARTUP:
	case FO_STATE_POTENTIAL_CONFLICT:
	case FO_STATE_RECOVER:
	case FO_STATE_RECOVER_WAIT:
	case FO_STATE_PAUSED:
	case FO_STATE_SHUTDOWN:
		return false;
	}
	return false;
}

/* draft-12 5.2.1 in every state that gives leases, PARTNER-DOWN included. */
uint32_t
fo_serve_lease_time(const fo_serve_view *v, uint32_t desired,
    fo_wall acked_pexp, fo_wall now)
{
	if (v == NULL || state_level(v) == SERVE_NONE)
		return 0;
	return fo_mclt_lease_time(desired, v->mclt, now, acked_pexp);
}

/* RFC 2131 section 4.3.2: the four ways a DHCPREQUEST is sent. */
fo_msg
fo_msg_classify(uint8_t dhcp_type, fo_ip4 ciaddr, bool broadcast_or_relayed,
    bool has_server_id, bool has_requested_ip)
{
	switch (dhcp_type) {
	case 0:
		return FO_MSG_BOOTP;
	case FO_DHCPDISCOVER:
		return FO_MSG_DISCOVER;
	case FO_DHCPREQUEST:
		if (has_server_id)
			return FO_MSG_REQUEST_SELECTING;
		if (ciaddr == 0)
			return has_requested_ip ? FO_MSG_REQUEST_INIT_REBOOT : FO_MSG_REQUEST_SELECTING;
		return broadcast_or_relayed ? FO_MSG_REQUEST_REBIND : FO_MSG_REQUEST_RENEW;
	case FO_DHCPDECLINE:
		return FO_MSG_DECLINE;
	case FO_DHCPRELEASE:
		return FO_MSG_RELEASE;
	default:
		return FO_MSG_INFORM;
	}
}
