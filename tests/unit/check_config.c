/*
 * check_config.c - fo_config_parse(): the hook's parameters through the YANG
 * module into fo_relationship structs, and every way to get them wrong.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include "fo_yang_compat.h"

#include "fo_config.h"

#define TOP "/kea-dhcp-failover:failover"
#define R1 TOP "/relationships[name='r1']"

/* The smallest valid relationship, as JSON members. */
#define MIN_REL "\"name\": \"r1\", \"partner-server\": \"10.0.0.2\", " \
	"\"server-type\": \"primary\", \"scope-id\": [\"10.0.0.0\"]"
#define ONE(extra) "{\"relationships\": [{" MIN_REL extra "}]}"

static const char full_doc[] =
    "{\n"
    "  \"state-directory\": \"/var/lib/kea/failover\",\n"
    "  \"relationships\": [\n"
    "    {\n"
    "      \"name\": \"campus-east\",\n"
    "      \"partner-server\": \"dhcp2.example.net\",\n"
    "      \"partner-port\": 8647,\n"
    "      \"local-address\": \"192.0.2.1\",\n"
    "      \"local-port\": 9647,\n"
    "      \"server-name\": \"dhcp1.example.net\",\n"
    "      \"mode\": \"hot-standby\",\n"
    "      \"server-role\": \"standby\",\n"
    "      \"reserve-percent\": 12,\n"
    "      \"scope-id\": [\"10.1.0.0\", \"10.2.0.0\", \"172.16.4.0\"],\n"
    "      \"max-client-lead-time\": 1800,\n"
    "      \"auto-state-transition\": true,\n"
    "      \"state-switch-interval\": 600,\n"
    "      \"enable-auth\": true,\n"
    "      \"shared-secret\": \"s3cr\\u00e9t \\\"quoted\\\"\",\n"
    "      \"server-type\": \"secondary\",\n"
    "      \"dialect\": \"microsoft\",\n"
    "      \"max-response-delay\": 60,\n"
    "      \"max-unacked-updates\": 100\n"
    "    },\n"
    "    {\n"
    "      \"name\": \"branch\",\n"
    "      \"partner-server\": \"198.51.100.7\",\n"
    "      \"mode\": \"load-balance\",\n"
    "      \"load-balance-percent\": 70,\n"
    "      \"scope-id\": [\"10.3.0.0\"],\n"
    "      \"server-type\": \"primary\",\n"
    "      \"dialect\": \"isc\",\n"
    "      \"load-balance-max-seconds\": 0\n"
    "    }\n"
    "  ]\n"
    "}\n";

static char err[1024];
static fo_relationship_set set;

/* fo_config_parse() overwrites its output: release the previous result. */
static fo_status
parse(const char *json)
{
	fo_relationship_set_clear(&set);
	memset(err, 'X', sizeof(err) - 1);
	err[sizeof(err) - 1] = '\0';
	return fo_config_parse(json, &set, err, sizeof(err));
}

static void
teardown(void)
{
	fo_relationship_set_clear(&set);
}

START_TEST(test_minimal_gets_defaults)
{
	const fo_relationship *r;

	ck_assert_int_eq(parse(ONE("")), FO_OK);
	ck_assert_str_eq(err, "");
	ck_assert_uint_eq(set.n, 1);
	ck_assert_str_eq(set.state_directory, "");
	r = &set.rel[0];
	ck_assert_str_eq(r->name, "r1");
	ck_assert_str_eq(r->partner_server, "10.0.0.2");
	ck_assert_uint_eq(r->partner_port, 647);
	ck_assert_str_eq(r->local_address, "");
	ck_assert_uint_eq(r->local_port, 647);
	ck_assert_str_eq(r->server_name, "");
	ck_assert_int_eq(r->mode, FO_MODE_LOAD_BALANCE);
	ck_assert_int_eq(r->server_role, FO_ROLE_ACTIVE);
	ck_assert_uint_eq(r->load_balance_percent, 50);
	ck_assert_uint_eq(r->reserve_percent, 5);
	ck_assert_uint_eq(r->n_scopes, 1);
	ck_assert_uint_eq(r->scopes[0].scope_id, 0x0a000000u);
	ck_assert_uint_eq(r->mclt, 3600);
	ck_assert(!r->auto_state_transition);
	ck_assert_uint_eq(r->state_switch_interval, 0);
	ck_assert(!r->enable_auth);
	ck_assert_str_eq(r->shared_secret, "");
	ck_assert_int_eq(r->server_type, FO_PRIMARY);
	ck_assert_int_eq(r->dialect, FO_DIALECT_DRAFT);
	ck_assert_uint_eq(r->max_response_delay, 180);
	ck_assert_uint_eq(r->max_unacked_updates, 10);
	ck_assert_uint_eq(r->load_balance_max_seconds, 3);
}
END_TEST

START_TEST(test_hot_standby_defaults)
{
	const fo_relationship *r;

	ck_assert_int_eq(parse(ONE(", \"mode\": \"hot-standby\"")), FO_OK);
	r = &set.rel[0];
	ck_assert_int_eq(r->mode, FO_MODE_HOT_STANDBY);
	ck_assert_int_eq(r->server_role, FO_ROLE_ACTIVE);
	ck_assert_uint_eq(r->reserve_percent, FO_DEFAULT_RESERVE_PERCENT);
	ck_assert_uint_eq(r->load_balance_percent, FO_DEFAULT_LOAD_BALANCE_PERCENT);
	ck_assert_uint_eq(r->load_balance_max_seconds, FO_DEFAULT_LB_MAX_SECONDS);
}
END_TEST

START_TEST(test_full_document)
{
	const fo_relationship *r, *b;

	ck_assert_msg(parse(full_doc) == FO_OK, "%s", err);
	ck_assert_uint_eq(set.n, 2);
	ck_assert_str_eq(set.state_directory, "/var/lib/kea/failover");
	r = &set.rel[0];
	ck_assert_str_eq(r->name, "campus-east");
	ck_assert_str_eq(r->partner_server, "dhcp2.example.net");
	ck_assert_uint_eq(r->partner_port, 8647);
	ck_assert_str_eq(r->local_address, "192.0.2.1");
	ck_assert_uint_eq(r->local_port, 9647);
	ck_assert_str_eq(r->server_name, "dhcp1.example.net");
	ck_assert_int_eq(r->mode, FO_MODE_HOT_STANDBY);
	ck_assert_int_eq(r->server_role, FO_ROLE_STANDBY);
	ck_assert_uint_eq(r->reserve_percent, 12);
	ck_assert_uint_eq(r->n_scopes, 3);
	ck_assert_uint_eq(r->scopes[0].scope_id, 0x0a010000u);
	ck_assert_uint_eq(r->scopes[1].scope_id, 0x0a020000u);
	ck_assert_uint_eq(r->scopes[2].scope_id, 0xac100400u);
	ck_assert_uint_eq(r->mclt, 1800);
	ck_assert(r->auto_state_transition);
	ck_assert_uint_eq(r->state_switch_interval, 600);
	ck_assert(r->enable_auth);
	ck_assert_str_eq(r->shared_secret, "s3cr\xc3\xa9t \"quoted\"");
	ck_assert_int_eq(r->server_type, FO_SECONDARY);
	ck_assert_int_eq(r->dialect, FO_DIALECT_MS);
	ck_assert_uint_eq(r->max_response_delay, 60);
	ck_assert_uint_eq(r->max_unacked_updates, 100);

	b = &set.rel[1];
	ck_assert_str_eq(b->name, "branch");
	ck_assert_str_eq(b->partner_server, "198.51.100.7");
	ck_assert_int_eq(b->mode, FO_MODE_LOAD_BALANCE);
	ck_assert_uint_eq(b->load_balance_percent, 70);
	ck_assert_uint_eq(b->n_scopes, 1);
	ck_assert_uint_eq(b->scopes[0].scope_id, 0x0a030000u);
	ck_assert_int_eq(b->server_type, FO_PRIMARY);
	ck_assert_int_eq(b->dialect, FO_DIALECT_ISC);
	ck_assert_uint_eq(b->load_balance_max_seconds, 0);

	ck_assert_ptr_eq(fo_relationship_set_find(&set, "branch"), b);
	ck_assert_ptr_eq(fo_relationship_set_find_scope(&set, 0xac100400u), r);
	ck_assert_ptr_null(fo_relationship_set_find_scope(&set, 0x0a040000u));
}
END_TEST

START_TEST(test_no_parameters)
{
	ck_assert_int_eq(parse(NULL), FO_OK);
	ck_assert_uint_eq(set.n, 0);
	ck_assert_int_eq(parse("  {}\n"), FO_OK);
	ck_assert_uint_eq(set.n, 0);
	ck_assert_int_eq(parse("{\"relationships\": []}"), FO_OK);
	ck_assert_uint_eq(set.n, 0);
}
END_TEST

START_TEST(test_misuse)
{
	char small[16];

	ck_assert_int_eq(fo_config_parse("{}", NULL, err, sizeof(err)), FO_ERR_INVAL);
	/* No error buffer: still rejected, nothing written. */
	ck_assert_int_eq(fo_config_parse("nope", &set, NULL, 0), FO_ERR_CONFIG);
	ck_assert_int_eq(fo_config_parse(ONE(", \"mode\": 1"), &set, small, 0),
	    FO_ERR_CONFIG);
	/* A short buffer gets a truncated, terminated message. */
	memset(small, 'X', sizeof(small));
	ck_assert_int_eq(fo_config_parse(ONE(", \"mode\": 1"), &set, small,
	    sizeof(small)), FO_ERR_CONFIG);
	ck_assert_uint_eq(strlen(small), sizeof(small) - 1);
	ck_assert(strncmp(small, TOP, sizeof(small) - 1) == 0);
	ck_assert_uint_eq(set.n, 0);
	ck_assert_ptr_null(set.rel);
}
END_TEST

/* `count` relationships r<i>, each over scope 10.<i>.0.0. */
static char *
many(int count)
{
	size_t cap = 256 * (size_t)count + 64, len;
	char *s = malloc(cap);

	ck_assert_ptr_nonnull(s);
	len = (size_t)snprintf(s, cap, "{\"relationships\": [");
	for (int i = 0; i < count; i++)
		len += (size_t)snprintf(s + len, cap - len,
		    "%s{\"name\": \"r%d\", \"partner-server\": \"192.0.2.%d\", "
		    "\"server-type\": \"secondary\", \"scope-id\": [\"10.%d.0.0\"]}",
		    i ? ", " : "", i, i + 1, i);
	snprintf(s + len, cap - len, "]}");
	return s;
}

START_TEST(test_max_relationships)
{
	char *s = many(FO_MAX_RELATIONSHIPS);

	ck_assert_msg(parse(s) == FO_OK, "%s", err);
	ck_assert_uint_eq(set.n, FO_MAX_RELATIONSHIPS);
	ck_assert_str_eq(set.rel[30].name, "r30");
	ck_assert_uint_eq(set.rel[30].scopes[0].scope_id, 0x0a1e0000u);
	free(s);
	s = many(FO_MAX_RELATIONSHIPS + 1);
	ck_assert_int_eq(parse(s), FO_ERR_CONFIG);
	ck_assert_msg(strstr(err, TOP "/relationships") == err, "%s", err);
	ck_assert_msg(strstr(err, "Too many \"relationships\" instances") != NULL,
	    "%s", err);
	free(s);
}
END_TEST

/* Many scopes: the C scope check keeps this fast (libyang's XPath would not). */
START_TEST(test_many_scopes)
{
	size_t cap = 1 << 20, len = 0;
	char *s = malloc(cap);

	ck_assert_ptr_nonnull(s);
	len += (size_t)snprintf(s, cap, "{\"relationships\": [");
	for (int i = 0; i < 8; i++) {
		len += (size_t)snprintf(s + len, cap - len,
		    "%s{\"name\": \"r%d\", \"partner-server\": \"192.0.2.1\", "
		    "\"server-type\": \"primary\", \"scope-id\": [", i ? "," : "", i);
		for (int j = 0; j < 1000; j++)
			len += (size_t)snprintf(s + len, cap - len, "%s\"10.%d.%d.%d\"",
			    j ? "," : "", i, j / 256, j % 256);
		len += (size_t)snprintf(s + len, cap - len, "]}");
	}
	snprintf(s + len, cap - len, "]}");
	ck_assert_msg(parse(s) == FO_OK, "%s", err);
	ck_assert_uint_eq(set.rel[7].n_scopes, 1000);
	/* Now the last scope of r7 repeats the first of r2. */
	memcpy(strstr(s, "\"10.7.3.231\""), "\"10.2.0.0\"  ", 12);
	ck_assert_int_eq(parse(s), FO_ERR_CONFIG);
	ck_assert_str_eq(err, TOP "/relationships[name='r7']/scope-id[.='10.2.0.0']: "
	    "This scope-id is already part of another relationship: a scope belongs "
	    "to at most one relationship. (the other relationship is 'r2')");
	free(s);
}
END_TEST

/* Invalid documents: the status, the path and the reason. */
static const struct bad {
	const char *json;
	const char *path;     /* the message starts with "<path>: " */
	const char *reason;   /* found after the path */
} bad[] = {
	/* 0: bad percent */
	{ ONE(", \"load-balance-percent\": 101"), R1 "/load-balance-percent",
	  "out of the allowed range" },
	/* 1: MCLT 0 */
	{ ONE(", \"max-client-lead-time\": 0"), R1 "/max-client-lead-time",
	  "Unsatisfied range - value \"0\" is out of the allowed range." },
	/* 2: a scope in two relationships */
	{ "{\"relationships\": [{" MIN_REL "}, {\"name\": \"r2\", "
	  "\"partner-server\": \"10.9.9.9\", \"server-type\": \"secondary\", "
	  "\"scope-id\": [\"10.1.0.0\", \"10.0.0.0\"]}]}",
	  TOP "/relationships[name='r2']/scope-id[.='10.0.0.0']",
	  "already part of another relationship" },
	/* 3: reserve-percent in load-balance */
	{ ONE(", \"reserve-percent\": 10"), R1 "/reserve-percent",
	  "When condition \"../mode = 'hot-standby'\" not satisfied." },
	/* 4: server-role in load-balance */
	{ ONE(", \"server-role\": \"standby\""), R1 "/server-role",
	  "When condition" },
	/* 5: load-balance-percent in hot-standby */
	{ ONE(", \"mode\": \"hot-standby\", \"load-balance-percent\": 40"),
	  R1 "/load-balance-percent", "When condition \"../mode = 'load-balance'\"" },
	/* 6: state-switch-interval without auto-state-transition */
	{ ONE(", \"state-switch-interval\": 300"), R1 "/state-switch-interval",
	  "state-switch-interval requires auto-state-transition true." },
	/* 7: auto-state-transition without state-switch-interval */
	{ ONE(", \"auto-state-transition\": true"), R1 "/auto-state-transition",
	  "auto-state-transition true requires state-switch-interval." },
	/* 8: enable-auth without secret */
	{ ONE(", \"enable-auth\": true"), R1 "/enable-auth",
	  "enable-auth true requires shared-secret." },
	/* 9: secret without enable-auth */
	{ ONE(", \"shared-secret\": \"hush\""), R1 "/shared-secret",
	  "shared-secret requires enable-auth true." },
	/* 10: bad IP */
	{ "{\"relationships\": [{\"name\": \"r1\", \"partner-server\": \"10.0.0.256\", "
	  "\"server-type\": \"primary\", \"scope-id\": [\"10.0.0.0\"]}]}",
	  R1 "/partner-server", "no matching subtype" },
	/* 11: bad scope address */
	{ "{\"relationships\": [{\"name\": \"r1\", \"partner-server\": \"10.0.0.2\", "
	  "\"server-type\": \"primary\", \"scope-id\": [\"10.0.0\"]}]}",
	  R1 "/scope-id", "Unsatisfied pattern - \"10.0.0\" does not conform"
	  "|Failed to convert IPv4 address \"10.0.0\""   /* libyang 3 */
	  "|Failed to store IPv4 address \"10.0.0\"" },  /* libyang 5 */
	/* 12: unknown key in a relationship */
	{ ONE(", \"mclt\": 60"), R1 "/mclt: ", "unknown parameter (Node \"mclt\" "
	  "not found as a child of \"relationships\" node.)" },
	/* 13: unknown top-level key */
	{ "{\"relationship\": []}", TOP "/relationship: ", "unknown parameter "
	  "(Node \"relationship\" not found as a child of \"failover\" node.)" },
	/* 14: duplicate name */
	{ "{\"relationships\": [{" MIN_REL "}, {" MIN_REL "}]}", R1,
	  "Duplicate instance of \"relationships\"." },
	/* 15: name too long (127 characters) */
	{ "{\"relationships\": [{\"name\": \""
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "012345678901234567890123456789012345678901234567890123456789012\", "
	  "\"partner-server\": \"10.0.0.2\", \"server-type\": \"primary\", "
	  "\"scope-id\": [\"10.0.0.0\"]}]}",
	  TOP "/relationships[1]/name: ", "Unsatisfied length - string \"0123" },
	/* 16: state data in configuration */
	{ ONE(", \"state\": {\"state\": \"Normal\"}"), R1 "/state",
	  "Unexpected data state node \"state\" found." },
	/* 17: not JSON */
	{ "mode = load-balance", TOP, "the parameters are not a JSON object" },
	/* 18: not an object */
	{ "[{\"name\": \"r1\"}]", TOP, "the parameters are not a JSON object" },
	/* 19: trailing text */
	{ "{} {\"x\": 1}", TOP, "unexpected text after" },
	/* 20: wrong type (string for a number) */
	{ ONE(", \"partner-port\": \"647\""), R1 "/partner-port",
	  "Invalid non-number-encoded uint16 value \"647\"." },
	/* 21: wrong type (number for a boolean) */
	{ ONE(", \"enable-auth\": 1"), R1 "/enable-auth", "Invalid" },
	/* 22: missing server-type */
	{ "{\"relationships\": [{\"name\": \"r1\", \"partner-server\": \"10.0.0.2\", "
	  "\"scope-id\": [\"10.0.0.0\"]}]}", R1 "/server-type: ",
	  "Mandatory node \"server-type\" instance does not exist." },
	/* 23: missing partner-server */
	{ "{\"relationships\": [{\"name\": \"r1\", \"server-type\": \"primary\", "
	  "\"scope-id\": [\"10.0.0.0\"]}]}", R1 "/partner-server: ",
	  "Mandatory node \"partner-server\" instance does not exist." },
	/* 24: no scope */
	{ "{\"relationships\": [{\"name\": \"r1\", \"partner-server\": \"10.0.0.2\", "
	  "\"server-type\": \"primary\"}]}", R1 "/scope-id: ",
	  "Too few \"scope-id\" instances." },
	/* 25: local-address equal to partner-server */
	{ ONE(", \"local-address\": \"10.0.0.2\""), R1 "/partner-server",
	  "partner-server must not be this server's local-address." },
	/* 26: multicast partner (C check) */
	{ "{\"relationships\": [{\"name\": \"r1\", \"partner-server\": \"239.1.1.1\", "
	  "\"server-type\": \"primary\", \"scope-id\": [\"10.0.0.0\"]}]}",
	  R1 "/partner-server", "239.1.1.1 is not a unicast address" },
	/* 27: scope 0.0.0.0 (C check) */
	{ "{\"relationships\": [{\"name\": \"r1\", \"partner-server\": \"10.0.0.2\", "
	  "\"server-type\": \"primary\", \"scope-id\": [\"0.0.0.0\"]}]}",
	  R1 "/scope-id[.='0.0.0.0']", "not the network address of a unicast subnet" },
	/* 28: max-response-delay below its minimum */
	{ ONE(", \"max-response-delay\": 2"), R1 "/max-response-delay",
	  "out of the allowed range" },
	/* 29: unknown mode */
	{ ONE(", \"mode\": \"LoadBalance\""), R1 "/mode", "Invalid enumeration value" },
	/* 30: auth with the ISC dialect */
	{ ONE(", \"dialect\": \"isc\", \"enable-auth\": true, \"shared-secret\": \"k\""),
	  R1 "/enable-auth", "not available with dialect isc" },
	/* 31: a name of 126 characters but 252 bytes (C check) */
	{ "{\"relationships\": [{\"name\": \""
	  "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
	  "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
	  "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
	  "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
	  "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
	  "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
	  "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
	  "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
	  "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
	  "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
	  "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
	  "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
	  "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\", \"partner-server\": \"10.0.0.2\", "
	  "\"server-type\": \"primary\", \"scope-id\": [\"10.0.0.0\"]}]}",
	  TOP "/relationships[name='\xc3\xa9", "/name: longer than 126 bytes in UTF-8" },
	/* 32: relative state-directory */
	{ "{\"state-directory\": \"var/lib\"}", TOP "/state-directory",
	  "state-directory must be an absolute path." },
	/* 33: a secret that is too long is not echoed */
	{ ONE(", \"enable-auth\": true, \"shared-secret\": \""
	  "TOPSECRETTOPSECRETTOPSECRETTOPSECRETTOPSECRETTOPSECRETTOPSECRETTOPSECRET"
	  "TOPSECRETTOPSECRETTOPSECRETTOPSECRETTOPSECRETTOPSECRETTOPSECRETTOPSECRET"
	  "TOPSECRETTOPSECRETTOPSECRETTOPSECRETTOPSECRETTOPSECRETTOPSECRETTOPSECRET"
	  "TOPSECRETTOPSECRETTOPSECRETTOPSECRETTOPSECRETTOPSECRETTOPSECRETTOPSECRET"
	  "TOPSECRETTOPSECRETTOPSECRETTOPSECRET\""), R1 "/shared-secret",
	  "shared-secret must be 1 to 255 characters long." },
	/* 34: a secret of the wrong type is not echoed */
	{ ONE(", \"enable-auth\": true, \"shared-secret\": 271828"), R1 "/shared-secret",
	  "not shown: the shared secret is never printed" },
	/* 35: an IPv6 partner */
	{ "{\"relationships\": [{\"name\": \"r1\", \"partner-server\": \"2001:db8::1\", "
	  "\"server-type\": \"primary\", \"scope-id\": [\"10.0.0.0\"]}]}",
	  R1 "/partner-server", "no matching subtype" },
	/* 36: port 0 */
	{ ONE(", \"local-port\": 0"), R1 "/local-port", "out of the allowed range" },
	/* 37: a scope twice in one relationship (libyang 2.1.30 drops "failover/") */
	{ "{\"relationships\": [{\"name\": \"r1\", \"partner-server\": \"10.0.0.2\", "
	  "\"server-type\": \"primary\", \"scope-id\": [\"10.0.0.0\", \"10.0.0.0\"]}]}",
	  R1 "/scope-id[.='10.0.0.0']: ", "Duplicate instance of \"scope-id\"." },
	/* 38: an incomplete document */
	{ "{\"relationships\": [{\"name\": \"r1\"", TOP, "not a complete JSON object" },
	/* 39-45: text that is not UTF-8, named by its leaf (the value is not shown) */
	{ "{\"relationships\": [{\"name\": \"s\xff\", \"partner-server\": \"10.0.0.2\", "
	  "\"server-type\": \"primary\", \"scope-id\": [\"10.0.0.0\"]}]}",
	  TOP "/relationships[1]/name: ", "not valid UTF-8 (byte 2) (entry 1 of relationships" },
	{ ONE(", \"server-name\": \"d\xc3\xa9\xc3(\""), R1 "/server-name: ",
	  "not valid UTF-8 (byte 4)" },
	{ ONE(", \"enable-auth\": true, \"shared-secret\": \"hush\xed\xa0\x80\""),
	  R1 "/shared-secret: ", "not valid UTF-8 (byte 5)" },
	{ "{\"state-directory\": \"/var/\xc0\xaf\"}", TOP "/state-directory: ",
	  "not valid UTF-8 (byte 6)" },
	{ ONE(", \"partner-control-url\": \"http://h\xe9st/\""), R1 "/partner-control-url: ",
	  "not valid UTF-8 (byte 9)" },
	{ ONE(", \"x\x80\": 1"), R1 ": ", "a member name is not valid UTF-8 (byte 2)" },
	/* 126 bytes are the most: 64 x U+00E9 is 128 */
	{ "{\"relationships\": [{\"name\": \""
	  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	  "\", \"partner-server\": \"10.0.0.2\", \"server-type\": \"primary\", \"scope-id\": [\"10.0.0.0\"]}]}",
	  TOP "/relationships[name='\xc3\xa9", "/name: longer than 126 bytes in UTF-8" },
};

/*
 * Text in any language: the bytes of the UTF-8 (raw or from \\u escapes,
 * a surrogate pair included) are kept as they are, lengths in bytes.
 */
START_TEST(test_utf8_text)
{
	static const char e63[] =
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9";
	char doc[2048];

	/* 63 x U+00E9: 126 bytes, the most a name may have. */
	snprintf(doc, sizeof(doc), "{\"relationships\": [{\"name\": \"%s\", "
	    "\"partner-server\": \"10.0.0.2\", \"server-type\": \"primary\", "
	    "\"scope-id\": [\"10.0.0.0\"]}]}", e63);
	ck_assert_msg(parse(doc) == FO_OK, "%s", err);
	ck_assert_str_eq(set.rel[0].name, e63);
	ck_assert_uint_eq(strlen(set.rel[0].name), 126);
	/* Latin, Greek, Cyrillic, CJK and an emoji written as a surrogate pair. */
	ck_assert_msg(parse("{\"relationships\": [{\"name\": \"Z\xc3\xbcrich-S\xc3\xbc" "d "
	    "\\ud83d\\ude00\", \"partner-server\": \"10.0.0.2\", \"server-type\": \"primary\", "
	    "\"scope-id\": [\"10.0.0.0\"], \"server-name\": \"\xce\x91\xce\xb8\xce\xae\xce\xbd\xce\xb1\", "
	    "\"enable-auth\": true, \"shared-secret\": \"\xd1\x81\xd0\xb5\xd0\xba\xd1\x80\xd0\xb5\xd1\x82 "
	    "\\u6771\\u4eac\"}]}") == FO_OK, "%s", err);
	ck_assert_str_eq(set.rel[0].name, "Z\xc3\xbcrich-S\xc3\xbc" "d \xf0\x9f\x98\x80");
	ck_assert_str_eq(set.rel[0].server_name, "\xce\x91\xce\xb8\xce\xae\xce\xbd\xce\xb1");
	ck_assert_str_eq(set.rel[0].shared_secret,
	    "\xd1\x81\xd0\xb5\xd0\xba\xd1\x80\xd0\xb5\xd1\x82 \xe6\x9d\xb1\xe4\xba\xac");
}
END_TEST

/* A document with leaf `s` set to v (and what the leaf needs: its mode, auto-state-transition). */
static void
doc_with(char *doc, size_t len, const fo_setting *s, unsigned long long v)
{
	snprintf(doc, len, "{\"relationships\": [{" MIN_REL "%s%s, \"%s\": %llu}]}",
	    (s->flags & FO_SF_HS) != 0 ? ", \"mode\": \"hot-standby\"" : "",
	    (s->flags & FO_SF_AST) != 0 ? ", \"auto-state-transition\": true" : "", s->name, v);
}

/* The settings table agrees with the module: every number's range and default. */
START_TEST(test_settings_table_matches_module)
{
	char doc[1024];
	size_t numbers = 0;

	for (size_t i = 0; i < fo_settings_count; i++) {
		const fo_setting *s = &fo_settings[i];
		unsigned long long top = s->kind == FO_SK_U8 ? 0xff : s->kind == FO_SK_U16 ? 0xffff :
		    0xffffffffULL;

		if (s->kind != FO_SK_U8 && s->kind != FO_SK_U16 && s->kind != FO_SK_U32)
			continue;
		numbers++;
		doc_with(doc, sizeof(doc), s, s->min);
		ck_assert_msg(parse(doc) == FO_OK, "%s = min %u: %s", s->name, s->min, err);
		ck_assert_uint_eq(fo_setting_num(&set.rel[0], s), s->min);
		doc_with(doc, sizeof(doc), s, s->max);
		ck_assert_msg(parse(doc) == FO_OK, "%s = max %u: %s", s->name, s->max, err);
		ck_assert_uint_eq(fo_setting_num(&set.rel[0], s), s->max);
		if (s->min > 0) {
			doc_with(doc, sizeof(doc), s, s->min - 1ULL);
			ck_assert_msg(parse(doc) == FO_ERR_CONFIG, "%s = min - 1 accepted", s->name);
		}
		if (s->max < top) {
			doc_with(doc, sizeof(doc), s, s->max + 1ULL);
			ck_assert_msg(parse(doc) == FO_ERR_CONFIG, "%s = max + 1 accepted", s->name);
		}
	}
	ck_assert_uint_eq(numbers, 9);
	/* Defaults: a minimal relationship in each mode has the table's. */
	for (int hs = 0; hs < 2; hs++) {
		ck_assert(parse(hs ? ONE(", \"mode\": \"hot-standby\"") : ONE("")) == FO_OK);
		for (size_t i = 0; i < fo_settings_count; i++) {
			const fo_setting *s = &fo_settings[i];

			if (s->kind == FO_SK_TEXT || s->kind == FO_SK_HOST || s->kind == FO_SK_URL ||
			    s->kind == FO_SK_SCOPES || strcmp(s->name, "mode") == 0 ||
			    strcmp(s->name, "server-type") == 0)
				continue;
			ck_assert_msg(fo_setting_num(&set.rel[0], s) == s->def, "%s: default %u, got %u",
			    s->name, s->def, fo_setting_num(&set.rel[0], s));
		}
	}
	/* Every config leaf of a relationships entry in the module is in the table, and back. */
	{
		struct ly_ctx *ctx = NULL;
		const struct lysc_node *list, *k = NULL;
		size_t leaves = 0;

		ck_assert_int_eq(ly_ctx_new(FO_LY_SEARCH_DIR, FO_LY_CTX_OPTIONS, &ctx), LY_SUCCESS);
		ck_assert_int_eq(lys_parse_mem(ctx, fo_yang_module_text, LYS_IN_YANG, NULL),
		    LY_SUCCESS);
		list = lys_find_path(ctx, NULL, "/" FO_YANG_TOP "/relationships", 0);
		ck_assert_ptr_nonnull(list);
		while ((k = lys_getnext(k, list, NULL, 0)) != NULL) {
			if ((k->flags & LYS_CONFIG_W) == 0)
				continue;
			ck_assert_msg(fo_setting_find(k->name) != NULL, "%s: not in the table", k->name);
			leaves++;
		}
		ck_assert_uint_eq(leaves, fo_settings_count);
		ly_ctx_destroy(ctx);
	}
	ck_assert_ptr_null(fo_setting_find("mclt"));
}
END_TEST

/* Whether text holds one of the "|"-separated reasons (libyang words some
 * errors differently from version to version). */
static bool
has_reason(const char *text, const char *reasons)
{
	char one[256];

	for (const char *r = reasons, *bar; *r != '\0'; r = bar + (*bar == '|')) {
		bar = r + strcspn(r, "|");
		snprintf(one, sizeof(one), "%.*s", (int)(bar - r), r);
		if (strstr(text, one) != NULL)
			return true;
	}
	return false;
}

START_TEST(test_bad_document)
{
	const struct bad *b = &bad[_i];
	size_t plen = strlen(b->path);

	ck_assert_msg(parse(b->json) == FO_ERR_CONFIG, "case %d accepted", _i);
	ck_assert_uint_eq(set.n, 0);
	ck_assert_ptr_null(set.rel);
	ck_assert_msg(strncmp(err, b->path, plen) == 0,
	    "case %d: path: want \"%s\", got \"%s\"", _i, b->path, err);
	ck_assert_msg(strstr(err, ": ") != NULL, "case %d: no separator: %s", _i, err);
	ck_assert_msg(has_reason(err + plen, b->reason),
	    "case %d: reason: want \"%s\", got \"%s\"", _i, b->reason, err);
	ck_assert_msg(strstr(err, "TOPSECRET") == NULL && strstr(err, "271828") == NULL
	    && strstr(err, "hush") == NULL, "case %d: secret leaked: %s", _i, err);
}
END_TEST

/*
 * Errors about one relationship name it, whatever the order of its members
 * (libyang 2.1.30 leaves the key out of the path of what it meets before
 * the entry's key, and out of that of a missing mandatory node). Each
 * document has a good first relationship and a bad second one.
 */
#define GOOD "{\"relationships\": [{" MIN_REL "}, {"
#define LB_REST "\"partner-server\": \"10.0.0.3\", \"server-type\": \"primary\", " \
	"\"scope-id\": [\"10.1.0.0\"]"
#define LB "\"name\": \"lb-test\", " LB_REST
#define LBP TOP "/relationships[name='lb-test']"
#define NONAME " (entry 2 of relationships, counting from 1: its name is missing " \
	"or not valid)"

static const struct second {
	const char *json;
	const char *err;      /* the whole message */
} second[] = {
	/* 0: a value out of range, before the name */
	{ GOOD "\"max-client-lead-time\": 0, " LB "}]}",
	  LBP "/max-client-lead-time: Unsatisfied range - value \"0\" is out of "
	  "the allowed range." },
	/* 1: an unknown key, before the name */
	{ GOOD "\"max-client-lead-tim\": 0, " LB "}]}",
	  LBP "/max-client-lead-tim: unknown parameter (Node \"max-client-lead-tim\" "
	  "not found as a child of \"relationships\" node.)" },
	/* 2: an unknown key, after the name */
	{ GOOD LB ", \"max-client-lead-tim\": 0}]}",
	  LBP "/max-client-lead-tim: unknown parameter (Node \"max-client-lead-tim\" "
	  "not found as a child of \"relationships\" node.)" },
	/* 3: a missing mandatory leaf */
	{ GOOD "\"name\": \"lb-test\", \"partner-server\": \"10.0.0.3\", "
	  "\"scope-id\": [\"10.1.0.0\"]}]}",
	  LBP "/server-type: Mandatory node \"server-type\" instance does not exist." },
	/* 4: no scope */
	{ GOOD "\"name\": \"lb-test\", \"partner-server\": \"10.0.0.3\", "
	  "\"server-type\": \"primary\"}]}",
	  LBP "/scope-id: Too few \"scope-id\" instances." },
	/* 5: an empty name: the entry by its position */
	{ GOOD "\"name\": \"\", " LB_REST "}]}",
	  TOP "/relationships[2]/name: Unsatisfied length - string \"\" length is "
	  "not allowed." NONAME },
	/* 6: no name */
	{ GOOD LB_REST "}]}",
	  TOP "/relationships[2]: List instance is missing its key \"name\"." NONAME },
	/* 7: a name of the wrong JSON type */
	{ GOOD "\"name\": 5, " LB_REST "}]}",
	  TOP "/relationships[2]/name: Invalid non-string-encoded string value \"5\"."
	  NONAME },
	/* 8: a control character in the name */
	{ GOOD "\"name\": \"a\\tb\", " LB_REST "}]}",
	  TOP "/relationships[2]/name: A relationship name must not contain control "
	  "characters." NONAME },
	/* 9: a string for a number, before the name (an OPAQ re-parse fails here) */
	{ GOOD "\"partner-port\": \"647\", " LB "}]}",
	  LBP "/partner-port: Invalid non-number-encoded uint16 value \"647\"." },
	/* 10: an unknown object, before the name */
	{ GOOD "\"extra\": {\"a\": [1, {\"b\": \"]}\"}]}, " LB "}]}",
	  LBP "/extra: unknown parameter (Node \"extra\" not found as a child of "
	  "\"relationships\" node.)" },
	/* 11: a bad secret, before the name: still not shown */
	{ GOOD "\"shared-secret\": 271828, \"enable-auth\": true, " LB "}]}",
	  LBP "/shared-secret: invalid value (not shown: the shared secret is never "
	  "printed)" },
	/* 12: state data, before the name */
	{ GOOD "\"state\": {\"state\": \"Normal\"}, " LB "}]}",
	  LBP "/state: Unexpected data state node \"state\" found." },
	/* 13: a duplicate leaf: the path keeps its "failover/" step */
	{ GOOD "\"name\": \"lb-test\", \"partner-server\": \"10.0.0.3\", "
	  "\"server-type\": \"primary\", \"scope-id\": [\"10.1.0.0\", \"10.1.0.0\"]}]}",
	  LBP "/scope-id[.='10.1.0.0']: Duplicate instance of \"scope-id\"." },
	/* 14: a quote in the name */
	{ GOOD "\"mode\": \"x\", \"name\": \"it's\", " LB_REST "}]}",
	  TOP "/relationships[name=\"it's\"]/mode: Invalid enumeration value \"x\"." },
	/* 15: the same error in both: the first is named */
	{ "{\"relationships\": [{\"mode\": \"x\", " MIN_REL "}, {\"mode\": \"x\", " LB
	  "}]}", R1 "/mode: Invalid enumeration value \"x\"." },
	/* 16: the first has a validation error, the second a parse error */
	{ "{\"relationships\": [{\"name\": \"r1\", \"partner-server\": \"10.0.0.2\", "
	  "\"scope-id\": [\"10.0.0.0\"]}, {\"mode\": \"x\", " LB "}]}",
	  LBP "/mode: Invalid enumeration value \"x\"." },
};

START_TEST(test_second_relationship)
{
	ck_assert_msg(parse(second[_i].json) == FO_ERR_CONFIG, "case %d accepted", _i);
	ck_assert_msg(strcmp(err, second[_i].err) == 0,
	    "case %d:\nwant \"%s\"\ngot  \"%s\"", _i, second[_i].err, err);
	ck_assert_msg(strstr(err, "271828") == NULL, "case %d: secret leaked", _i);
}
END_TEST

/* In a list of 31, the bad entry is the one named. */
START_TEST(test_named_among_many)
{
	static const char type[] = "\"server-type\": \"secondary\", ";
	char *s = many(FO_MAX_RELATIONSHIPS), *p;

	/* r29 loses its server-type (blanked out, same length). */
	p = strstr(s, "\"name\": \"r29\"");
	ck_assert_ptr_nonnull(p);
	p = strstr(p, type);
	ck_assert_ptr_nonnull(p);
	memset(p, ' ', sizeof(type) - 1);
	ck_assert_int_eq(parse(s), FO_ERR_CONFIG);
	ck_assert_str_eq(err, TOP "/relationships[name='r29']/server-type: "
	    "Mandatory node \"server-type\" instance does not exist.");
	/* r17's name becomes empty: entry 18. */
	p = strstr(s, "\"r17\"");
	ck_assert_ptr_nonnull(p);
	memcpy(p, "\"\"   ", 5);
	ck_assert_int_eq(parse(s), FO_ERR_CONFIG);
	ck_assert_msg(strncmp(err, TOP "/relationships[18]/name: Unsatisfied length",
	    strlen(TOP "/relationships[18]/name: Unsatisfied length")) == 0, "%s", err);
	ck_assert_msg(strstr(err, "(entry 18 of relationships") != NULL, "%s", err);
	free(s);
}
END_TEST

/* Every proper prefix of a valid document is rejected, cleanly. */
START_TEST(test_truncations)
{
	size_t len = strlen(full_doc);
	char *buf = malloc(len + 1);

	ck_assert_ptr_nonnull(buf);
	for (size_t n = 0; n < len - 1; n++) {
		memcpy(buf, full_doc, n);
		buf[n] = '\0';
		ck_assert_msg(parse(buf) == FO_ERR_CONFIG, "prefix %zu accepted", n);
		ck_assert_msg(strncmp(err, TOP, strlen(TOP)) == 0, "prefix %zu: %s", n, err);
		ck_assert_uint_eq(set.n, 0);
	}
	free(buf);
}
END_TEST

/* Random byte damage (fixed seed, no clock): never a crash, always an answer. */
START_TEST(test_mutations)
{
	static const char alphabet[] = "{}[]\":,0123456789 \\aeltrunf-.";
	size_t len = strlen(full_doc);
	char *buf = malloc(len + 1);
	uint32_t x = 2463534242u;
	int ok = 0;

	ck_assert_ptr_nonnull(buf);
	for (int round = 0; round < 400; round++) {
		memcpy(buf, full_doc, len + 1);
		for (int k = 0; k < 1 + round % 4; k++) {
			x ^= x << 13; x ^= x >> 17; x ^= x << 5;
			buf[x % len] = alphabet[(x >> 16) % (sizeof(alphabet) - 1)];
		}
		fo_status st = parse(buf);
		ck_assert_msg(st == FO_OK || st == FO_ERR_CONFIG, "round %d: %d", round, st);
		if (st == FO_OK) {
			ok++;
			ck_assert_str_eq(err, "");
			teardown();
		} else {
			ck_assert_msg(err[0] == '/', "round %d: %s", round, err);
		}
	}
	ck_assert_int_lt(ok, 400);
	free(buf);
}
END_TEST

static Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("parse");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_minimal_gets_defaults);
	tcase_add_test(tc, test_hot_standby_defaults);
	tcase_add_test(tc, test_full_document);
	tcase_add_test(tc, test_no_parameters);
	tcase_add_test(tc, test_misuse);
	tcase_add_test(tc, test_max_relationships);
	tcase_add_test(tc, test_many_scopes);
	tcase_add_test(tc, test_utf8_text);
	tcase_add_test(tc, test_settings_table_matches_module);
	tcase_add_loop_test(tc, test_bad_document, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_loop_test(tc, test_second_relationship, 0,
	    (int)(sizeof(second) / sizeof(second[0])));
	tcase_add_test(tc, test_named_among_many);
	tcase_add_test(tc, test_truncations);
	tcase_add_test(tc, test_mutations);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(config_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
