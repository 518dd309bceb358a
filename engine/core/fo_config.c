/*
 * fo_config.c - the hook's parameters, validated with libyang 2.1, into
 * fo_relationship structs.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fo_alloc.h"
#include "fo_config.h"
#include "fo_params.h"
#include "fo_url.h"
#include "fo_yang_compat.h"

#define TOP_PATH "/" FO_YANG_TOP

/*
 * The module's scope-in-two-relationships `must` costs O(n^2) XPath
 * comparisons in libyang (about 1.4 s for 1,000 scopes, 20 s for 4,000).
 * The engine compiles the module with that one expression replaced by
 * true() and makes the same check in C in O(n log n), with the same
 * error-message and a data path that names the scope (scopes_unique()).
 * yanglint uses the module as written.
 */
static const char scope_must[] =
    "count(/kfo:failover/kfo:relationships/kfo:scope-id[. = current()]) = 1";
static const char scope_must_msg[] =
    "This scope-id is already part of another relationship: "
    "a scope belongs to at most one relationship.";

/* A scope-id seen while walking the tree, for the uniqueness check. */
struct scope_seen {
	fo_ip4 ip;
	size_t order;                 /* document order */
	size_t rel;                   /* index of its relationship */
	const struct lyd_node *node;
};

struct cfg {
	char *err;
	size_t errlen;
	struct scope_seen *seen;
	size_t n_seen;
	size_t cap_seen;
};

/* Format "<path of node>: <reason>" into c->err; returns FO_ERR_CONFIG. */
static fo_status
cfg_fail(struct cfg *c, const struct lyd_node *node, const char *fmt, ...)
{
	char *path = NULL;
	va_list ap;
	int n;

	if (c->err == NULL || c->errlen == 0)
		return FO_ERR_CONFIG;
	if (node != NULL)
		path = lyd_path(node, LYD_PATH_STD, NULL, 0);
	n = snprintf(c->err, c->errlen, "%s: ", path != NULL ? path : TOP_PATH);
	free(path);             /* libyang's */
	if (n >= 0 && (size_t)n < c->errlen) {
		va_start(ap, fmt);
		vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return FO_ERR_CONFIG;
}

/* The options of every parse of the parameters (see parse_tree()). */
#define PARSE_OPTS (LYD_PARSE_STRICT | LYD_PARSE_NO_STATE)
#define VALID_OPTS (LYD_VALIDATE_PRESENT | LYD_VALIDATE_NO_STATE)
#define DOC_HEAD "{\"" FO_YANG_TOP "\":"
#define REL_PATH TOP_PATH "/relationships"

/*
 * libyang quotes bad values in its messages: never for a secret. The reason
 * to give instead for a path that ends with a secret leaf, or NULL.
 */
static const char *
secret_path(const char *path)
{
	static const char *const leaves[][2] = {
		{ "/shared-secret", "invalid value (not shown: the shared secret is never printed)" },
		{ "/partner-control-password",
		  "invalid value (not shown: the password is never printed)" },
	};
	size_t len = strlen(path);

	for (size_t i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
		size_t n = strlen(leaves[i][0]);

		if (len >= n && memcmp(path + len - n, leaves[i][0], n) == 0)
			return leaves[i][1];
	}
	return NULL;
}

/* A formatted string in malloc'd memory, or NULL. */
static char *
str_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (s = fo_malloc((size_t)n + 1)) == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* The first error libyang stored for ctx. */
static const struct ly_err_item *
first_error(const struct ly_ctx *ctx)
{
	const struct ly_err_item *e, *first = ly_err_first(ctx);

	for (e = first; e != NULL && e->level != LY_LLERR; e = e->next)
		;
	return e != NULL ? e : first;
}

/*
 * The path of libyang 2.1's location sentence, malloc'd, or NULL, e.g.
 * `Data location "/m:a/b[name='x']", line number 1.` -> /m:a/b[name='x'].
 * The path ends at the last double quote (a key value may hold quotes).
 * libyang 2.1.30 drops the "failover/" step from the path of a duplicate
 * leaf (/kea-dhcp-failover:relationships[name='r1']/scope-id[...]): it is
 * put back.
 */
static char *
error_path(const struct ly_err_item *e)
{
	static const char *const label[] = {
		"Data location \"", "Schema location \"", "Path \""
	};
	static const char mod[] = "/" FO_YANG_MODULE ":", top[] = "failover";
	size_t n = sizeof(mod) - 1, t = sizeof(top) - 1;
	const char *p = NULL, *q;
	char buf[1024];
	const char *where = fo_ly_err_location(e, buf, sizeof(buf));
	bool data = false;

	for (size_t i = 0; i < 3 && p == NULL && where != NULL; i++) {
		if ((p = strstr(where, label[i])) != NULL) {
			p += strlen(label[i]);
			data = i == 0;
		}
	}
	if (p == NULL || (q = strrchr(p, '"')) == NULL || q == p)
		return NULL;
	if (data && strncmp(p, mod, n) == 0 && q - p > (ptrdiff_t)n &&
	    !(strncmp(p + n, top, t) == 0 && (p[n + t] == '/' || p[n + t] == '"')))
		return str_printf("%s%s/%.*s", mod, top, (int)(q - p - n), p + n);
	return str_printf("%.*s", (int)(q - p), p);
}

/*
 * What follows ".../relationships" and its key predicate in a path: "" or
 * "/<steps>"; NULL for a path outside the list. *keyed: it had a predicate.
 */
static const char *
rel_rest(const char *path, bool *keyed)
{
	size_t n = strlen(REL_PATH);
	const char *p = path + n;

	if (strncmp(path, REL_PATH, n) != 0)
		return NULL;
	*keyed = *p == '[';
	while (*p == '[') {
		for (p++; *p != '\0' && *p != ']'; p++)
			if ((*p == '\'' || *p == '"') && (p = strchr(p + 1, *p)) == NULL)
				return NULL;
		if (*p++ != ']')
			return NULL;
	}
	return *p == '\0' || *p == '/' ? p : NULL;
}

/*
 * Write "<base><rest>: <reason>" into c->err. An unknown member gets its
 * own path and says so; `pos` > 0: the entry has no valid name and is
 * named by its position.
 */
static void
report(struct cfg *c, const char *base, const char *rest, const char *msg, size_t pos)
{
	static const char node[] = "Node \"", not_found[] = "\" not found as a child of \"";
	const char *x = NULL, *end = NULL;
	const char *hidden = secret_path(*rest != '\0' ? rest : base);
	bool hide = hidden != NULL && strchr(msg, '"') != NULL;
	char note[128] = "";

	if (strncmp(msg, node, sizeof(node) - 1) == 0 &&
	    (end = strstr(msg + sizeof(node) - 1, not_found)) != NULL)
		x = msg + sizeof(node) - 1;
	if (pos > 0)
		snprintf(note, sizeof(note), " (entry %zu of relationships, counting "
		    "from 1: its name is missing or not valid)", pos);
	snprintf(c->err, c->errlen, "%s%s%s%.*s: %s%s%s%s", base, rest,
	    x != NULL ? "/" : "", x != NULL ? (int)(end - x) : 0, x != NULL ? x : "",
	    x != NULL ? "unknown parameter (" : "", hide ? hidden : msg,
	    x != NULL ? ")" : "", note);
}

/* The first error libyang stored for ctx, as "<path>: <message>". */
static fo_status
ly_fail(struct cfg *c, const struct ly_ctx *ctx, LY_ERR rc)
{
	const struct ly_err_item *e = first_error(ctx);
	const char *line, *where;
	char *path, buf[1024];

	if (c->err == NULL || c->errlen == 0)
		return FO_ERR_CONFIG;
	if (e == NULL || e->msg == NULL) {
		snprintf(c->err, c->errlen, "%s: libyang error %d", TOP_PATH, (int)rc);
		return FO_ERR_CONFIG;
	}
	if ((path = error_path(e)) != NULL) {
		report(c, path, "", e->msg, 0);
		fo_free(path);
		return FO_ERR_CONFIG;
	}
	/* No node yet (a JSON syntax error): say where in the text. */
	where = fo_ly_err_location(e, buf, sizeof(buf));
	line = where != NULL ? strstr(where, "ine number ") : NULL;
	if (line != NULL)
		snprintf(c->err, c->errlen, "%s: %s (line %lu of the parameters)",
		    TOP_PATH, e->msg, strtoul(line + strlen("ine number "), NULL, 10));
	else
		snprintf(c->err, c->errlen, "%s: %s", TOP_PATH, e->msg);
	return FO_ERR_CONFIG;
}

/*
 * The parameters must be exactly one JSON object: the wrapping below is
 * textual, so anything after its closing brace would leak into the wrapper.
 */
static fo_status
json_one_object(struct cfg *c, const char *s)
{
	size_t depth = 0, i = strspn(s, " \t\r\n");
	bool in_str = false;

	if (s[i] != '{')
		return cfg_fail(c, NULL, "the parameters are not a JSON object");
	for (; s[i] != '\0'; i++) {
		if (in_str) {
			if (s[i] == '\\' && s[i + 1] != '\0')
				i++;
			else if (s[i] == '"')
				in_str = false;
			continue;
		}
		if (s[i] == '"')
			in_str = true;
		else if (s[i] == '{' || s[i] == '[')
			depth++;
		else if ((s[i] == '}' || s[i] == ']') && --depth == 0)
			break;
	}
	if (s[i] == '\0')
		return cfg_fail(c, NULL, "the parameters are not a complete JSON object");
	i++;
	if (s[i + strspn(s + i, " \t\r\n")] != '\0')
		return cfg_fail(c, NULL, "unexpected text after the parameters' JSON object");
	return FO_OK;
}

/* Parse DOC_HEAD <pre><text, len bytes><post>} with ctx. */
static LY_ERR
parse_wrapped(struct ly_ctx *ctx, const char *pre, const char *text, size_t len,
    const char *post, uint32_t popts, uint32_t vopts, struct lyd_node **tree)
{
	char *doc = str_printf("%s%s%.*s%s}", DOC_HEAD, pre, (int)len, text, post);
	LY_ERR rc;

	*tree = NULL;
	if (doc == NULL)
		return LY_EMEM;
	rc = lyd_parse_data_mem(ctx, doc, LYD_JSON, popts, vopts, tree);
	fo_free(doc);
	return rc;
}

static size_t
ws(const char *s, size_t i)
{
	return i + strspn(s + i, " \t\r\n");
}

/* The index just after the JSON value at s[i] (at most that of the NUL). */
static size_t
json_skip(const char *s, size_t i)
{
	size_t depth = 0;

	if (s[i] != '"' && s[i] != '{' && s[i] != '[')
		return i + strcspn(s + i, ",]} \t\r\n");
	do {
		if (s[i] == '"') {
			for (i++; s[i] != '\0' && s[i] != '"'; i++)
				if (s[i] == '\\' && s[i + 1] != '\0')
					i++;
		} else if (s[i] == '{' || s[i] == '[') {
			depth++;
		} else if (s[i] == '}' || s[i] == ']') {
			depth--;
		}
		if (s[i] != '\0')
			i++;
	} while (depth > 0 && s[i] != '\0');
	return i;
}

/* The value of member `key` (spelt without escapes) of the object at s[i]. */
static bool
json_member(const char *s, size_t i, const char *key, size_t *start, size_t *end)
{
	size_t klen = strlen(key), k0, k1;

	if (s[i] != '{')
		return false;
	for (i = ws(s, i + 1); s[i] == '"'; i = ws(s, i + 1)) {
		k0 = i;
		k1 = json_skip(s, k0);
		i = ws(s, k1);
		if (s[i] != ':')
			return false;
		*start = ws(s, i + 1);
		*end = json_skip(s, *start);
		if (k1 - k0 == klen + 2 && s[k1 - 1] == '"' &&
		    memcmp(s + k0 + 1, key, klen) == 0)
			return true;
		i = ws(s, *end);
		if (s[i] != ',')
			return false;
	}
	return false;
}

/* Whether the entry s[i..end), parsed alone, fails with msg at rest. */
static bool
entry_fails_alike(struct ly_ctx *ctx, const char *s, size_t i, size_t end,
    const char *msg, const char *rest)
{
	struct lyd_node *tree = NULL;
	const struct ly_err_item *e;
	const char *r;
	char *path = NULL;
	bool same = false, keyed;

	ly_err_clean(ctx, NULL);
	if (parse_wrapped(ctx, "{\"relationships\":[", s + i, end - i, "]}",
	    PARSE_OPTS, VALID_OPTS, &tree) == LY_SUCCESS)
		goto done;
	e = first_error(ctx);
	if (e == NULL || e->msg == NULL || strcmp(e->msg, msg) != 0 ||
	    (path = error_path(e)) == NULL)
		goto done;
	r = rel_rest(path, &keyed);
	same = r != NULL && strcmp(r, rest) == 0;
done:
	fo_free(path);
	lyd_free_all(tree);
	ly_err_clean(ctx, NULL);
	return same;
}

/*
 * The path of the entry at s[i], number k: keyed by its name when that is
 * valid on its own, else REL_PATH[k] and *pos = k.
 */
static char *
entry_path(struct ly_ctx *ctx, const char *s, size_t i, size_t k, size_t *pos)
{
	struct lyd_node *tree = NULL;
	size_t start, end;
	char *path = NULL;

	if (json_member(s, i, "name", &start, &end) &&
	    parse_wrapped(ctx, "{\"relationships\":[{\"name\":", s + start,
	    end - start, "}]}", LYD_PARSE_STRICT | LYD_PARSE_ONLY, 0,
	    &tree) == LY_SUCCESS && tree != NULL && lyd_child(tree) != NULL &&
	    lyd_child(tree)->schema != NULL)
		path = lyd_path(lyd_child(tree), LYD_PATH_STD, NULL, 0);
	lyd_free_all(tree);
	ly_err_clean(ctx, NULL);
	if (path == NULL) {
		*pos = k;
		path = str_printf("%s[%zu]", REL_PATH, k);
	}
	return path;
}

/*
 * libyang 2.1.30 reports what it meets in an entry of relationships before
 * the entry's key (a bad value or an unknown member written before "name",
 * a bad or missing name) and a missing mandatory node at
 * ".../relationships/<rest>", without the key. The entry is the first one
 * that, parsed alone, fails with the same message at the same <rest>.
 * (A re-parse with LYD_PARSE_OPAQ cannot tell: in 2.1.30 it fails outright
 * on a value of the wrong JSON type, e.g. "partner-port": "647".)
 * Returns the entry's path, malloc'd, or NULL.
 */
static char *
rel_locate(struct ly_ctx *ctx, const char *s, const char *msg, const char *rest,
    size_t *pos)
{
	size_t i, end, k = 0;
	char *found = NULL;

	if (!json_member(s, ws(s, 0), "relationships", &i, &end) || s[i] != '[')
		return NULL;
	for (i = ws(s, i + 1); found == NULL && s[i] != '\0' && s[i] != ']';) {
		end = json_skip(s, i);
		k++;
		if (entry_fails_alike(ctx, s, i, end, msg, rest))
			found = entry_path(ctx, s, i, k, pos);
		i = ws(s, end);
		if (s[i] != ',')
			break;
		i = ws(s, i + 1);
	}
	return found;
}

/* The first error of a failed parse of `params`, the entry named. */
static fo_status
parse_fail(struct cfg *c, struct ly_ctx *ctx, const char *params, LY_ERR rc)
{
	const struct ly_err_item *e = first_error(ctx);
	char *path = NULL, *msg = NULL, *entry = NULL;
	const char *rest;
	size_t pos = 0;
	bool keyed = true;

	if (c->err == NULL || c->errlen == 0)
		return FO_ERR_CONFIG;
	if (e == NULL || e->msg == NULL || (path = error_path(e)) == NULL ||
	    (msg = fo_strdup(e->msg)) == NULL) {
		fo_free(path);
		return ly_fail(c, ctx, rc);
	}
	rest = rel_rest(path, &keyed);
	if (rest != NULL && !keyed)
		entry = rel_locate(ctx, params, msg, rest, &pos);
	if (entry != NULL)
		report(c, entry, rest, msg, pos);
	else
		report(c, path, "", msg, 0);
	fo_free(entry);
	fo_free(msg);
	fo_free(path);
	return FO_ERR_CONFIG;
}

/* The module text with the quadratic scope `must` disarmed (see scope_must). */
static char *
module_text_for_engine(void)
{
	const char *at = strstr(fo_yang_module_text, scope_must);
	size_t head, total = strlen(fo_yang_module_text);
	char *text = fo_malloc(total + 1);

	if (text == NULL)
		return NULL;
	if (at == NULL) {
		memcpy(text, fo_yang_module_text, total + 1);
		return text;
	}
	head = (size_t)(at - fo_yang_module_text);
	memcpy(text, fo_yang_module_text, head);
	strcpy(text + head, "true()");
	strcpy(text + head + strlen("true()"), at + strlen(scope_must));
	return text;
}

static fo_status
ctx_new(struct cfg *c, struct ly_ctx **ctx)
{
	char *text = NULL;
	fo_status st = FO_ERR_NOMEM;
	LY_ERR rc;

	*ctx = NULL;
	if ((text = module_text_for_engine()) == NULL)
		goto done;
	if ((rc = ly_ctx_new(FO_LY_SEARCH_DIR, FO_LY_CTX_OPTIONS, ctx)) != LY_SUCCESS) {
		st = rc == LY_EMEM ? FO_ERR_NOMEM :
		    cfg_fail(c, NULL, "cannot create a libyang context");
		goto done;
	}
	if ((rc = lys_parse_mem(*ctx, text, LYS_IN_YANG, NULL)) != LY_SUCCESS) {
		st = rc == LY_EMEM ? FO_ERR_NOMEM : ly_fail(c, *ctx, rc);
		goto done;
	}
	st = FO_OK;
done:
	fo_free(text);
	if (st != FO_OK && *ctx != NULL) {
		ly_ctx_destroy(*ctx);
		*ctx = NULL;
	}
	return st;
}

/* Copy a string leaf whose byte length YANG could not bound (UTF-8). */
static fo_status
put_str(struct cfg *c, const struct lyd_node *n, char *dst, size_t size)
{
	const char *v = lyd_get_value(n);
	size_t len = strlen(v);

	if (len >= size)
		return cfg_fail(c, n, "longer than %zu bytes in UTF-8", size - 1);
	memcpy(dst, v, len + 1);
	return FO_OK;
}

static uint32_t
num(const struct lyd_node *n)
{
	return (uint32_t)strtoul(lyd_get_value(n), NULL, 10);
}

static bool
is_true(const struct lyd_node *n)
{
	return strcmp(lyd_get_value(n), "true") == 0;
}

/* An IPv4 leaf (canonical dotted quad) to host order. */
static fo_ip4
ip4(const struct lyd_node *n)
{
	struct in_addr a;

	if (inet_pton(AF_INET, lyd_get_value(n), &a) != 1)
		return 0;
	return ntohl(a.s_addr);
}

/* Neither "this host", multicast, reserved nor broadcast. */
static bool
ip4_unicast(fo_ip4 a)
{
	return a != 0 && (a >> 28) < 0xe;
}

/* An address leaf that names a host: partner-server (when an IP) or local-address. */
static fo_status
put_host_addr(struct cfg *c, const struct lyd_node *n, char *dst, size_t size)
{
	const char *v = lyd_get_value(n);
	struct in_addr a;

	if (inet_pton(AF_INET, v, &a) == 1 && !ip4_unicast(ntohl(a.s_addr)))
		return cfg_fail(c, n, "%s is not a unicast address", v);
	return put_str(c, n, dst, size);
}

/* partner-control-url: the module's pattern, then what fo_http can use. */
static fo_status
put_url(struct cfg *c, const struct lyd_node *n, char *dst, size_t size)
{
	char why[256] = "";
	fo_url u;

	if (fo_url_parse(lyd_get_value(n), &u, why, sizeof(why)) != FO_OK)
		return cfg_fail(c, n, "%s", why);
	return put_str(c, n, dst, size);
}

static fo_status
add_scope(struct cfg *c, fo_relationship *r, size_t rel, const struct lyd_node *n)
{
	fo_ip4 ip = ip4(n);
	struct scope_seen *s;

	if (!ip4_unicast(ip) || (ip >> 24) == 127)
		return cfg_fail(c, n, "%s is not the network address of a unicast subnet",
		    lyd_get_value(n));
	if (c->n_seen == c->cap_seen) {
		size_t cap = c->cap_seen ? 2 * c->cap_seen : 64;

		if ((s = fo_realloc(c->seen, cap * sizeof(*s))) == NULL)
			return FO_ERR_NOMEM;
		c->seen = s;
		c->cap_seen = cap;
	}
	s = &c->seen[c->n_seen];
	s->ip = ip;
	s->order = c->n_seen++;
	s->rel = rel;
	s->node = n;
	r->scopes[r->n_scopes++].scope_id = ip;
	return FO_OK;
}

/* An enumeration leaf: the index of its value's name. */
static fo_status
put_enum(struct cfg *c, const struct lyd_node *n, const fo_setting *set, uint32_t *out)
{
	const char *v = lyd_get_value(n), *name;
	uint32_t count = 0;

	for (uint32_t i = 0; (name = fo_setting_enum_name(set, i, &count)) != NULL; i++) {
		if (strcmp(name, v) == 0) {
			*out = i;
			return FO_OK;
		}
	}
	return cfg_fail(c, n, "unknown value \"%s\"", v);
}

/* One child of a relationships entry into `r`, as the settings table says. */
static fo_status
rel_leaf(struct cfg *c, fo_relationship *r, size_t rel, const struct lyd_node *n)
{
	const fo_setting *set = fo_setting_find(n->schema->name);
	uint32_t v = 0;
	fo_status st;

	if (set == NULL)
		return cfg_fail(c, n, "node not known to the engine");
	switch (set->kind) {
	case FO_SK_TEXT:
		return put_str(c, n, fo_setting_text(r, set), set->size);
	case FO_SK_HOST:
		return put_host_addr(c, n, fo_setting_text(r, set), set->size);
	case FO_SK_URL:
		return put_url(c, n, fo_setting_text(r, set), set->size);
	case FO_SK_SCOPES:
		return add_scope(c, r, rel, n);
	case FO_SK_BOOL:
		v = is_true(n);
		break;
	case FO_SK_U8:
	case FO_SK_U16:
	case FO_SK_U32:
		v = num(n);
		break;
	case FO_SK_MODE:
	case FO_SK_ROLE:
	case FO_SK_SERVER_TYPE:
	case FO_SK_DIALECT:
		if ((st = put_enum(c, n, set, &v)) != FO_OK)
			return st;
		break;
	}
	fo_setting_set_num(r, set, v);
	return FO_OK;
}

static fo_status
rel_fill(struct cfg *c, const struct lyd_node *list, fo_relationship *r, size_t rel)
{
	const struct lyd_node *n;
	size_t scopes = 0;
	fo_status st;

	fo_relationship_defaults(r);
	LY_LIST_FOR(lyd_child(list), n)
		if (strcmp(n->schema->name, "scope-id") == 0)
			scopes++;
	if (scopes > FO_MAX_SCOPES)
		return cfg_fail(c, list, "more than %d scope-ids", FO_MAX_SCOPES);
	if (scopes > 0 && (r->scopes = fo_calloc(scopes, sizeof(*r->scopes))) == NULL)
		return FO_ERR_NOMEM;
	LY_LIST_FOR(lyd_child(list), n)
		if ((st = rel_leaf(c, r, rel, n)) != FO_OK)
			return st;
	/*
	 * Checked here, not by a `must` in the module: failover-get prints the
	 * configuration without the secret and must still validate.
	 */
	if (r->enable_auth && r->shared_secret[0] == '\0') {
		LY_LIST_FOR(lyd_child(list), n)
			if (strcmp(n->schema->name, "enable-auth") == 0)
				return cfg_fail(c, n, "enable-auth true requires shared-secret.");
	}
	/* The client certificate of https: both files or neither. */
	if ((r->partner_control_cert_file[0] == '\0') != (r->partner_control_key_file[0] == '\0')) {
		bool cert = r->partner_control_cert_file[0] != '\0';

		LY_LIST_FOR(lyd_child(list), n)
			if (strcmp(n->schema->name, cert ? "partner-control-cert-file" :
			    "partner-control-key-file") == 0)
				return cfg_fail(c, n, cert ? "partner-control-cert-file requires "
				    "partner-control-key-file (the client certificate's private key)." :
				    "partner-control-key-file requires partner-control-cert-file (the "
				    "client certificate).");
	}
	return FO_OK;
}

static int
seen_cmp(const void *a, const void *b)
{
	const struct scope_seen *x = a, *y = b;

	if (x->ip != y->ip)
		return x->ip < y->ip ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* A scope in two relationships: report its later occurrence. */
static fo_status
scopes_unique(struct cfg *c, const fo_relationship_set *set)
{
	const struct scope_seen *dup = NULL, *first = NULL;

	if (c->n_seen < 2)
		return FO_OK;
	qsort(c->seen, c->n_seen, sizeof(*c->seen), seen_cmp);
	for (size_t i = 1; i < c->n_seen; i++) {
		if (c->seen[i].ip == c->seen[i - 1].ip &&
		    (dup == NULL || c->seen[i].order < dup->order)) {
			dup = &c->seen[i];
			first = &c->seen[i - 1];
		}
	}
	if (dup == NULL)
		return FO_OK;
	return cfg_fail(c, dup->node, "%s (the other relationship is '%s')",
	    scope_must_msg, set->rel[first->rel].name);
}

static fo_status
tree_to_set(struct cfg *c, const struct lyd_node *tree, fo_relationship_set *set)
{
	const struct lyd_node *top = NULL, *n;
	size_t count = 0;
	fo_status st;

	LY_LIST_FOR(tree, n)
		if (strcmp(n->schema->name, "failover") == 0)
			top = n;
	if (top == NULL)
		return FO_OK;
	LY_LIST_FOR(lyd_child(top), n)
		if (strcmp(n->schema->name, "relationships") == 0)
			count++;
	if (count > FO_MAX_RELATIONSHIPS)
		return cfg_fail(c, top, "more than %d relationships", FO_MAX_RELATIONSHIPS);
	if (count > 0 && (set->rel = fo_calloc(count, sizeof(*set->rel))) == NULL)
		return FO_ERR_NOMEM;
	LY_LIST_FOR(lyd_child(top), n) {
		if (strcmp(n->schema->name, "state-directory") == 0) {
			st = put_str(c, n, set->state_directory, sizeof(set->state_directory));
		} else if (strcmp(n->schema->name, "relationships") == 0) {
			st = rel_fill(c, n, &set->rel[set->n], set->n);
			set->n++;
		} else {
			st = cfg_fail(c, n, "node not known to the engine");
		}
		if (st != FO_OK)
			return st;
	}
	return scopes_unique(c, set);
}

/* Parse and validate the wrapped document. */
static fo_status
parse_tree(struct cfg *c, struct ly_ctx *ctx, const char *params, struct lyd_node **tree)
{
	LY_ERR rc = parse_wrapped(ctx, "", params, strlen(params), "", PARSE_OPTS,
	    VALID_OPTS, tree);

	if (rc == LY_SUCCESS)
		return FO_OK;
	return rc == LY_EMEM ? FO_ERR_NOMEM : parse_fail(c, ctx, params, rc);
}

fo_status
fo_config_parse(const char *params_json, fo_relationship_set *out, char *err,
    size_t errlen)
{
	struct cfg c = { .err = err, .errlen = errlen };
	struct ly_ctx *ctx = NULL;
	struct lyd_node *tree = NULL;
	fo_relationship_set set;
	char *text = NULL;
	fo_status st;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (out == NULL)
		return FO_ERR_INVAL;
	memset(out, 0, sizeof(*out));
	memset(&set, 0, sizeof(set));
	if (params_json == NULL)
		params_json = "{}";
	/* Process-global: libyang's validation ignores thread-local options. */
	ly_log_options(LY_LOSTORE);
	if ((st = json_one_object(&c, params_json)) != FO_OK)
		goto done;
	if ((st = fo_params_text(params_json, TOP_PATH, &text, err, errlen)) != FO_OK)
		goto done;
	if (text != NULL)
		params_json = text;
	if ((st = ctx_new(&c, &ctx)) != FO_OK)
		goto done;
	if ((st = parse_tree(&c, ctx, params_json, &tree)) != FO_OK)
		goto done;
	if ((st = tree_to_set(&c, tree, &set)) != FO_OK)
		goto done;
	*out = set;
	memset(&set, 0, sizeof(set));
done:
	fo_relationship_set_clear(&set);
	fo_free(c.seen);
	if (text != NULL) {
		memset(text, 0, strlen(text));          /* it may hold a secret */
		fo_free(text);
	}
	lyd_free_all(tree);
	if (ctx != NULL)
		ly_ctx_destroy(ctx);
	return st;
}
