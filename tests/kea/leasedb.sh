# leasedb.sh - a lease database server of its own for each Kea server of a
# pair test: MySQL (Debian's MariaDB) or PostgreSQL. Sourced after scenario.sh.
#
# Each database server runs in its Kea server's network namespace on
# 127.0.0.1 (the namespace's own loopback: no port is shared with anything),
# as its own process with its data directory under $FO_TMP/NAME/db, as the
# mysql or postgres user; the test stops it (and the cleanup trap kills it)
# by its PID. The schema is Kea's own: `kea-admin db-init`. Kea connects with
# a user and password of its own over TCP, as an operator's server would.
#
#   fo_db_need BACKEND           exit 77 (skip) when the database server is not installed
#   fo_db_start BACKEND NAME     start NAME's database server (bounded: 60 s), make
#                                Kea's user and database
#   fo_db_init BACKEND NAME      kea-admin db-init: Kea's schema (bounded: 90 s)
#   fo_db_lease_database BACKEND the Dhcp4 "lease-database" JSON for it
#   fo_db_hooks BACKEND          on Kea >= 3.0 the backend's hook library
#                                (libdhcp_mysql.so, libdhcp_pgsql.so) as a
#                                hooks-libraries JSON array, [] before 3.0
#   fo_db_leases NAME            the lease4 table, read with SQL: JSON lines
#                                {address, hw, expire, state}
#   fo_db_stop NAME              stop NAME's database server (data kept)
# Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0

FO_DB_USER=kea
FO_DB_PASS=kea-failover-test
FO_DB_NAME=kea

fo_db_need() {
	case $1 in
	mysql)
		FO_MYSQLD=$(command -v mariadbd || command -v mysqld || ls /usr/sbin/mariadbd /usr/sbin/mysqld 2>/dev/null | head -1)
		[ -n "$FO_MYSQLD" ] || { echo "SKIP: no MySQL server (mariadbd/mysqld; Debian: mariadb-server)"; exit 77; }
		fo_need mariadb-install-db mariadb mysql kea-admin ;;   # kea-admin runs mysql
	pgsql)
		FO_PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
		[ -x "$FO_PG_BIN/postgres" ] || { echo "SKIP: no PostgreSQL server (Debian: postgresql)"; exit 77; }
		fo_need psql kea-admin setpriv ;;
	*) echo "fo_db_need: unknown backend $1" >&2; exit 99 ;;
	esac
}

fo_db_port() { [ "$1" = mysql ] && echo 3306 || echo 5432; }

# _fo_db_wait SECONDS COMMAND...: until COMMAND succeeds.
_fo_db_wait() {
	_end=$(($(date +%s) + $1)); shift
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$_end" ] || return 1
		sleep 0.2
	done
}

# fo_db_start BACKEND NAME: 0 when NAME's database is up with Kea's schema.
fo_db_start() {
	_b=$1 _n=$2 _d="$FO_TMP/$2/db"
	eval "_ns=\$FO_NS_$_n"
	mkdir -p "$_d"
	chmod 711 "$FO_TMP" "$FO_TMP/$_n"   # the database user only passes through
	eval "FO_DB_BACKEND_$_n=$_b"
	case $_b in
	mysql)
		chown mysql:mysql "$_d"
		mariadb-install-db --no-defaults --datadir="$_d/data" --user=mysql \
		    --auth-root-authentication-method=socket --skip-test-db >"$_d/install.log" 2>&1 ||
		    { tail -5 "$_d/install.log" | sed 's/^/#   /'; return 1; }
		ip netns exec "$_ns" "$FO_MYSQLD" --no-defaults --user=mysql --datadir="$_d/data" \
		    --socket="$_d/mysqld.sock" --pid-file="$_d/mysqld.pid" --log-error="$_d/mysqld.log" \
		    --bind-address=127.0.0.1 --port=3306 --skip-name-resolve --innodb-buffer-pool-size=32M \
		    >/dev/null 2>&1 &
		eval "FO_DB_PID_$_n=$!"; FO_PIDS="$FO_PIDS $!"
		_fo_db_wait 60 mariadb --no-defaults --socket="$_d/mysqld.sock" -e 'SELECT 1' ||
		    { echo "# $_n: mysqld not ready within 60 s"; tail -5 "$_d/mysqld.log" | sed 's/^/#   /'; return 1; }
		mariadb --no-defaults --socket="$_d/mysqld.sock" -e "CREATE DATABASE $FO_DB_NAME;
		    CREATE USER '$FO_DB_USER'@'127.0.0.1' IDENTIFIED BY '$FO_DB_PASS';
		    GRANT ALL ON $FO_DB_NAME.* TO '$FO_DB_USER'@'127.0.0.1';" || return 1 ;;
	pgsql)
		chown postgres:postgres "$_d"
		echo "$FO_DB_PASS-su" >"$_d/su.pw"; chown postgres "$_d/su.pw"
		setpriv --reuid=postgres --regid=postgres --init-groups "$FO_PG_BIN/initdb" -D "$_d/data" \
		    -U postgres --auth-local=trust --auth-host=scram-sha-256 --pwfile="$_d/su.pw" \
		    >"$_d/install.log" 2>&1 || { tail -5 "$_d/install.log" | sed 's/^/#   /'; return 1; }
		ip netns exec "$_ns" setpriv --reuid=postgres --regid=postgres --init-groups \
		    "$FO_PG_BIN/postgres" -D "$_d/data" -k "$_d" -p 5432 -c listen_addresses=127.0.0.1 \
		    >"$_d/postgres.log" 2>&1 &
		eval "FO_DB_PID_$_n=$!"; FO_PIDS="$FO_PIDS $!"
		_fo_db_wait 60 psql -h "$_d" -p 5432 -U postgres -c 'SELECT 1' ||
		    { echo "# $_n: postgres not ready within 60 s"; tail -5 "$_d/postgres.log" | sed 's/^/#   /'; return 1; }
		psql -h "$_d" -p 5432 -U postgres -q -v ON_ERROR_STOP=1 \
		    -c "CREATE USER $FO_DB_USER PASSWORD '$FO_DB_PASS'" \
		    -c "CREATE DATABASE $FO_DB_NAME OWNER $FO_DB_USER" || return 1 ;;
	esac
}

# fo_db_init BACKEND NAME: Kea's schema in NAME's database (kea-admin, as Kea's user).
fo_db_init() {
	_b=$1 _n=$2 _d="$FO_TMP/$2/db"
	eval "_ns=\$FO_NS_$_n"
	timeout 90 ip netns exec "$_ns" kea-admin db-init "$_b" -h 127.0.0.1 -P "$(fo_db_port "$_b")" \
	    -u "$FO_DB_USER" -p "$FO_DB_PASS" -n "$FO_DB_NAME" >"$_d/db-init.log" 2>&1 ||
	    { echo "# $_n: kea-admin db-init $_b failed"; tail -5 "$_d/db-init.log" | sed 's/^/#   /'; return 1; }
	echo "# $_n: $_b schema $(grep -o -E '[0-9]+\.[0-9]+ *$' "$_d/db-init.log" | tail -1) (kea-admin db-init)"
}

fo_db_lease_database() {
	_t=$1; [ "$1" = pgsql ] && _t=postgresql
	jq -cn --arg t "$_t" --argjson port "$(fo_db_port "$1")" --arg u "$FO_DB_USER" --arg p "$FO_DB_PASS" \
	    --arg n "$FO_DB_NAME" '{"type": $t, "host": "127.0.0.1", "port": $port, "user": $u,
	                           "password": $p, "name": $n}'
}

fo_db_hooks() {
	_lib="$KEA_HOOKS_DIR/libdhcp_$1.so"
	if [ -f "$_lib" ]; then
		jq -cn --arg l "$(fo_hook_link "$_lib")" '[{"library": $l}]'
	else
		echo '[]'
	fi
}

# fo_db_sql NAME QUERY: the rows, tab-separated, as the database's own superuser.
fo_db_sql() {
	eval "_b=\${FO_DB_BACKEND_$1:-}"
	_d="$FO_TMP/$1/db"
	case $_b in
	mysql) mariadb --no-defaults --socket="$_d/mysqld.sock" -N -B -e "$2" "$FO_DB_NAME" ;;
	pgsql) psql -h "$_d" -p 5432 -U postgres -d "$FO_DB_NAME" -q -A -t -F "$(printf '\t')" -c "$2" ;;
	esac
}

fo_db_leases() {
	eval "_b=\${FO_DB_BACKEND_$1:-}"
	case $_b in
	mysql) _q='SELECT address, HEX(hwaddr), UNIX_TIMESTAMP(expire), state FROM lease4' ;;
	pgsql) _q="SELECT address, encode(hwaddr, 'hex'), extract(epoch FROM expire)::bigint, state FROM lease4" ;;
	esac
	fo_db_sql "$1" "$_q" | awk -F '\t' 'NF == 4 {
	    a = $1; ip = sprintf("%d.%d.%d.%d", int(a / 16777216) % 256, int(a / 65536) % 256, int(a / 256) % 256, a % 256)
	    h = tolower($2); hw = ""
	    for (i = 1; i <= length(h); i += 2) hw = hw (i > 1 ? ":" : "") substr(h, i, 2)
	    printf "{\"address\":\"%s\",\"hw\":\"%s\",\"expire\":%d,\"state\":%d}\n", ip, hw, $3, $4 }'
}

# fo_db_stop NAME: mysqld on SIGTERM, postgres on SIGINT (fast shutdown), each
# waited for (30 s), then SIGKILL.
fo_db_stop() {
	eval "_pid=\${FO_DB_PID_$1:-} _b=\${FO_DB_BACKEND_$1:-}"
	[ -n "$_pid" ] || return 0
	_sig=TERM; [ "$_b" = pgsql ] && _sig=INT
	fo_stop_pid "$_pid" "$_sig" 30
	eval "FO_DB_PID_$1="
}
