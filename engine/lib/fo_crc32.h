/*
 * fo_crc32.h - CRC-32, IEEE 802.3 polynomial (reflected 0xEDB88320), the
 * values of zlib's crc32(): start with crc = 0; chainable:
 * fo_crc32(fo_crc32(0, a, n), b, m) is the CRC of a then b.
 *
 * Slice-by-8: eight bytes per step through eight 256-entry tables (8 KiB,
 * built once, on first use, under pthread_once); byte at a time for the
 * remainder. Reads bytes one by one (no alignment or endianness
 * assumption). Thread-safe.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_CRC32_H
#define FO_CRC32_H

#include <stddef.h>
#include <stdint.h>

uint32_t fo_crc32(uint32_t crc, const void *buf, size_t len);

#endif /* FO_CRC32_H */
