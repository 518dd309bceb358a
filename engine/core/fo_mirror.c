/*
 * fo_mirror.c - a relationship as the partner sees it (fo_mirror.h).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <stdio.h>
#include <string.h>

#include "fo_alloc.h"
#include "fo_mirror.h"

/* Every leaf of fo_settings, in its order (check_mirror checks both ways). */
const fo_mirror_rule fo_mirror_rules[] = {
	{ "name", FO_MR_SAME, NULL },
	{ "partner-server", FO_MR_SWAP, "local-address" },
	{ "partner-port", FO_MR_SWAP, "local-port" },
	{ "local-address", FO_MR_SWAP, "partner-server" },
	{ "local-port", FO_MR_SWAP, "partner-port" },
	{ "server-name", FO_MR_LOCAL, NULL },
	{ "mode", FO_MR_SAME, NULL },
	{ "server-role", FO_MR_FLIP, NULL },
	{ "load-balance-percent", FO_MR_COMPLEMENT, NULL },
	{ "reserve-percent", FO_MR_SAME, NULL },
	{ "scope-id", FO_MR_SAME, NULL },
	{ "max-client-lead-time", FO_MR_SAME, NULL },
	{ "auto-state-transition", FO_MR_SAME, NULL },
	{ "state-switch-interval", FO_MR_SAME, NULL },
	{ "enable-auth", FO_MR_SAME, NULL },
	{ "shared-secret", FO_MR_SAME, NULL },
	{ "server-type", FO_MR_FLIP, NULL },
	{ "dialect", FO_MR_SAME, NULL },
	{ "partner-control-url", FO_MR_LOCAL, NULL },
	{ "partner-control-user", FO_MR_LOCAL, NULL },
	{ "partner-control-password", FO_MR_LOCAL, NULL },
	{ "partner-control-trust-anchor", FO_MR_LOCAL, NULL },
	{ "partner-control-cert-file", FO_MR_LOCAL, NULL },
	{ "partner-control-key-file", FO_MR_LOCAL, NULL },
	{ "max-response-delay", FO_MR_SAME, NULL },
	{ "max-unacked-updates", FO_MR_SAME, NULL },
	{ "load-balance-max-seconds", FO_MR_SAME, NULL },
};
const size_t fo_mirror_rules_count = sizeof(fo_mirror_rules) / sizeof(fo_mirror_rules[0]);

const fo_mirror_rule *
fo_mirror_rule_of(const char *leaf)
{
	for (size_t i = 0; leaf != NULL && i < fo_mirror_rules_count; i++)
		if (strcmp(fo_mirror_rules[i].leaf, leaf) == 0)
			return &fo_mirror_rules[i];
	return NULL;
}

const char *
fo_mirror_how_name(fo_mirror_how how)
{
	switch (how) {
	case FO_MR_SAME: return "same";
	case FO_MR_SWAP: return "swap";
	case FO_MR_FLIP: return "flip";
	case FO_MR_COMPLEMENT: return "complement";
	case FO_MR_LOCAL: return "local";
	}
	return "?";
}

/* theirs' leaf s from ours' leaf `from` (same kind: the table pairs like with like). */
static void
take(fo_relationship *theirs, const fo_setting *s, const fo_relationship *ours,
    const fo_setting *from)
{
	if (s->size > 0 && from->size == s->size)
		memcpy(fo_setting_text(theirs, s), fo_setting_ctext(ours, from), s->size);
	else if (s->size == 0 && from->size == 0)
		fo_setting_set_num(theirs, s, fo_setting_num(ours, from));
}

fo_status
fo_mirror_of(const fo_relationship *ours, fo_relationship *theirs)
{
	fo_status st;

	if (ours == NULL || theirs == NULL || ours == theirs)
		return FO_ERR_INVAL;
	if ((st = fo_relationship_copy(theirs, ours)) != FO_OK)
		return st;
	for (size_t i = 0; i < fo_settings_count; i++) {
		const fo_setting *s = &fo_settings[i];
		const fo_mirror_rule *m = fo_mirror_rule_of(s->name);
		fo_mirror_how how = m != NULL ? m->how : FO_MR_LOCAL;

		switch (how) {
		case FO_MR_SAME:
			break;
		case FO_MR_SWAP:
			if (fo_setting_find(m->other) != NULL)
				take(theirs, s, ours, fo_setting_find(m->other));
			break;
		case FO_MR_FLIP:        /* a two-valued enumeration: its other value */
		case FO_MR_COMPLEMENT:  /* a percentage: 100 - ours */
			fo_setting_set_num(theirs, s, s->max - fo_setting_num(ours, s) + s->min);
			break;
		case FO_MR_LOCAL:
			if (s->size > 0)
				memset(fo_setting_text(theirs, s), 0, s->size);
			else if (s->kind != FO_SK_SCOPES)
				fo_setting_set_num(theirs, s, s->def);
			break;
		}
	}
	return FO_OK;
}

/* The JSON of r's leaf s, "" when r has it not (NULL r: not either). */
static char *
leaf_json(const fo_relationship *r, const fo_setting *s)
{
	fo_sbuf b = { 0 };

	if (r != NULL && fo_setting_present(r, s))
		fo_setting_json(r, s, &b);
	else
		fo_sbuf_cat(&b, "");
	return fo_sbuf_take(&b);
}

/* The leaves of the change, appended to b (after "name"). */
static fo_status
diff_leaves(const fo_relationship *before, const fo_relationship *after, fo_sbuf *b)
{
	for (size_t i = 0; i < fo_settings_count; i++) {
		const fo_setting *s = &fo_settings[i];
		const fo_mirror_rule *m = fo_mirror_rule_of(s->name);
		char *was, *now;
		bool oom;

		if (m == NULL || m->how == FO_MR_LOCAL || strcmp(s->name, "name") == 0 ||
		    (before != NULL && s->kind == FO_SK_SCOPES))
			continue;
		was = leaf_json(before, s);
		now = leaf_json(after, s);
		oom = was == NULL || now == NULL;
		if (!oom && strcmp(was, now) != 0) {
			fo_sbuf_cat(b, ",");
			fo_sbuf_json_text(b, s->name, strlen(s->name), 0);
			fo_sbuf_cat(b, ":");
			fo_sbuf_cat(b, now[0] != '\0' ? now : "null");
		}
		fo_free_secret(was);
		fo_free_secret(now);
		if (oom)
			return FO_ERR_NOMEM;
	}
	return FO_OK;
}

fo_status
fo_mirror_args(const fo_relationship *before, const fo_relationship *after, char **out,
    char *err, size_t errlen)
{
	fo_relationship tb = { 0 }, ta = { 0 };
	const fo_relationship *named = after != NULL ? after : before;
	fo_sbuf b = { 0 };
	fo_status st = FO_OK;

	if (out == NULL || named == NULL)
		return FO_ERR_INVAL;
	*out = NULL;
	if (after != NULL && after->local_address[0] == '\0' &&
	    (before == NULL || before->local_address[0] != '\0')) {
		fo_errf(err, errlen, "local-address: not set; the partner needs this server's "
		    "address as its partner-server (set local-address, or give \"local-only\": "
		    "true to change this server only)");
		return FO_ERR_CONFIG;
	}
	if ((before != NULL && (st = fo_mirror_of(before, &tb)) != FO_OK) ||
	    (after != NULL && (st = fo_mirror_of(after, &ta)) != FO_OK))
		goto done;
	fo_sbuf_cat(&b, "{\"name\":");
	fo_sbuf_json_text(&b, named->name, strlen(named->name), 0);
	if (after != NULL)
		st = diff_leaves(before != NULL ? &tb : NULL, &ta, &b);
	fo_sbuf_cat(&b, ",\"local-only\":true}");
	if (st == FO_OK && (*out = fo_sbuf_take(&b)) == NULL)
		st = FO_ERR_NOMEM;
done:
	fo_free_secret(fo_sbuf_take(&b));
	fo_relationship_clear(&tb);
	fo_relationship_clear(&ta);
	return st;
}
