/*
 * fo_url.c - http:// and https:// URLs (fo_url.h).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fo_url.h"

bool
fo_all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* host[:port] of length n at p into out. */
static fo_status
url_authority(const char *p, size_t n, fo_url *out, char *err, size_t errlen)
{
	const char *hs = p, *colon = NULL;
	size_t hl;

	if (memchr(p, '@', n) != NULL) {
		fo_errf(err, errlen, "user information in the URL is not supported (give "
		    "partner-control-user and partner-control-password)");
		return FO_ERR_CONFIG;
	}
	if (n > 0 && p[0] == '[') {
		const char *close = memchr(p, ']', n);

		if (close == NULL) {
			fo_errf(err, errlen, "an IPv6 address must end with ']'");
			return FO_ERR_CONFIG;
		}
		hs = p + 1;
		hl = (size_t)(close - hs);
		if (close + 1 < p + n) {
			if (close[1] != ':') {
				fo_errf(err, errlen, "':' or '/' must follow ']'");
				return FO_ERR_CONFIG;
			}
			colon = close + 1;
		}
	} else {
		colon = memchr(p, ':', n);
		hl = colon != NULL ? (size_t)(colon - p) : n;
	}
	if (hl == 0 || hl > FO_URL_HOST_MAX) {
		fo_errf(err, errlen, hl == 0 ? "no host" : "the host name is too long");
		return FO_ERR_CONFIG;
	}
	memcpy(out->host, hs, hl);
	out->host[hl] = '\0';
	out->port = out->tls ? 443 : 80;
	if (colon != NULL) {
		size_t pl = (size_t)(p + n - colon - 1);
		unsigned long port;

		if (!fo_all_digits(colon + 1, pl) || pl > 5 ||
		    (port = strtoul(colon + 1, NULL, 10)) == 0 || port > 65535) {
			fo_errf(err, errlen, "the port must be a number from 1 to 65535");
			return FO_ERR_CONFIG;
		}
		out->port = (uint16_t)port;
	}
	return FO_OK;
}

fo_status
fo_url_parse(const char *url, fo_url *out, char *err, size_t errlen)
{
	const char *p, *slash;
	size_t n;

	if (url == NULL || out == NULL)
		return FO_ERR_INVAL;
	memset(out, 0, sizeof(*out));
	if (strncasecmp(url, "https://", 8) == 0) {
		out->tls = true;
		p = url + 8;
	} else if (strncasecmp(url, "http://", 7) == 0) {
		p = url + 7;
	} else {
		fo_errf(err, errlen, "must start with http:// or https://");
		return FO_ERR_CONFIG;
	}
	if (strpbrk(p, " \t\r\n#") != NULL) {
		fo_errf(err, errlen, "spaces and fragments (#) are not allowed");
		return FO_ERR_CONFIG;
	}
	slash = strpbrk(p, "/?");
	n = slash != NULL ? (size_t)(slash - p) : strlen(p);
	if (url_authority(p, n, out, err, errlen) != FO_OK)
		return FO_ERR_CONFIG;
	if (slash == NULL)
		slash = "/";
	if (strlen(slash) + 1 > FO_URL_PATH_MAX) {
		fo_errf(err, errlen, "the path is too long");
		return FO_ERR_CONFIG;
	}
	snprintf(out->path, sizeof(out->path), "%s%s", *slash == '?' ? "/" : "", slash);
	return FO_OK;
}
