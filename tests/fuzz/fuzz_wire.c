/*
 * fuzz_wire.c - libFuzzer target for the wire codec: decode in every
 * dialect, with and without a digest key; whatever decodes is encoded
 * again, decoded again and compared field by field; fo_wire_peek_connect
 * reads every input too, and must agree with the decoder on what decodes
 * as a CONNECT. Any crash, sanitizer report or mismatch (abort) is a
 * finding.
 *
 * Build: clang -fsanitize=fuzzer,address -Iengine/include -Iengine/lib -Iengine/core -Iengine/wire -Iengine/run tests/fuzz/fuzz_wire.c
 *        engine/wire/fo_wire.c engine/wire/fo_cursor.c engine/wire/fo_digest.c
 *        engine/core/fo_hash.c engine/lib/fo_types.c -lcrypto
 * tests/fuzz/run-corpus.c links the same function without libFuzzer.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <stdio.h>
#include <stdlib.h>

#include "fo_wire.h"
#include "../wire/wire_samples.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
finding(const char *what, fo_dialect d, fo_status st)
{
	fprintf(stderr, "fuzz_wire: %s (%s dialect): %s\n", what,
	    fo_dialect_name(d), fo_status_name(st));
	abort();
}

/* A decoded message: peek finds the CONNECT's name, or that it is none. */
static void
peek_agrees(const uint8_t *data, size_t size, fo_dialect d, const fo_wire_msg *m)
{
	static uint8_t name[FO_WIRE_MAX];
	size_t nlen = 0;
	fo_status st;

	st = fo_wire_peek_connect(data, size, name, sizeof(name), &nlen, NULL);
	if (m->type != FO_M_CONNECT ||
	    !(m->present & FO_WIRE_BIT(FO_O_RELATIONSHIP_NAME))) {
		if (st != FO_ERR_NOTFOUND)
			finding("peek: not a named CONNECT", d, st);
		return;
	}
	if (st != FO_OK)
		finding("peek: a named CONNECT", d, st);
	if (!fo_wire_name_is(name, nlen, d, m->relationship))
		finding("peek: the name differs", d, st);
}

static void
one(const uint8_t *data, size_t size, fo_dialect d, const fo_digest_key *key)
{
	static fo_wire_msg out, again;
	static uint8_t buf[FO_WIRE_MAX];
	fo_reject why;
	size_t len = 0;
	char err[128];
	fo_status st;

	st = fo_wire_decode(data, size, d, key, &out, &why, err, sizeof(err));
	if (st != FO_OK && st != FO_ERR_PROTO && st != FO_ERR_NOTFOUND)
		finding("decode status", d, st);
	if ((st == FO_ERR_PROTO) != (why != FO_REJ_NONE))
		finding("reject reason and status disagree", d, st);
	if (st != FO_OK)
		return;
	peek_agrees(data, size, d, &out);
	st = fo_wire_encode(&out, d, key, buf, sizeof(buf), &len);
	if (st == FO_ERR_RANGE)  /* e.g. UTF-16 strings gain their NUL */
		return;
	if (st != FO_OK)
		finding("re-encode", d, st);
	st = fo_wire_decode(buf, len, d, key, &again, &why, err, sizeof(err));
	if (st != FO_OK)
		finding(err, d, st);
	if (!ws_msg_eq(&out, &again))
		finding("round trip differs", d, st);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const fo_dialect ds[] = {
		FO_DIALECT_DRAFT, FO_DIALECT_ISC, FO_DIALECT_MS,
	};
	static uint8_t name[FO_WIRE_MAX];
	fo_digest_key key;
	size_t n = 0;
	fo_status st;

	ws_key(&key);
	(void)fo_wire_frame(data, size, &n);
	st = fo_wire_peek_connect(data, size, name, sizeof(name), &n, NULL);
	if (st != FO_OK && st != FO_ERR_NOTFOUND && st != FO_ERR_PROTO)
		finding("peek status", FO_DIALECT_DRAFT, st);
	if (st == FO_OK && n > size)
		finding("peek: name longer than the input", FO_DIALECT_DRAFT, st);
	for (size_t i = 0; st == FO_OK && i < sizeof(ds) / sizeof(ds[0]); i++)
		(void)fo_wire_name_is(name, n, ds[i], "peer");
	for (size_t i = 0; i < sizeof(ds) / sizeof(ds[0]); i++) {
		one(data, size, ds[i], NULL);
		one(data, size, ds[i], &key);
	}
	return 0;
}
