#!/usr/bin/env bash
# Smoke test of the PUBLISHED app (what a server runs), not of the build the tests use.
#
#   .ci/smoke-published.sh [--no-publish] [--strict-refusals]
#
# Publishes src/Cordon (Release) to artifacts/pub (--no-publish reuses the folder if it exists), then
# starts `dotnet Cordon.dll` from that folder (the folder is its content root: appsettings.json,
# wwwroot) on a fresh temp data directory:
#   - demo on SQLite, demo on PostgreSQL: healthz, API sign-in, form sign-in + a page, one API call,
#     a static file, and a clean log (no `fail:` line, no stack trace);
#   - without --demo on an empty PostgreSQL database: the first start (setup code, /setup);
#   - refusals: --demo on 0.0.0.0, and Provider=Oracle, must exit non-zero quickly. What the app
#     printed is shown as INFO; --strict-refusals makes more than 2 lines or a stack trace a FAIL.
# PostgreSQL: admin connection string in CORDON_TEST_POSTGRES (as .ci/run exports it); a database is
# created per start and dropped afterwards. Needs curl, psql; jq if present.
# Prints PASS/FAIL/INFO per check and "N passed, N failed"; exits non-zero on any failure.
# Server logs are kept in artifacts/smoke/.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

publish=1
strict=0
for arg in "$@"; do
  case $arg in
    --no-publish) publish=0 ;;
    --strict-refusals) strict=1 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

pub="$root/artifacts/pub"
logs="$root/artifacts/smoke"
work=$(mktemp -d /tmp/cordon-smoke.XXXXXX)
rm -rf "$logs" && mkdir -p "$logs"
started=$(date +%s)
passed=0
failed=0
pids=()
databases=()

pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
info() { echo "INFO $*"; }
check() { # name command…: PASS/FAIL by the command's status, then what the command printed
  local name=$1 out rc; shift
  out=$("$@"); rc=$?
  verdict "$rc" "$name"
  [ -z "$out" ] || echo "$out"
}
verdict() { if [ "$1" = 0 ]; then pass "$2"; else fail "$2"; fi; } # status, name: after a compound test

# --- PostgreSQL admin connection ------------------------------------------------------------------
admin_cs=${CORDON_TEST_POSTGRES:-Host=127.0.0.1;Port=5432;Username=postgres;Password=cordon}
pg_host=127.0.0.1 pg_port=5432 pg_user=postgres pg_password=
IFS=';' read -ra parts <<<"$admin_cs"
app_cs_base=""
for part in "${parts[@]}"; do
  key=$(echo "${part%%=*}" | tr '[:upper:]' '[:lower:]' | tr -d ' ')
  value=${part#*=}
  case $key in
    host|server) pg_host=$value ;;
    port) pg_port=$value ;;
    username|user|userid|"user id") pg_user=$value ;;
    password|pwd) pg_password=$value ;;
  esac
  case $key in database|db|"") ;; *) app_cs_base+="$part;" ;; esac
done

psql_admin() {
  PGPASSWORD=$pg_password PGCONNECT_TIMEOUT=5 psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d postgres \
    -v ON_ERROR_STOP=1 -qAtc "$1"
}

new_database() { # name → creates it; remembered for the cleanup
  databases+=("$1")
  psql_admin "CREATE DATABASE \"$1\"" >"$logs/psql-$1.log" 2>&1
}

# --- servers --------------------------------------------------------------------------------------
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  pids=()
  local db
  for db in "${databases[@]}"; do
    psql_admin "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || echo "WARN could not drop database $db"
  done
  databases=()
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { local p=$1; while ! port_free "$p"; do p=$((p + 1)); done; echo "$p"; }

server_pid=
# start NAME PORT [ENV=VALUE ...] -- [ARGS ...]: the published app from its folder, own data directory
start() {
  local name=$1 port=$2; shift 2
  local env=() args=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do env+=("$1"); shift; done
  [ "${1:-}" = -- ] && shift
  args=("$@")
  local data="$work/data-$name"
  mkdir -p "$data"
  (cd "$pub" && exec env Cordon__DataDirectory="$data" "${env[@]}" dotnet Cordon.dll "${args[@]}" --urls "http://127.0.0.1:$port") \
    >"$logs/$name.log" 2>&1 &
  server_pid=$!
  pids+=("$server_pid")
}

stop() { # pid
  kill "$1" 2>/dev/null
  for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$1" 2>/dev/null
  wait "$1" 2>/dev/null
  local p kept=()
  for p in "${pids[@]}"; do [ "$p" = "$1" ] || kept+=("$p"); done
  pids=("${kept[@]}")
}

wait_healthy() { # base pid → 0 once /healthz answers 200 (60 s)
  local base=$1 pid=$2 t0
  t0=$(date +%s)
  while [ $(( $(date +%s) - t0 )) -lt 60 ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "     the server exited before it was healthy"
      return 1
    fi
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$base/healthz")" = 200 ] && return 0
    sleep 0.5
  done
  echo "     no 200 from /healthz within 60 s"
  return 1
}

log_clean() { # log → 0 if no `fail:` line and no stack trace; shows what it found
  local log=$1 found
  found=$(grep -nE -A3 '^(fail|crit):|^   at |Unhandled exception' "$log" | head -12)
  if [ -n "$found" ]; then
    echo "$found" | sed 's/^/     | /'
    return 1
  fi
  return 0
}

json_token() { # stdin: login response → token
  if command -v jq >/dev/null; then jq -r '.accessToken // empty' 2>/dev/null
  else grep -o '"accessToken":"[^"]*"' | head -1 | cut -d'"' -f4
  fi
}

json_nonempty_array() { # file → 0 if a JSON array with at least one element
  if command -v jq >/dev/null; then jq -e 'type == "array" and length > 0' "$1" >/dev/null 2>&1
  else grep -q '^\[{' "$1"
  fi
}

# demo_checks NAME BASE LOG
demo_checks() {
  local name=$1 base=$2 log=$3 jar="$work/$1.cookies" body="$work/$1.body" code token antiforgery css

  code=$(curl -s -o "$body" -w '%{http_code}' --max-time 10 "$base/healthz")
  [ "$code" = 200 ] && grep -qx ok "$body"
  verdict $? "$name: GET /healthz → 200 ok ($code)"

  token=$(curl -s --max-time 20 -H 'Content-Type: application/json' \
    -d '{"userName":"commander","password":"Demo#2022"}' "$base/api/v1/auth/login" | json_token)
  check "$name: API sign-in as commander returns a token (${#token} chars)" [ -n "$token" ]

  # Sign in through the form, as a browser does: the antiforgery cookie and token from the page.
  code=$(curl -s -c "$jar" -b "$jar" -o "$body" -w '%{http_code}' --max-time 10 "$base/Account/Login")
  antiforgery=$(grep -o 'name="__RequestVerificationToken" type="hidden" value="[^"]*"' "$body" | head -1 | sed 's/.*value="//; s/"$//')
  css=$(grep -o 'href="/css/[^"]*"' "$body" | head -1 | sed 's/^href="//; s/"$//')
  [ "$code" = 200 ] && [ -n "$antiforgery" ]
  verdict $? "$name: GET /Account/Login → 200 with an antiforgery token ($code)"
  code=$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{http_code} %{redirect_url}' --max-time 20 \
    --data-urlencode "UserName=commander" --data-urlencode "Password=Demo#2022" \
    --data-urlencode "ReturnUrl=" --data-urlencode "__RequestVerificationToken=$antiforgery" "$base/Account/Login")
  [ "${code%% *}" = 302 ] && grep -qP '\tcordon\t' "$jar"
  verdict $? "$name: POST /Account/Login → 302 and the sign-in cookie ($code)"
  code=$(curl -s -b "$jar" -o "$body" -w '%{http_code}' --max-time 20 "$base/")
  [ "$code" = 200 ] && grep -q 'class="who">commander<' "$body" && grep -q 'lang="zh-CN"' "$body"
  verdict $? "$name: GET / signed in → 200, shows commander and the Chinese UI ($code)"

  if [ -n "$css" ]; then
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$base$css")
  else
    code=none
  fi
  check "$name: static file ${css%%\?*} → 200 ($code)" [ "$code" = 200 ]

  code=$(curl -s -o "$body" -w '%{http_code}' --max-time 20 -H "Authorization: Bearer $token" "$base/api/v1/ledger/compounds")
  local count=""
  command -v jq >/dev/null && count=$(jq 'length' "$body" 2>/dev/null)
  [ "$code" = 200 ] && json_nonempty_array "$body"
  verdict $? "$name: GET /api/v1/ledger/compounds (bearer) → 200, non-empty array (${count:-?} items, $code)"

  check "$name: server log has no fail: line and no stack trace" log_clean "$log"

  local data="$work/data-$name" modes=""
  for f in "$data" "$data/keys" "$data"/keys/*.xml "$data/cordon.db"; do
    [ -e "$f" ] && modes+=" ${f#"$work"/}=$(stat -c %a "$f")"
  done
  info "$name: file modes under umask $(umask):$modes"
}

# refusal NAME [ENV=VALUE ...] -- [ARGS ...]: must exit non-zero within 30 s
refusal() {
  local name=$1; shift
  local env=() args=() data="$work/data-refusal-$name" out="$logs/refusal-$name.log" rc t0 seconds lines
  while [ $# -gt 0 ] && [ "$1" != -- ]; do env+=("$1"); shift; done
  [ "${1:-}" = -- ] && shift
  args=("$@")
  mkdir -p "$data"
  t0=$(date +%s)
  # ulimit -c 0: an unhandled exception aborts the runtime (SIGABRT), which may write a core dump.
  # The braces' 2>/dev/null keeps bash's own "Aborted" job message out of the report.
  { (cd "$pub" && ulimit -c 0 && exec env Cordon__DataDirectory="$data" "${env[@]}" timeout -k 5 30 dotnet Cordon.dll "${args[@]}") \
    >"$out" 2>&1 </dev/null; } 2>/dev/null
  rc=$?
  seconds=$(( $(date +%s) - t0 ))
  lines=$(grep -c . "$out")
  [ "$rc" != 0 ] && [ "$rc" != 124 ] && [ "$rc" != 137 ] && [ "$seconds" -le 25 ]
  verdict $? "$name: refused, exit code $rc after ${seconds}s (non-zero, not a timeout)"
  info "$name: printed $lines line(s), the first 3:"
  head -3 "$out" | cut -c1-300 | sed 's/^/     | /'
  local clear=1
  { [ "$lines" -gt 2 ] || grep -q '^   at ' "$out"; } && clear=0
  if [ "$strict" = 1 ]; then
    check "$name: refusal is one clear message (≤ 2 lines, no stack trace)" [ "$clear" = 1 ]
  elif [ "$clear" = 0 ]; then
    info "$name: refusal is not one clear message (> 2 lines or a stack trace); --strict-refusals makes this a FAIL"
  else
    info "$name: refusal is one clear message"
  fi
}

elapsed() { echo "$(( $(date +%s) - started ))s"; }

# --- publish --------------------------------------------------------------------------------------
if [ "$publish" = 1 ] || [ ! -f "$pub/Cordon.dll" ]; then
  echo "== publish src/Cordon (Release) → artifacts/pub"
  rm -rf "$pub"
  if dotnet publish src/Cordon -c Release -o "$pub" >"$logs/publish.log" 2>&1; then
    pass "dotnet publish ($(elapsed))"
  else
    tail -20 "$logs/publish.log"
    fail "dotnet publish"
    echo "$passed passed, $failed failed"
    exit 1
  fi
else
  info "reusing artifacts/pub (--no-publish)"
fi

# --- SQLite, demo ---------------------------------------------------------------------------------
echo "== SQLite, --demo ($(elapsed))"
port=$(free_port 5181)
start sqlite-demo "$port" -- --demo
pid=$server_pid
if wait_healthy "http://127.0.0.1:$port" "$pid"; then
  pass "sqlite-demo: healthy on 127.0.0.1:$port ($(elapsed))"
  demo_checks sqlite-demo "http://127.0.0.1:$port" "$logs/sqlite-demo.log"
else
  fail "sqlite-demo: healthy on 127.0.0.1:$port"
  tail -15 "$logs/sqlite-demo.log" | sed 's/^/     | /'
fi
stop "$pid"

# --- PostgreSQL -----------------------------------------------------------------------------------
pg_ok=1
if ! command -v psql >/dev/null; then
  fail "postgres: psql not found"
  pg_ok=0
elif ! psql_admin "SELECT 1" >/dev/null 2>"$logs/psql-connect.log"; then
  fail "postgres: cannot connect to $pg_host:$pg_port as $pg_user ($(head -1 "$logs/psql-connect.log"))"
  pg_ok=0
fi

if [ "$pg_ok" = 1 ]; then
  echo "== PostgreSQL, --demo ($(elapsed))"
  db="cordon_smoke_$$_demo"
  if new_database "$db"; then
    port=$(free_port 5182)
    start postgres-demo "$port" Cordon__Database__Provider=Postgres "ConnectionStrings__Cordon=${app_cs_base}Database=$db" -- --demo
    pid=$server_pid
    if wait_healthy "http://127.0.0.1:$port" "$pid"; then
      pass "postgres-demo: healthy on 127.0.0.1:$port, database $db ($(elapsed))"
      demo_checks postgres-demo "http://127.0.0.1:$port" "$logs/postgres-demo.log"
    else
      fail "postgres-demo: healthy on 127.0.0.1:$port"
      tail -15 "$logs/postgres-demo.log" | sed 's/^/     | /'
    fi
    stop "$pid"
  else
    fail "postgres-demo: CREATE DATABASE $db ($(head -1 "$logs/psql-$db.log"))"
  fi

  echo "== PostgreSQL, first start without --demo on an empty database ($(elapsed))"
  db="cordon_smoke_$$_setup"
  if new_database "$db"; then
    port=$(free_port 5183)
    start postgres-setup "$port" Cordon__Database__Provider=Postgres "ConnectionStrings__Cordon=${app_cs_base}Database=$db" --
    pid=$server_pid
    base="http://127.0.0.1:$port"
    if wait_healthy "$base" "$pid"; then
      pass "postgres-setup: healthy on 127.0.0.1:$port, database $db ($(elapsed))"
      code=$(curl -s -o "$work/setup.body" -w '%{http_code}' --max-time 20 "$base/setup")
      [ "$code" = 200 ] && grep -q 'name="Code"' "$work/setup.body"
      verdict $? "postgres-setup: GET /setup → 200 with the setup form ($code)"
      check "postgres-setup: the log prints a one-time setup code" \
        grep -qE 'setup code [A-Z0-9]{4}-[A-Z0-9]{4}' "$logs/postgres-setup.log"
      check "postgres-setup: server log has no fail: line and no stack trace" log_clean "$logs/postgres-setup.log"
    else
      fail "postgres-setup: healthy on 127.0.0.1:$port"
      tail -15 "$logs/postgres-setup.log" | sed 's/^/     | /'
    fi
    stop "$pid"
  else
    fail "postgres-setup: CREATE DATABASE $db ($(head -1 "$logs/psql-$db.log"))"
  fi
fi

# --- refusals -------------------------------------------------------------------------------------
echo "== start-up refusals ($(elapsed))"
refusal demo-on-0.0.0.0 -- --demo --urls http://0.0.0.0:5099
refusal provider-oracle Cordon__Database__Provider=Oracle -- --urls "http://127.0.0.1:$(free_port 5184)"

# --- warnings worth knowing (never a failure) -----------------------------------------------------
for log in "$logs"/sqlite-demo.log "$logs"/postgres-demo.log "$logs"/postgres-setup.log; do
  [ -f "$log" ] || continue
  grep -A1 '^warn:' "$log" | grep -v '^--$' | paste - - | sed 's/  */ /g' | sort -u | cut -c1-220 \
    | sed "s|^|INFO $(basename "$log" .log) warning: |"
done

echo "== done ($(elapsed)); logs in artifacts/smoke/"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
