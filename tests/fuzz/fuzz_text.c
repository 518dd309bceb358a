/*
 * fuzz_text.c - libFuzzer target for the text a partner's kea-ctrl-agent
 * sends back to failover-replicate: the HTTP/1.x answer (fo_http.c) and
 * the JSON inside it (fo_canon.c). Neither may crash or read out of
 * bounds on any input; and what parses has properties that are checked:
 *  - JSON: the canonical text of a value parses again, to the same
 *    canonical text (the digests of both ends depend on that);
 *  - HTTP: a complete answer, whether or not the peer closed after it, has
 *    a status of three digits and a body that fits in the input.
 * Built with -fsanitize=fuzzer,address,undefined it is a libFuzzer target;
 * `make check` runs its corpus through tests/fuzz/run-corpus.c
 * (run-corpus-text, corpus tests/fuzz/corpus-text).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fo_canon.h"
#include "fo_http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
finding(const char *what)
{
	fprintf(stderr, "fuzz_text: %s\n", what);
	abort();
}

static void
json(const char *text, size_t len)
{
	char err[128], *c1 = NULL, *c2 = NULL;
	fo_jv *v = NULL, *w = NULL;

	if (fo_jv_parse(text, len, &v, err, sizeof(err)) != FO_OK)
		return;
	if (fo_jv_canon(v, NULL, &c1) != FO_OK)
		finding("no canonical text for a parsed value");
	if (fo_jv_parse(c1, strlen(c1), &w, err, sizeof(err)) != FO_OK)
		finding("the canonical text does not parse");
	if (fo_jv_canon(w, NULL, &c2) != FO_OK || strcmp(c1, c2) != 0)
		finding("the canonical text is not stable");
	free(c1);
	free(c2);
	fo_jv_free(v);
	fo_jv_free(w);
}

static void
http(const char *text, size_t len)
{
	fo_http_response r;
	char err[128];

	for (int closed = 0; closed < 2; closed++) {
		fo_status st;

		memset(&r, 0, sizeof(r));
		st = fo_http_parse_response(text, len, closed != 0, &r, err, sizeof(err));
		if (st != FO_OK)
			continue;
		if (r.status < 100 || r.status > 999 || r.body == NULL || r.body_len > len)
			finding("a complete answer with an impossible status or body");
		fo_http_response_free(&r);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	json(text, size);
	http(text, size);
	free(text);
	return 0;
}
