#!/bin/sh
# test-pair-mysql.sh - the failover pair of pair-leasedb.sh with MySQL lease
# databases, one per server, each started by the test.
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
FO_LEASE_BACKEND=mysql
. "$(dirname "$0")/pair-leasedb.sh"
