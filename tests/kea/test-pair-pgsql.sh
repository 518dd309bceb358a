#!/bin/sh
# test-pair-pgsql.sh - the failover pair of pair-leasedb.sh with PostgreSQL lease
# databases, one per server, each started by the test.
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
FO_LEASE_BACKEND=pgsql
. "$(dirname "$0")/pair-leasedb.sh"
