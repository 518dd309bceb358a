/*
 * fo_url.h - http:// and https:// URLs (partner-control-url): parsed once for
 * the configuration check (fo_config.c) and for each request (fo_http.c).
 * Internal tier, pure.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_URL_H
#define FO_URL_H

#include "fo_types.h"

#define FO_URL_HOST_MAX 255
#define FO_URL_PATH_MAX 1023

/* An http:// or https:// URL: host (a name, an IPv4 address, or an IPv6 one without brackets). */
typedef struct fo_url {
	char host[FO_URL_HOST_MAX + 1];
	bool tls;                       /* https:// */
	uint16_t port;                  /* 80 (https: 443) when not given */
	char path[FO_URL_PATH_MAX + 1]; /* "/" when not given; query kept */
} fo_url;

/*
 * Parse "http[s]://host[:port][/path]" (IPv6 as "[addr]"). FO_ERR_CONFIG with
 * err saying what is wrong (another scheme, no host, a bad port, user information,
 * a fragment, spaces, a part too long).
 */
fo_status fo_url_parse(const char *url, fo_url *out, char *err, size_t errlen);

/* n > 0 bytes at s, all ASCII digits (URL ports, HTTP status codes). */
bool fo_all_digits(const char *s, size_t n);

#endif /* FO_URL_H */
