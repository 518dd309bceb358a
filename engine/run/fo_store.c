/*
 * fo_store.c - relationship state files, the clean-stop marker, directory
 * names. Journals: fo_journal.c, fo_compact.c. Formats: fo_store.h.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fo_alloc.h"
#include "fo_file.h"
#include "fo_store.h"

#define STATE_MAX 4096

/* --- State file ------------------------------------------------------------ */

fo_status
fo_state_save(const char *path, const fo_saved_state *s, char *err, size_t errlen)
{
	const char *st, *pst;
	char buf[512];
	int n, m = 0;

	fo_errf(err, errlen, "%s", "");
	if (path == NULL || *path == '\0' || s == NULL)
		return FO_ERR_INVAL;
	st = fo_state_name(s->state);
	pst = fo_state_name(s->partner_state);
	if (st == NULL || pst == NULL) {
		fo_errf(err, errlen, "%s: state out of range", path);
		return FO_ERR_INVAL;
	}
	n = snprintf(buf, sizeof(buf),
	    "# kea-failover relationship state, replaced atomically\n"
	    "version %d\nstate %s\nsince %" PRId64 "\npartner-state %s\n"
	    "partner-since %" PRId64 "\nlast-operation %" PRId64 "\n", 1, st, s->since.sec,
	    pst, s->partner_since.sec, s->last_operation.sec);
	/* Written only when adopted (ISC dialect): a file without it reads as before. */
	if (n >= 0 && (size_t)n < sizeof(buf) && s->mclt != 0)
		m = snprintf(buf + n, sizeof(buf) - (size_t)n, "mclt %" PRIu32 "\n", s->mclt);
	if (n < 0 || m < 0 || (size_t)n + (size_t)m >= sizeof(buf))
		return FO_ERR_RANGE;
	return fo_file_write_atomic(path, buf, (size_t)n + (size_t)m, FO_FILE_MODE, err, errlen);
}

enum state_key {
	K_VERSION, K_STATE, K_SINCE, K_PSTATE, K_PSINCE, K_LASTOP, K_MCLT, K_COUNT
};

static const char *const state_keys[K_COUNT] = {
	[K_VERSION] = "version",
	[K_STATE] = "state",
	[K_SINCE] = "since",
	[K_PSTATE] = "partner-state",
	[K_PSINCE] = "partner-since",
	[K_LASTOP] = "last-operation",
	[K_MCLT] = "mclt",              /* optional */
};

/* A decimal int64: optional '-', digits, nothing else. */
static bool
parse_i64(const char *s, int64_t *out)
{
	const char *p = s[0] == '-' ? s + 1 : s;
	char *end;
	long long v;

	if (*p < '0' || *p > '9')
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return false;
	*out = v;
	return true;
}

/* Apply one "key value" line; what is wrong, or NULL. */
static const char *
state_line(char *key, char *val, fo_saved_state *s, bool *seen)
{
	int64_t v = 0;
	int k;

	for (k = 0; k < K_COUNT && strcmp(key, state_keys[k]) != 0; k++)
		;
	if (k == K_COUNT)
		return "unknown key";
	if (seen[k])
		return "repeated key";
	seen[k] = true;
	switch ((enum state_key)k) {
	case K_VERSION:
		return parse_i64(val, &v) && v == 1 ? NULL : "unsupported version";
	case K_STATE:
		return fo_state_parse(val, &s->state) ? NULL : "bad state";
	case K_PSTATE:
		return fo_state_parse(val, &s->partner_state) ? NULL : "bad state";
	case K_SINCE:
		return parse_i64(val, &s->since.sec) ? NULL : "bad time";
	case K_PSINCE:
		return parse_i64(val, &s->partner_since.sec) ? NULL : "bad time";
	case K_LASTOP:
		return parse_i64(val, &s->last_operation.sec) ? NULL : "bad time";
	case K_MCLT:
		if (!parse_i64(val, &v) || v < 1 || v > (int64_t)UINT32_MAX)
			return "bad MCLT";
		s->mclt = (uint32_t)v;
		return NULL;
	case K_COUNT:
		break;
	}
	return "unknown key";
}

/* Parse the NUL-terminated text of a state file (modified in place). */
static fo_status
state_parse(const char *path, char *text, fo_saved_state *s, char *err, size_t errlen)
{
	bool seen[K_COUNT] = { false };
	const char *why;
	unsigned line = 0;
	char *p = text, *nl, *sp;

	for (; *p != '\0'; p = nl + 1) {
		line++;
		if ((nl = strchr(p, '\n')) == NULL) {
			fo_errf(err, errlen, "%s: line %u: no newline at the end (truncated?)",
			    path, line);
			return FO_ERR_IO;
		}
		*nl = '\0';
		if (*p == '#')
			continue;
		if ((sp = strchr(p, ' ')) == NULL) {
			fo_errf(err, errlen, "%s: line %u: expected \"key value\"", path, line);
			return FO_ERR_IO;
		}
		*sp = '\0';
		if ((why = state_line(p, sp + 1, s, seen)) != NULL) {
			fo_errf(err, errlen, "%s: line %u: %s: \"%.32s %.32s\"", path, line, why,
			    p, sp + 1);
			return FO_ERR_IO;
		}
	}
	for (int k = 0; k < K_COUNT; k++) {
		if (!seen[k] && k != K_MCLT) {
			fo_errf(err, errlen, "%s: missing \"%s\"", path, state_keys[k]);
			return FO_ERR_IO;
		}
	}
	s->valid = true;
	return FO_OK;
}

/* Read a whole small file into buf (cap bytes); its length in *len. */
static fo_status
read_small(const char *path, char *buf, size_t cap, size_t *len, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = 0;

	*len = 0;
	if (fd < 0) {
		if (errno == ENOENT)
			return FO_ERR_NOTFOUND;
		fo_errf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return FO_ERR_IO;
	}
	while (*len < cap && ((n = read(fd, buf + *len, cap - *len)) > 0 ||
	    (n < 0 && errno == EINTR)))
		*len += n > 0 ? (size_t)n : 0;
	close(fd);
	if (n < 0) {
		fo_errf(err, errlen, "%s: read: %s", path, strerror(errno));
		return FO_ERR_IO;
	}
	return FO_OK;
}

fo_status
fo_state_decode(const char *path, const void *bytes, size_t len, fo_saved_state *s,
    char *err, size_t errlen)
{
	char buf[STATE_MAX + 1];
	fo_status rc;

	fo_errf(err, errlen, "%s", "");
	if (path == NULL || s == NULL || (bytes == NULL && len > 0))
		return FO_ERR_INVAL;
	memset(s, 0, sizeof(*s));
	if (len > STATE_MAX) {
		fo_errf(err, errlen, "%s: larger than %d bytes", path, STATE_MAX);
		return FO_ERR_IO;
	}
	if (len > 0 && memchr(bytes, '\0', len) != NULL) {
		fo_errf(err, errlen, "%s: holds a NUL byte", path);
		return FO_ERR_IO;
	}
	if (len > 0)
		memcpy(buf, bytes, len);
	buf[len] = '\0';
	rc = state_parse(path, buf, s, err, errlen);
	if (rc != FO_OK)
		memset(s, 0, sizeof(*s));
	return rc;
}

fo_status
fo_state_load(const char *path, fo_saved_state *s, char *err, size_t errlen)
{
	char buf[STATE_MAX + 2];
	fo_status rc;
	size_t len;

	fo_errf(err, errlen, "%s", "");
	if (path == NULL || s == NULL)
		return FO_ERR_INVAL;
	memset(s, 0, sizeof(*s));
	rc = read_small(path, buf, STATE_MAX + 1, &len, err, errlen);
	if (rc == FO_ERR_NOTFOUND)
		return FO_OK;
	if (rc != FO_OK)
		return rc;
	return fo_state_decode(path, buf, len, s, err, errlen);
}

/* --- Names ----------------------------------------------------------------- */

/* FNV-1a, 64 bits: the tag of a name whose escaped form is too long. */
static uint64_t
name_hash(const unsigned char *p)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *p != '\0'; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	return h;
}

void
fo_store_dirname(const char *name, char *out, size_t outlen)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)(name != NULL ? name : "");
	const unsigned char *start = p;
	bool dots = strcmp((const char *)p, ".") == 0 || strcmp((const char *)p, "..") == 0;
	size_t o = 0, cut = 0;

	if (out == NULL || outlen == 0)
		return;
	for (; *p != '\0'; p++) {
		bool keep = !dots && ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-');

		if (o + (keep ? 1 : 3) >= outlen)
			break;
		if (o + (keep ? 1 : 3) <= FO_STORE_DIRNAME_MAX - FO_STORE_DIRNAME_TAG)
			cut = o + (keep ? 1 : 3);
		if (keep) {
			out[o++] = (char)*p;
		} else {
			out[o++] = '%';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 0xf];
		}
	}
	out[o] = '\0';
	if (o > FO_STORE_DIRNAME_MAX && outlen > FO_STORE_DIRNAME_MAX)
		snprintf(out + cut, outlen - cut, "~%016llx", (unsigned long long)name_hash(start));
}

/* --- Clean-stop marker ------------------------------------------------------ */

static void
clean_path(const char *state_path, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s.clean", state_path);
}

fo_status
fo_clean_stop_save(const char *state_path, fo_wall now, char *err, size_t errlen)
{
	char path[4200], text[32];
	int fd, n;
	fo_status st = FO_OK;

	clean_path(state_path, path, sizeof(path));
	n = snprintf(text, sizeof(text), "%lld\n", (long long)now.sec);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640)) < 0 ||
	    write(fd, text, (size_t)n) != n || fsync(fd) != 0) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		st = FO_ERR_IO;
	}
	if (fd >= 0)
		close(fd);
	return st;
}

bool
fo_clean_stop_take(const char *state_path, fo_wall *when)
{
	char path[4200], text[32] = "";
	long long t = 0;
	ssize_t n = -1;
	int fd;

	clean_path(state_path, path, sizeof(path));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	(void)unlink(path);
	if (n <= 0 || sscanf(text, "%lld", &t) != 1)
		return false;
	*when = fo_wall_at(t);
	return true;
}
