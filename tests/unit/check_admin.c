/*
 * check_admin.c - run-time changes of the relationships (fo_admin.h):
 * add, set, remove, scope-add/-remove, partner-down, the file of the live
 * set and its use at load. No protocol driver (fo_engine_start is not
 * called): the engine is attached to three synthetic Kea subnets.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fo_admin.h"
#include "fo_engine_int.h"
#include "fo_config.h"
#include "fo_engine.h"
#include "fo_log.h"
#include "fo_relfile.h"

#define SECRET "adm1n-s3cret-never-shown"
#define IP(a, b, c, d) ((fo_ip4)(a) << 24 | (fo_ip4)(b) << 16 | (fo_ip4)(c) << 8 | (fo_ip4)(d))

static char dir[256];
static char logbuf[16384];

static void
capture(void *ctx, fo_log_id id, const char *const *args, size_t nargs)
{
	char msg[512];

	(void)ctx;
	fo_log_format(id, args, nargs, msg, sizeof(msg));
	strncat(logbuf, msg, sizeof(logbuf) - strlen(logbuf) - 2);
	strcat(logbuf, "\n");
}

static const fo_pool_range pools[3] = {
	{ IP(10, 0, 1, 0), IP(10, 0, 1, 99) },
	{ IP(10, 1, 1, 0), IP(10, 1, 1, 49) },
	{ IP(10, 2, 1, 0), IP(10, 2, 1, 9) },
};

/* fo_host.relationships_changed: the last parameters and how many calls. */
static char published[8192];
static int n_published;

static void
on_changed(void *ctx, const char *params)
{
	(void)ctx;
	snprintf(published, sizeof(published), "%s", params);
	n_published++;
}

/* An engine of `params` with `host`, attached to the first n of Kea's subnets 10.0/10.1/10.2.0.0. */
static fo_engine *
engine_of(const char *params, const fo_host *host, size_t n)
{
	fo_subnet sn[3];
	fo_engine *eng = NULL;
	char err[1024] = "";

	ck_assert_msg(fo_engine_create(&eng, params, host, err, sizeof(err)) == FO_OK, "%s", err);
	for (int i = 0; i < 3; i++) {
		memset(&sn[i], 0, sizeof(sn[i]));
		sn[i].subnet_id = (uint32_t)i + 1;
		sn[i].prefix = IP(10, i, 0, 0);
		sn[i].plen = 16;
		sn[i].pools = &pools[i];
		sn[i].n_pools = 1;
	}
	ck_assert_msg(fo_engine_attach(eng, sn, n, fo_wall_at(1000), err, sizeof(err)) == FO_OK,
	    "%s", err);
	return eng;
}

static fo_engine *
engine_with(const char *params)
{
	fo_host host = { .log = capture, .relationships_changed = on_changed };

	return engine_of(params, &host, 3);
}

/* The hook's parameters of these tests: r1 over 10.0.0.0. */
static fo_engine *
engine(void)
{
	char params[1024];

	snprintf(params, sizeof(params),
	    "{\"state-directory\": \"%s\", \"relationships\": ["
	    " {\"name\": \"r1\", \"partner-server\": \"10.9.0.2\", \"server-type\": \"primary\","
	    "  \"scope-id\": [\"10.0.0.0\"]}]}", dir);
	return engine_with(params);
}

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_admin.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	logbuf[0] = '\0';
	published[0] = '\0';
	n_published = 0;
}

static void
teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static const fo_kv rel2[] = {
	{ "name", "\"r2\"" },
	{ "partner-server", "\"10.9.0.3\"" },
	{ "server-type", "\"secondary\"" },
	{ "mode", "\"hot-standby\"" },
	{ "server-role", "\"standby\"" },
	{ "scope-id", "[\"10.1.0.0\"]" },
	{ "max-client-lead-time", "900" },
};
#define N(a) (sizeof(a) / sizeof((a)[0]))

/*
 * The operator's local-only removal with force: these tests are about what
 * a removal does, not about when it is allowed (local_removal_* below).
 */
static fo_status
forced_remove(fo_engine *eng, const char *name, int64_t t, char *msg, size_t len)
{
	const fo_admin_req rm = { FO_ADMIN_REMOVE, name, NULL, 0, NULL, 0, NULL, 0, false };

	return fo_engine_admin(eng, &rm, true, fo_wall_at(t), msg, len);
}

static char *
get(fo_engine *eng, const char *name)
{
	char *json = NULL, err[256];

	ck_assert_int_eq(fo_engine_get_json(eng, name, 0, false, fo_wall_at(1001), &json, err,
	    sizeof(err)), FO_OK);
	return json;
}

START_TEST(add_builds_scope_and_persists)
{
	fo_engine *eng = engine();
	char msg[1024] = "", path[512];
	struct stat sb;
	char *j;

	ck_assert_msg(fo_engine_admin_add(eng, rel2, N(rel2), fo_wall_at(1001), msg, sizeof(msg))
	    == FO_OK, "%s", msg);
	ck_assert_uint_eq(fo_engine_relationship_count(eng), 2);
	ck_assert_ptr_nonnull(strstr(msg, "'r2' added"));
	j = get(eng, "r2");
	ck_assert_ptr_nonnull(strstr(j, "\"max-client-lead-time\":900"));
	ck_assert_ptr_nonnull(strstr(j, "\"total\":50"));        /* the scope's table is built */
	free(j);
	snprintf(path, sizeof(path), "%s/" FO_RELFILE_NAME, dir);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
	fo_engine_destroy(eng);
}
END_TEST

START_TEST(add_refuses_bad_input_and_changes_nothing)
{
	fo_engine *eng = engine();
	fo_kv bad[N(rel2)];
	char msg[1024] = "";

	/* the name is taken */
	memcpy(bad, rel2, sizeof(bad));
	bad[0].json = "\"r1\"";
	ck_assert_int_eq(fo_engine_admin_add(eng, bad, N(bad), fo_wall_at(1001), msg, sizeof(msg)),
	    FO_ERR_EXISTS);
	ck_assert_ptr_nonnull(strstr(msg, "name:"));
	/* a scope of r1: the YANG module's must */
	memcpy(bad, rel2, sizeof(bad));
	bad[5].json = "[\"10.0.0.0\"]";
	ck_assert_int_eq(fo_engine_admin_add(eng, bad, N(bad), fo_wall_at(1001), msg, sizeof(msg)),
	    FO_ERR_CONFIG);
	ck_assert_msg(strstr(msg, "already part of another relationship") != NULL, "%s", msg);
	/* a value out of range names its leaf */
	memcpy(bad, rel2, sizeof(bad));
	bad[6].json = "0";
	ck_assert_int_eq(fo_engine_admin_add(eng, bad, N(bad), fo_wall_at(1001), msg, sizeof(msg)),
	    FO_ERR_CONFIG);
	ck_assert_msg(strstr(msg, "relationships[name='r2']/max-client-lead-time") != NULL, "%s", msg);
	/* no Kea subnet */
	memcpy(bad, rel2, sizeof(bad));
	bad[5].json = "[\"10.7.0.0\"]";
	ck_assert_int_eq(fo_engine_admin_add(eng, bad, N(bad), fo_wall_at(1001), msg, sizeof(msg)),
	    FO_ERR_CONFIG);
	ck_assert_msg(strstr(msg, "scope-id[.='10.7.0.0']: no Kea subnet4") != NULL, "%s", msg);
	/* no name */
	ck_assert_int_eq(fo_engine_admin_add(eng, rel2 + 1, N(rel2) - 1, fo_wall_at(1001), msg,
	    sizeof(msg)), FO_ERR_CONFIG);
	ck_assert_ptr_nonnull(strstr(msg, "name: missing"));
	ck_assert_uint_eq(fo_engine_relationship_count(eng), 1);
	fo_engine_destroy(eng);
}
END_TEST

START_TEST(set_changes_leaves_with_the_rules)
{
	fo_engine *eng = engine();
	const fo_kv auth[] = { { "enable-auth", "true" }, { "shared-secret", "\"" SECRET "\"" } };
	const fo_kv noauth[] = { { "enable-auth", "false" } };
	const fo_kv mode[] = { { "mode", "\"hot-standby\"" } };
	const fo_kv reset[] = { { "max-client-lead-time", "null" } };
	const fo_kv mclt[] = { { "max-client-lead-time", "120" } };
	const fo_kv scope[] = { { "scope-id", "[\"10.2.0.0\"]" } };
	char msg[1024] = "";
	char *j;

	ck_assert_int_eq(fo_engine_admin_set(eng, "nope", mclt, 1, fo_wall_at(1001), msg,
	    sizeof(msg)), FO_ERR_NOTFOUND);
	ck_assert_int_eq(fo_engine_admin_set(eng, "r1", scope, 1, fo_wall_at(1001), msg,
	    sizeof(msg)), FO_ERR_CONFIG);
	ck_assert_ptr_nonnull(strstr(msg, "scope-id:"));
	ck_assert_msg(fo_engine_admin_set(eng, "r1", mclt, 1, fo_wall_at(1001), msg, sizeof(msg))
	    == FO_OK, "%s", msg);
	j = get(eng, "r1");
	ck_assert_ptr_nonnull(strstr(j, "\"max-client-lead-time\":120"));
	free(j);
	ck_assert_msg(fo_engine_admin_set(eng, "r1", auth, 2, fo_wall_at(1001), msg, sizeof(msg))
	    == FO_OK, "%s", msg);
	j = get(eng, "r1");
	ck_assert_ptr_nonnull(strstr(j, "\"enable-auth\":true"));
	ck_assert_ptr_null(strstr(j, SECRET));
	free(j);
	ck_assert_ptr_null(strstr(msg, SECRET));
	/* enable-auth false drops the secret (YANG: the secret requires enable-auth) */
	ck_assert_msg(fo_engine_admin_set(eng, "r1", noauth, 1, fo_wall_at(1001), msg, sizeof(msg))
	    == FO_OK, "%s", msg);
	/* load-balance -> hot-standby drops load-balance-percent and -max-seconds */
	ck_assert_msg(fo_engine_admin_set(eng, "r1", mode, 1, fo_wall_at(1001), msg, sizeof(msg))
	    == FO_OK, "%s", msg);
	ck_assert_msg(fo_engine_admin_set(eng, "r1", reset, 1, fo_wall_at(1001), msg, sizeof(msg))
	    == FO_OK, "%s", msg);
	j = get(eng, "r1");
	ck_assert_ptr_nonnull(strstr(j, "\"mode\":\"hot-standby\""));
	ck_assert_ptr_nonnull(strstr(j, "\"max-client-lead-time\":3600"));
	ck_assert_ptr_nonnull(strstr(j, "\"enable-auth\":false"));
	free(j);
	fo_engine_destroy(eng);
}
END_TEST

START_TEST(scopes_add_and_remove)
{
	fo_engine *eng = engine();
	fo_ip4 s2 = IP(10, 2, 0, 0), s0 = IP(10, 0, 0, 0), s9 = IP(10, 9, 9, 0);
	char msg[1024] = "";
	char *j;

	ck_assert_msg(fo_engine_admin_scopes(eng, "r1", &s2, 1, true, fo_wall_at(1001), msg,
	    sizeof(msg)) == FO_OK, "%s", msg);
	j = get(eng, "r1");
	ck_assert_ptr_nonnull(strstr(j, "\"scope-id\":[\"10.0.0.0\",\"10.2.0.0\"]"));
	ck_assert_ptr_nonnull(strstr(j, "\"total\":10"));
	free(j);
	ck_assert_int_eq(fo_engine_admin_scopes(eng, "r1", &s2, 1, true, fo_wall_at(1001), msg,
	    sizeof(msg)), FO_ERR_CONFIG);
	ck_assert_int_eq(fo_engine_admin_scopes(eng, "r1", &s9, 1, false, fo_wall_at(1001), msg,
	    sizeof(msg)), FO_ERR_CONFIG);
	ck_assert_int_eq(fo_engine_admin_scopes(eng, "zz", &s2, 1, false, fo_wall_at(1001), msg,
	    sizeof(msg)), FO_ERR_NOTFOUND);
	ck_assert_msg(fo_engine_admin(eng, &(fo_admin_req){ FO_ADMIN_SCOPE_REMOVE, "r1", NULL, 0,
	    &s2, 1, NULL, 0, false }, true, fo_wall_at(1001), msg, sizeof(msg)) == FO_OK, "%s",
	    msg);
	/* the last scope cannot go */
	ck_assert_int_eq(fo_engine_admin_scopes(eng, "r1", &s0, 1, false, fo_wall_at(1001), msg,
	    sizeof(msg)), FO_ERR_CONFIG);
	ck_assert_ptr_nonnull(strstr(msg, "failover-remove"));
	fo_engine_destroy(eng);
}
END_TEST

START_TEST(the_file_replaces_the_parameters_at_load)
{
	fo_engine *eng = engine();
	char msg[1024] = "", path[512];
	FILE *f;

	ck_assert_msg(fo_engine_admin_add(eng, rel2, N(rel2), fo_wall_at(1001), msg, sizeof(msg))
	    == FO_OK, "%s", msg);
	ck_assert_msg(forced_remove(eng, "r1", 1002, msg, sizeof(msg)) == FO_OK, "%s", msg);
	ck_assert_int_eq(fo_engine_admin_remove(eng, "r1", fo_wall_at(1002), msg, sizeof(msg)),
	    FO_ERR_NOTFOUND);
	fo_engine_shutdown(eng, fo_wall_at(1003));
	fo_engine_destroy(eng);
	logbuf[0] = '\0';
	eng = engine();         /* the parameters name r1 only */
	ck_assert_uint_eq(fo_engine_relationship_count(eng), 1);
	ck_assert_ptr_nonnull(strstr(logbuf, "replace the 1 of the hook's parameters"));
	{
		char *j = get(eng, NULL);

		ck_assert_ptr_nonnull(strstr(j, "\"name\":\"r2\""));
		ck_assert_ptr_null(strstr(j, "\"name\":\"r1\""));
		free(j);
	}
	fo_engine_destroy(eng);
	/* a broken file refuses the load, naming the file */
	snprintf(path, sizeof(path), "%s/" FO_RELFILE_NAME, dir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("{\"relationships\": [{\"name\": 5}]}", f);
	fclose(f);
	{
		fo_engine *e2 = NULL;
		char params[512], err[1024] = "";

		snprintf(params, sizeof(params), "{\"state-directory\": \"%s\"}", dir);
		ck_assert_int_eq(fo_engine_create(&e2, params, NULL, err, sizeof(err)), FO_ERR_CONFIG);
		ck_assert_msg(strstr(err, FO_RELFILE_NAME) != NULL, "%s", err);
		ck_assert_ptr_null(e2);
	}
}
END_TEST

START_TEST(set_json_round_trips)
{
	fo_relationship_set a, b;
	char err[512] = "", *t;
	const char *p = "{\"relationships\": [{\"name\": \"x\", \"partner-server\": \"peer.example\","
	    " \"server-type\": \"secondary\", \"scope-id\": [\"10.0.0.0\", \"10.3.0.0\"],"
	    " \"enable-auth\": true, \"shared-secret\": \"q\\\"uote\\\\\","
	    " \"auto-state-transition\": true, \"state-switch-interval\": 60}]}";

	ck_assert_msg(fo_config_parse(p, &a, err, sizeof(err)) == FO_OK, "%s", err);
	ck_assert_ptr_nonnull(t = fo_relfile_set_json(&a, false));
	ck_assert_msg(fo_config_parse(t, &b, err, sizeof(err)) == FO_OK, "%s: %s", t, err);
	ck_assert_str_eq(b.rel[0].shared_secret, "q\"uote\\");
	ck_assert_uint_eq(b.rel[0].n_scopes, 2);
	ck_assert_uint_eq(b.rel[0].state_switch_interval, 60);
	ck_assert_int_eq(b.rel[0].server_type, FO_SECONDARY);
	free(t);
	fo_relationship_set_clear(&a);
	fo_relationship_set_clear(&b);
}
END_TEST

/*
 * Names in any script are added (raw UTF-8 or \\u escapes), listed as
 * their UTF-8, addressed by their bytes, kept in the file across a
 * restart; a name that is not UTF-8 is refused naming the leaf.
 */
#define ZURICH "Z\xc3\xbcrich-S\xc3\xbc" "d"
#define TOKYO "\xe6\x9d\xb1\xe4\xba\xac \xf0\x9f\x98\x80"
START_TEST(names_in_any_script)
{
	fo_engine *eng = engine();
	fo_kv kv[N(rel2)];
	char msg[1024] = "", path[512], text[4096] = "";
	size_t n;
	FILE *f;
	char *j;

	memcpy(kv, rel2, sizeof(kv));
	kv[0].json = "\"" ZURICH "\"";
	ck_assert_msg(fo_engine_admin_add(eng, kv, N(kv), fo_wall_at(1001), msg, sizeof(msg))
	    == FO_OK, "%s", msg);
	kv[0].json = "\"\\u6771\\u4eac \\ud83d\\ude00\"";
	kv[5].json = "[\"10.2.0.0\"]";
	ck_assert_msg(fo_engine_admin_add(eng, kv, N(kv), fo_wall_at(1001), msg, sizeof(msg))
	    == FO_OK, "%s", msg);
	ck_assert_ptr_nonnull(strstr(msg, "'" TOKYO "' added"));
	j = get(eng, ZURICH);
	ck_assert_ptr_nonnull(strstr(j, "\"name\":\"" ZURICH "\""));
	free(j);
	ck_assert_msg(fo_engine_admin_set(eng, TOKYO, &kv[6], 1, fo_wall_at(1002), msg,
	    sizeof(msg)) == FO_OK, "%s", msg);
	ck_assert_int_eq(fo_engine_admin_partner_down(eng, ZURICH, fo_wall_at(1002), msg,
	    sizeof(msg)), FO_ERR_STATE);              /* found; its state refuses it */
	/* the file holds the UTF-8 itself; a restart reads it back */
	snprintf(path, sizeof(path), "%s/" FO_RELFILE_NAME, dir);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	ck_assert_ptr_nonnull(strstr(text, "\"" ZURICH "\""));
	ck_assert_ptr_nonnull(strstr(text, "\"" TOKYO "\""));
	fo_engine_shutdown(eng, fo_wall_at(1003));
	fo_engine_destroy(eng);
	eng = engine();
	ck_assert_uint_eq(fo_engine_relationship_count(eng), 3);
	ck_assert_msg(forced_remove(eng, TOKYO, 1004, msg, sizeof(msg)) == FO_OK, "%s", msg);
	ck_assert_msg(forced_remove(eng, ZURICH, 1004, msg, sizeof(msg)) == FO_OK, "%s", msg);
	/* not UTF-8: refused, the leaf named */
	kv[0].json = "\"s\xff\"";
	kv[5].json = "[\"10.2.0.0\"]";
	ck_assert_int_eq(fo_engine_admin_add(eng, kv, N(kv), fo_wall_at(1005), msg, sizeof(msg)),
	    FO_ERR_CONFIG);
	ck_assert_msg(strstr(msg, "/name: not valid UTF-8 (byte 2)") != NULL, "%s", msg);
	ck_assert_uint_eq(fo_engine_relationship_count(eng), 1);
	fo_engine_destroy(eng);
}
END_TEST

/*
 * Each change hands the host the new parameters (secrets included: the
 * host hides them where it shows them); a refused change hands nothing.
 */
START_TEST(changes_are_published_as_parameters)
{
	fo_engine *eng = engine();
	fo_kv kv[N(rel2) + 2];
	fo_relationship_set set;
	char msg[1024] = "", err[512] = "", *p;

	memcpy(kv, rel2, sizeof(rel2));
	kv[N(rel2)] = (fo_kv){ "enable-auth", "true" };
	kv[N(rel2) + 1] = (fo_kv){ "shared-secret", "\"" SECRET "\"" };
	ck_assert_msg(fo_engine_admin_add(eng, kv, N(kv), fo_wall_at(1001), msg, sizeof(msg))
	    == FO_OK, "%s", msg);
	ck_assert_int_eq(n_published, 1);
	ck_assert_ptr_nonnull(p = fo_engine_parameters_json(eng));
	ck_assert_str_eq(published, p);
	free(p);
	ck_assert_msg(fo_config_parse(published, &set, err, sizeof(err)) == FO_OK, "%s", err);
	ck_assert_uint_eq(set.n, 2);
	ck_assert_str_eq(set.state_directory, dir);
	ck_assert_str_eq(set.rel[1].name, "r2");
	ck_assert_str_eq(set.rel[1].shared_secret, SECRET);
	ck_assert_uint_eq(set.rel[1].mclt, 900);
	fo_relationship_set_clear(&set);
	ck_assert_msg(fo_engine_admin_set(eng, "r2", &(fo_kv){ "max-client-lead-time", "1200" }, 1,
	    fo_wall_at(1002), msg, sizeof(msg)) == FO_OK, "%s", msg);
	ck_assert_int_eq(n_published, 2);
	ck_assert_ptr_nonnull(strstr(published, "\"max-client-lead-time\":1200"));
	/* refused: nothing published */
	ck_assert_int_eq(fo_engine_admin_set(eng, "r2", &(fo_kv){ "max-client-lead-time", "0" }, 1,
	    fo_wall_at(1003), msg, sizeof(msg)), FO_ERR_CONFIG);
	ck_assert_int_eq(fo_engine_admin_remove(eng, "nope", fo_wall_at(1003), msg, sizeof(msg)),
	    FO_ERR_NOTFOUND);
	ck_assert_int_eq(n_published, 2);
	/* refused while the partner may serve r2: nothing published */
	ck_assert_int_eq(fo_engine_admin_remove(eng, "r2", fo_wall_at(1004), msg, sizeof(msg)),
	    FO_ERR_STATE);
	ck_assert_int_eq(n_published, 2);
	ck_assert_msg(forced_remove(eng, "r2", 1004, msg, sizeof(msg)) == FO_OK, "%s", msg);
	ck_assert_int_eq(n_published, 3);
	ck_assert_ptr_null(strstr(published, "\"r2\""));
	fo_engine_destroy(eng);
}
END_TEST

static bool
exists(const char *suffix)
{
	char path[512];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/" FO_RELFILE_NAME "%s", dir, suffix);
	return stat(path, &sb) == 0;
}

static uint32_t
mclt_of(fo_engine *eng, const char *name)
{
	char *j = get(eng, name), *m = strstr(j, "\"max-client-lead-time\":");
	uint32_t v = m != NULL ? (uint32_t)strtoul(m + 23, NULL, 10) : 0;

	free(j);
	return v;
}

/*
 * The file of run-time changes is used only with the parameters it was
 * made for (its configured-crc32): a restart from the same configuration
 * (kill -9, config-reload) keeps the changes; a configuration written by
 * config-write (the live set) makes the file redundant: removed; other
 * parameters win over it: the file is kept aside.
 */
START_TEST(the_file_is_used_with_the_parameters_it_was_made_for)
{
	fo_engine *eng = engine();
	char msg[1024] = "", *written;
	FILE *f;

	ck_assert_msg(fo_engine_admin_add(eng, rel2, N(rel2), fo_wall_at(1001), msg, sizeof(msg))
	    == FO_OK, "%s", msg);
	ck_assert_ptr_nonnull(written = fo_engine_parameters_json(eng));   /* config-write */
	fo_engine_destroy(eng);
	/* restart from the configuration config-write wrote: the same set, file removed */
	logbuf[0] = '\0';
	eng = engine_with(written);
	ck_assert_uint_eq(fo_engine_relationship_count(eng), 2);
	ck_assert_msg(strstr(logbuf, "holds the relationships of the hook's parameters") != NULL,
	    "%s", logbuf);
	ck_assert(!exists(""));
	/* a change, then kill -9 and a restart from the same configuration: the change stays */
	ck_assert_msg(fo_engine_admin_set(eng, "r2", &(fo_kv){ "max-client-lead-time", "1200" }, 1,
	    fo_wall_at(1002), msg, sizeof(msg)) == FO_OK, "%s", msg);
	fo_engine_destroy(eng);
	logbuf[0] = '\0';
	eng = engine_with(written);
	ck_assert_uint_eq(mclt_of(eng, "r2"), 1200);
	ck_assert_ptr_nonnull(strstr(logbuf, "replace the 2 of the hook's parameters"));
	fo_engine_destroy(eng);
	/* other parameters (the configuration was edited): they win, the file is kept aside */
	logbuf[0] = '\0';
	eng = engine();
	ck_assert_uint_eq(fo_engine_relationship_count(eng), 1);
	ck_assert_msg(strstr(logbuf, "the hook's parameters changed since") != NULL, "%s", logbuf);
	ck_assert_ptr_nonnull(strstr(logbuf, FO_RELFILE_NAME ".superseded"));
	ck_assert(!exists("") && exists(".superseded"));
	fo_engine_destroy(eng);
	free(written);
	/* a file of an earlier version (no configured-crc32) is used */
	ck_assert_ptr_nonnull(f = fopen(strcat(strcpy(msg, dir), "/" FO_RELFILE_NAME), "w"));
	fputs("{\"relationships\": [{\"name\": \"old\", \"partner-server\": \"10.9.0.2\","
	    " \"server-type\": \"primary\", \"scope-id\": [\"10.2.0.0\"]}]}", f);
	fclose(f);
	eng = engine();
	ck_assert_uint_eq(fo_engine_relationship_count(eng), 1);
	ck_assert_uint_eq(mclt_of(eng, "old"), 3600);
	fo_engine_destroy(eng);
}
END_TEST

/* A file that cannot be read as one refuses the load, whatever it was made for. */
START_TEST(a_file_that_cannot_be_read_refuses_the_load)
{
	fo_engine *eng = engine(), *e2 = NULL;
	char msg[1024] = "", err[1024] = "", params[512], path[512], text[4096];
	size_t n;
	FILE *f;

	ck_assert_msg(fo_engine_admin_add(eng, rel2, N(rel2), fo_wall_at(1001), msg, sizeof(msg))
	    == FO_OK, "%s", msg);
	fo_engine_destroy(eng);
	snprintf(path, sizeof(path), "%s/" FO_RELFILE_NAME, dir);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	ck_assert_msg(strncmp(text, "{\"" FO_RELFILE_CRC_MEMBER "\":\"", 21) == 0, "%s", text);
	snprintf(params, sizeof(params), "{\"state-directory\": \"%s\"}", dir);
	/* not UTF-8 */
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("{\"relationships\": [{\"name\": \"s\xff\"}]}", f);
	fclose(f);
	ck_assert_int_eq(fo_engine_create(&e2, params, NULL, err, sizeof(err)), FO_ERR_CONFIG);
	ck_assert_msg(strstr(err, "not valid UTF-8 (byte 31") != NULL, "%s", err);
	/* a crc that is no crc */
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("{\"" FO_RELFILE_CRC_MEMBER "\": 7, \"relationships\": []}", f);
	fclose(f);
	ck_assert_int_eq(fo_engine_create(&e2, params, NULL, err, sizeof(err)), FO_ERR_CONFIG);
	ck_assert_msg(strstr(err, FO_RELFILE_CRC_MEMBER ": must be 8 hexadecimal") != NULL, "%s",
	    err);
	ck_assert_ptr_null(e2);
}
END_TEST

START_TEST(partner_down_only_where_it_makes_sense)
{
	fo_engine *eng = engine();
	char msg[1024] = "", err[256];
	char *j;

	fo_engine_enable_test_seam(eng);
	ck_assert_int_eq(fo_engine_admin_partner_down(eng, "nope", fo_wall_at(1001), msg,
	    sizeof(msg)), FO_ERR_NOTFOUND);
	ck_assert_int_eq(fo_engine_test_set_state(eng, "r1", FO_STATE_NORMAL, FO_STATE_NORMAL,
	    fo_wall_at(1001), err, sizeof(err)), FO_OK);
	ck_assert_int_eq(fo_engine_admin_partner_down(eng, "r1", fo_wall_at(1002), msg,
	    sizeof(msg)), FO_ERR_STATE);
	ck_assert_ptr_nonnull(strstr(msg, "Normal"));
	ck_assert_int_eq(fo_engine_test_set_state(eng, "r1", FO_STATE_POTENTIAL_CONFLICT,
	    FO_STATE_NORMAL, fo_wall_at(1003), err, sizeof(err)), FO_OK);
	ck_assert_int_eq(fo_engine_admin_partner_down(eng, "r1", fo_wall_at(1004), msg,
	    sizeof(msg)), FO_ERR_STATE);
	ck_assert_ptr_nonnull(strstr(msg, "conflict resolution"));
	ck_assert_int_eq(fo_engine_test_set_state(eng, "r1", FO_STATE_COMM_INTERRUPTED,
	    FO_STATE_NOSTATE, fo_wall_at(1005), err, sizeof(err)), FO_OK);
	ck_assert_msg(fo_engine_admin_partner_down(eng, "r1", fo_wall_at(1006), msg, sizeof(msg))
	    == FO_OK, "%s", msg);
	j = get(eng, "r1");
	ck_assert_ptr_nonnull(strstr(j, "\"state\":\"PartnerDown\""));
	free(j);
	ck_assert_int_eq(fo_engine_admin_partner_down(eng, "r1", fo_wall_at(1007), msg,
	    sizeof(msg)), FO_ERR_STATE);
	ck_assert_ptr_nonnull(strstr(msg, "already in PartnerDown"));
	fo_engine_destroy(eng);
}
END_TEST

/* ---- Retired scopes: the partner's side of a removal on both partners ---- */

static int n_retired_drops;

static void
count_stat(void *ctx, const char *name, int64_t delta)
{
	(void)ctx;
	if (strcmp(name, "failover-retired.queries-dropped") == 0)
		n_retired_drops += (int)delta;
}

/* r1 over 10.0.0.0 and 10.1.0.0; Kea's subnets 1-3 are 10.0/10.1/10.2.0.0 (n of them). */
static fo_engine *
retire_engine(size_t n)
{
	fo_host host = { .log = capture, .stat_add = count_stat,
	    .relationships_changed = on_changed };
	char params[1024];

	snprintf(params, sizeof(params),
	    "{\"state-directory\": \"%s\", \"relationships\": ["
	    " {\"name\": \"r1\", \"partner-server\": \"10.9.0.2\", \"server-type\": \"primary\","
	    "  \"scope-id\": [\"10.0.0.0\", \"10.1.0.0\"]}]}", dir);
	return engine_of(params, &host, n);
}

static fo_verdict
discover(fo_engine *eng, uint32_t subnet_id)
{
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 7 };
	fo_client_ref c = { NULL, 0, mac, 6, 1 };

	return fo_engine_query(eng, subnet_id, FO_MSG_DISCOVER, 0, &c, fo_wall_at(1002));
}

static char *
retired_json(fo_engine *eng)
{
	char *j = fo_engine_retired_get_json(eng);

	ck_assert_ptr_nonnull(j);
	return j;
}

START_TEST(partner_scope_remove_retires_and_add_lifts)
{
	fo_engine *eng = retire_engine(3);
	fo_ip4 s10 = IP(10, 1, 0, 0);
	fo_admin_req rm = { FO_ADMIN_SCOPE_REMOVE, "r1", NULL, 0, &s10, 1, NULL, 0, false };
	fo_lease l = { .subnet_id = 2, .addr = IP(10, 1, 1, 5) };
	char msg[1024] = "", path[512], *j;
	struct stat sb;

	n_retired_drops = 0;
	ck_assert_msg(fo_engine_admin_partner(eng, &rm, fo_wall_at(1001), msg, sizeof(msg)) ==
	    FO_OK, "%s", msg);
	ck_assert_msg(strstr(msg, "retired on this server") != NULL, "%s", msg);
	ck_assert_msg(strstr(logbuf, "scope 10.1.0.0 retired (relationship r1") != NULL, "%s",
	    logbuf);
	snprintf(path, sizeof(path), "%s/relationships.json.retired", dir);
	ck_assert_int_eq(stat(path, &sb), 0);
	/* Retired: no answer (counted), no lease; the subnet in no relationship is Kea's. */
	ck_assert_int_eq(discover(eng, 2), FO_V_DROP);
	ck_assert_int_eq(fo_engine_lease_select(eng, &l, fo_wall_at(1002)), FO_V_REFUSE);
	ck_assert_int_eq(n_retired_drops, 1);
	ck_assert_int_eq(discover(eng, 3), FO_V_PASS);
	j = retired_json(eng);
	ck_assert_msg(strstr(j, "{\"scope-id\":\"10.1.0.0\",\"relationship\":\"r1\","
	    "\"retired-at\":1001}") != NULL && strstr(j, "\"damaged\":false") != NULL, "%s", j);
	free(j);
	/* A restart (kill -9: nothing else is saved at exit) keeps it. */
	fo_engine_destroy(eng);
	eng = retire_engine(3);
	ck_assert_int_eq(discover(eng, 2), FO_V_DROP);
	/* Added to a relationship again: lifted, saved. */
	logbuf[0] = '\0';
	ck_assert_msg(fo_engine_admin_scopes(eng, "r1", &s10, 1, true, fo_wall_at(1003), msg,
	    sizeof(msg)) == FO_OK, "%s", msg);
	ck_assert_msg(strstr(logbuf, "scope 10.1.0.0 is in failover relationship r1 again") !=
	    NULL, "%s", logbuf);
	j = retired_json(eng);
	ck_assert_msg(strstr(j, "\"scopes\":[]") != NULL, "%s", j);
	free(j);
	fo_engine_destroy(eng);
	eng = retire_engine(3);
	j = retired_json(eng);
	ck_assert_msg(strstr(j, "\"scopes\":[]") != NULL, "%s", j);
	free(j);
	fo_engine_destroy(eng);
}
END_TEST

START_TEST(partner_remove_retires_every_scope_operator_remove_none)
{
	fo_engine *eng = retire_engine(3);
	fo_admin_req rm = { FO_ADMIN_REMOVE, "r1", NULL, 0, NULL, 0, NULL, 0, false };
	char msg[1024] = "", *j;

	/* The operator's own local-only remove, forced: served without failover. */
	ck_assert_msg(forced_remove(eng, "r1", 1001, msg, sizeof(msg)) == FO_OK, "%s", msg);
	ck_assert_msg(strstr(msg, "by the partner unless it removed them too") != NULL, "%s", msg);
	ck_assert_int_eq(discover(eng, 1), FO_V_PASS);
	ck_assert_int_eq(discover(eng, 2), FO_V_PASS);
	fo_engine_destroy(eng);
	teardown();
	setup();
	eng = retire_engine(3);
	ck_assert_msg(fo_engine_admin_partner(eng, &rm, fo_wall_at(1001), msg, sizeof(msg)) ==
	    FO_OK, "%s", msg);
	ck_assert_int_eq(discover(eng, 1), FO_V_DROP);
	ck_assert_int_eq(discover(eng, 2), FO_V_DROP);
	ck_assert_int_eq(discover(eng, 3), FO_V_PASS);
	fo_engine_destroy(eng);
	/* 10.1.0.0 deleted from Kea's configuration, as the log asked: moot, forgotten. */
	logbuf[0] = '\0';
	eng = retire_engine(1);
	ck_assert_msg(strstr(logbuf, "retired scope 10.1.0.0 is no subnet of Kea's") != NULL,
	    "%s", logbuf);
	ck_assert_int_eq(discover(eng, 1), FO_V_DROP);
	j = retired_json(eng);
	ck_assert_msg(strstr(j, "10.0.0.0") != NULL && strstr(j, "10.1.0.0") == NULL, "%s", j);
	free(j);
	fo_engine_destroy(eng);
}
END_TEST

START_TEST(a_damaged_list_fails_closed_and_is_not_overwritten)
{
	fo_admin_req rm = { FO_ADMIN_REMOVE, "r1", NULL, 0, NULL, 0, NULL, 0, false };
	const char *bad[] = { "{\"scopes\": [{\"scope-id\": \"10.2.0.0\"", "[]",
	    "{\"scopes\": [{\"scope-id\": \"10.2.0.x\", \"relationship\": \"r\", "
	    "\"retired-at\": 1}]}", "{\"scopes\": [{\"scope-id\": \"10.2.0.0\"}]}" };
	char msg[1024] = "", path[512], *j;
	fo_engine *eng;
	FILE *f;

	snprintf(path, sizeof(path), "%s/relationships.json.retired", dir);
	for (size_t i = 0; i < N(bad); i++) {
		ck_assert_ptr_nonnull(f = fopen(path, "w"));
		fputs(bad[i], f);
		fclose(f);
		logbuf[0] = '\0';
		eng = retire_engine(3);
		ck_assert_msg(strstr(logbuf, "relationships.json.retired is damaged") != NULL,
		    "%zu: %s", i, logbuf);
		/* Every subnet in no relationship: no answer. */
		ck_assert_int_eq(discover(eng, 3), FO_V_DROP);
		j = retired_json(eng);
		ck_assert_msg(strstr(j, "\"damaged\":true") != NULL, "%s", j);
		free(j);
		/* Not written over: the partner's removal is refused, nothing changed. */
		ck_assert_int_eq(fo_engine_admin_partner(eng, &rm, fo_wall_at(1001), msg,
		    sizeof(msg)), FO_ERR_IO);
		ck_assert_msg(strstr(msg, "is damaged") != NULL, "%s", msg);
		ck_assert_int_eq(fo_engine_relationship_count(eng), 1);
		fo_engine_destroy(eng);
	}
	/* The list cannot be saved: the removal is refused, nothing changed. */
	ck_assert_int_eq(unlink(path), 0);
	snprintf(path, sizeof(path), "%s/relationships.json.retired.tmp", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	eng = retire_engine(3);
	ck_assert_int_eq(fo_engine_admin_partner(eng, &rm, fo_wall_at(1001), msg, sizeof(msg)),
	    FO_ERR_IO);
	ck_assert_msg(strstr(msg, "could not be saved, nothing changed") != NULL, "%s", msg);
	ck_assert_int_eq(fo_engine_relationship_count(eng), 1);
	ck_assert_int_eq(discover(eng, 3), FO_V_PASS);
	fo_engine_destroy(eng);
}
END_TEST

/* ---- The operator's local-only removal: refused while the partner may serve ---- */

static const fo_ip4 s10_0 = IP(10, 1, 0, 0);
static const fo_admin_req rm_r1 = { FO_ADMIN_REMOVE, "r1", NULL, 0, NULL, 0, NULL, 0, false };
static const fo_admin_req srm_r1 = { FO_ADMIN_SCOPE_REMOVE, "r1", NULL, 0, &s10_0, 1, NULL, 0,
	false };

/* retire_engine(3) with the test seam, nothing published yet. */
static fo_engine *
seam_engine(void)
{
	fo_engine *eng = retire_engine(3);

	fo_engine_enable_test_seam(eng);
	n_published = 0;
	return eng;
}

static void
set_state(fo_engine *eng, fo_state mine, fo_state partner, int64_t t)
{
	char err[256] = "";

	ck_assert_msg(fo_engine_test_set_state(eng, "r1", mine, partner, fo_wall_at(t), err,
	    sizeof(err)) == FO_OK, "%s", err);
}

/* r1 is there with both its scopes, served with failover; nothing was published. */
static void
r1_untouched(fo_engine *eng, const char *when)
{
	char *j = get(eng, "r1");

	ck_assert_msg(strstr(j, "\"scope-id\":[\"10.0.0.0\",\"10.1.0.0\"]") != NULL, "%s: %s",
	    when, j);
	free(j);
	ck_assert_uint_eq(fo_engine_relationship_count(eng), 1);
	ck_assert_int_eq(n_published, 0);
	ck_assert_msg(strstr(logbuf, "with force") == NULL, "%s: %s", when, logbuf);
}

/* A refusal's text: the state, why, and the three ways out. */
static void
says_refused(const char *msg, const char *state)
{
	ck_assert_msg(strstr(msg, "refused, nothing changed: relationship 'r1' ") == msg, "%s",
	    msg);
	ck_assert_msg(strstr(msg, state) != NULL, "%s (want %s)", msg, state);
	ck_assert_msg(strstr(msg, "give the same free addresses to different clients") != NULL,
	    "%s", msg);
	ck_assert_msg(strstr(msg, "without local-only") != NULL, "%s", msg);
	ck_assert_msg(strstr(msg, "failover-partner-down") != NULL, "%s", msg);
	ck_assert_msg(strstr(msg, "\"force\": true") != NULL, "%s", msg);
}

START_TEST(local_removal_refused_while_the_partner_may_serve)
{
	static const fo_state states[] = { FO_STATE_NORMAL, FO_STATE_COMM_INTERRUPTED,
		FO_STATE_POTENTIAL_CONFLICT, FO_STATE_CONFLICT_DONE,
		FO_STATE_RESOLUTION_INTERRUPTED, FO_STATE_RECOVER, FO_STATE_RECOVER_WAIT,
		FO_STATE_RECOVER_DONE, FO_STATE_PAUSED, FO_STATE_SHUTDOWN, FO_STATE_STARTUP };
	fo_engine *eng = seam_engine();
	fo_ip4 s9 = IP(10, 9, 9, 0);
	char msg[1024] = "";

	/* As attached, before the protocol ran (Startup). */
	ck_assert_int_eq(fo_engine_admin(eng, &rm_r1, false, fo_wall_at(1001), msg, sizeof(msg)),
	    FO_ERR_STATE);
	says_refused(msg, "is in Startup on this server");
	for (size_t i = 0; i < N(states); i++) {
		const char *name = fo_state_name(states[i]);

		set_state(eng, states[i], states[i] == FO_STATE_NORMAL ? FO_STATE_NORMAL :
		    FO_STATE_NOSTATE, 1002 + (int64_t)i);
		logbuf[0] = '\0';
		ck_assert_int_eq(fo_engine_admin(eng, &rm_r1, false, fo_wall_at(1002 + (int64_t)i),
		    msg, sizeof(msg)), FO_ERR_STATE);
		says_refused(msg, name);
		ck_assert_int_eq(fo_engine_admin(eng, &srm_r1, false, fo_wall_at(1002 + (int64_t)i),
		    msg, sizeof(msg)), FO_ERR_STATE);
		says_refused(msg, name);
		ck_assert_int_eq(fo_engine_admin_remove(eng, "r1", fo_wall_at(1002), msg,
		    sizeof(msg)), FO_ERR_STATE);
		ck_assert_int_eq(fo_engine_admin_scopes(eng, "r1", &s10_0, 1, false,
		    fo_wall_at(1002), msg, sizeof(msg)), FO_ERR_STATE);
		r1_untouched(eng, name);
	}
	/* The input is checked first: an unknown name 3, a scope not in it 1 naming scope-id. */
	ck_assert_int_eq(fo_engine_admin_remove(eng, "nope", fo_wall_at(1020), msg, sizeof(msg)),
	    FO_ERR_NOTFOUND);
	ck_assert_int_eq(fo_engine_admin_scopes(eng, "r1", &s9, 1, false, fo_wall_at(1020), msg,
	    sizeof(msg)), FO_ERR_CONFIG);
	ck_assert_msg(strstr(msg, "scope-id: 10.9.9.0 is not a scope") != NULL, "%s", msg);
	/* force means nothing but with a removal: refused */
	ck_assert_int_eq(fo_engine_admin(eng, &(fo_admin_req){ FO_ADMIN_SCOPE_ADD, "r1", NULL, 0,
	    &s9, 1, NULL, 0, false }, true, fo_wall_at(1020), msg, sizeof(msg)), FO_ERR_CONFIG);
	ck_assert_msg(strstr(msg, "force: only with failover-remove") != NULL, "%s", msg);
	r1_untouched(eng, "input errors");
	/* Normal, with force: made, logged at WARN with the state. */
	set_state(eng, FO_STATE_NORMAL, FO_STATE_NORMAL, 1030);
	logbuf[0] = '\0';
	ck_assert_msg(fo_engine_admin(eng, &srm_r1, true, fo_wall_at(1031), msg, sizeof(msg)) ==
	    FO_OK, "%s", msg);
	ck_assert_msg(strstr(logbuf, "relationship r1: scope(s) 10.1.0.0 removed locally with "
	    "force while the partner may serve them (state here Normal)") != NULL, "%s", logbuf);
	ck_assert_int_eq(discover(eng, 2), FO_V_PASS);  /* now Kea's alone */
	logbuf[0] = '\0';
	ck_assert_msg(fo_engine_admin(eng, &rm_r1, true, fo_wall_at(1032), msg, sizeof(msg)) ==
	    FO_OK, "%s", msg);
	ck_assert_msg(strstr(logbuf, "relationship r1: scope(s) 10.0.0.0 removed locally with "
	    "force") != NULL, "%s", logbuf);
	ck_assert_uint_eq(fo_engine_relationship_count(eng), 0);
	fo_engine_destroy(eng);
}
END_TEST

/* PartnerDown since the MCLT (r1's: 3600 s): the partner serves nobody, nothing to force. */
START_TEST(local_removal_in_partner_down_once_the_mclt_passed)
{
	fo_engine *eng = seam_engine();
	char msg[1024] = "";

	set_state(eng, FO_STATE_COMM_INTERRUPTED, FO_STATE_NOSTATE, 1001);
	ck_assert_msg(fo_engine_admin_partner_down(eng, "r1", fo_wall_at(1002), msg, sizeof(msg))
	    == FO_OK, "%s", msg);
	/* within the MCLT: refused, the text says until when */
	logbuf[0] = '\0';
	ck_assert_int_eq(fo_engine_admin(eng, &rm_r1, false, fo_wall_at(1003), msg, sizeof(msg)),
	    FO_ERR_STATE);
	says_refused(msg, "is in PartnerDown only since 1970-01-01T00:16:42Z: until "
	    "1970-01-01T01:16:42Z (the MCLT, 3600 s, later)");
	ck_assert_int_eq(fo_engine_admin_scopes(eng, "r1", &s10_0, 1, false, fo_wall_at(1002 +
	    3599), msg, sizeof(msg)), FO_ERR_STATE);
	r1_untouched(eng, "PartnerDown within the MCLT");
	/* the partner connected again (coming back through Recover): not down, refused */
	{
		fo_fsm_input in = { .event = FO_EV_COMM_OK, .now = fo_wall_at(4600),
			.partner_state = FO_STATE_RECOVER, .partner_since = fo_wall_at(4600) };
		fo_runtime *rt = fo_engine_runtime_at(eng, 0);
		char err[256] = "";

		ck_assert_msg(fo_runtime_event(rt, &in, "test", NULL, err, sizeof(err)) == FO_OK,
		    "%s", err);
		ck_assert_int_eq(fo_runtime_state(rt), FO_STATE_PARTNER_DOWN);
		ck_assert_int_eq(fo_engine_admin(eng, &rm_r1, false, fo_wall_at(1002 + 3600), msg,
		    sizeof(msg)), FO_ERR_STATE);
		says_refused(msg, "is in PartnerDown on this server but the partner is connected "
		    "again");
		in = (fo_fsm_input){ .event = FO_EV_COMM_FAILED, .now = fo_wall_at(4601) };
		ck_assert_msg(fo_runtime_event(rt, &in, "test", NULL, err, sizeof(err)) == FO_OK,
		    "%s", err);
		ck_assert_int_eq(fo_runtime_state(rt), FO_STATE_PARTNER_DOWN);
	}
	r1_untouched(eng, "PartnerDown, the partner connected");
	/* from then on, the partner not connected: made without force, no word of force */
	ck_assert_msg(fo_engine_admin_scopes(eng, "r1", &s10_0, 1, false, fo_wall_at(1002 +
	    3600), msg, sizeof(msg)) == FO_OK, "%s", msg);
	ck_assert_msg(fo_engine_admin_remove(eng, "r1", fo_wall_at(1002 + 3601), msg, sizeof(msg))
	    == FO_OK, "%s", msg);
	ck_assert_uint_eq(fo_engine_relationship_count(eng), 0);
	ck_assert_msg(strstr(logbuf, "with force") == NULL, "%s", logbuf);
	ck_assert_int_eq(discover(eng, 1), FO_V_PASS);
	fo_engine_destroy(eng);
}
END_TEST

/* The partner's side of a removal on both (signed, time) is not the operator's: never refused. */
START_TEST(partner_removal_taken_in_normal)
{
	fo_engine *eng = seam_engine();
	char msg[1024] = "";

	set_state(eng, FO_STATE_NORMAL, FO_STATE_NORMAL, 1001);
	ck_assert_msg(fo_engine_admin_partner(eng, &srm_r1, fo_wall_at(1002), msg, sizeof(msg)) ==
	    FO_OK, "%s", msg);
	ck_assert_msg(strstr(msg, "retired on this server") != NULL, "%s", msg);
	ck_assert_msg(fo_engine_admin_partner(eng, &rm_r1, fo_wall_at(1003), msg, sizeof(msg)) ==
	    FO_OK, "%s", msg);
	ck_assert_uint_eq(fo_engine_relationship_count(eng), 0);
	ck_assert_msg(strstr(logbuf, "with force") == NULL, "%s", logbuf);
	fo_engine_destroy(eng);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("admin");
	TCase *tc = tcase_create("admin");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, add_builds_scope_and_persists);
	tcase_add_test(tc, add_refuses_bad_input_and_changes_nothing);
	tcase_add_test(tc, set_changes_leaves_with_the_rules);
	tcase_add_test(tc, scopes_add_and_remove);
	tcase_add_test(tc, the_file_replaces_the_parameters_at_load);
	tcase_add_test(tc, set_json_round_trips);
	tcase_add_test(tc, names_in_any_script);
	tcase_add_test(tc, partner_down_only_where_it_makes_sense);
	tcase_add_test(tc, changes_are_published_as_parameters);
	tcase_add_test(tc, the_file_is_used_with_the_parameters_it_was_made_for);
	tcase_add_test(tc, a_file_that_cannot_be_read_refuses_the_load);
	tcase_add_test(tc, partner_scope_remove_retires_and_add_lifts);
	tcase_add_test(tc, partner_remove_retires_every_scope_operator_remove_none);
	tcase_add_test(tc, a_damaged_list_fails_closed_and_is_not_overwritten);
	tcase_add_test(tc, local_removal_refused_while_the_partner_may_serve);
	tcase_add_test(tc, local_removal_in_partner_down_once_the_mclt_passed);
	tcase_add_test(tc, partner_removal_taken_in_normal);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
