#!/usr/bin/env bash
# A throwaway `chroma run` server for the knowledge tests (sourced by scripts/services.sh).
# chroma_start: start one on a free port with a temporary data dir, wait for its heartbeat and
# export CHIPSMITH_TEST_CHROMA_URL. chroma_stop: stop only the server this shell started.

_CHROMA_PID=""
_CHROMA_DIR=""

chroma_start() {
  local root chroma port i
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  chroma="$root/.venv/bin/chroma"
  if [ -n "${CHIPSMITH_TEST_CHROMA_URL:-}" ]; then
    return 0  # someone already provides a server
  fi
  if [ ! -x "$chroma" ]; then
    echo "chroma: $chroma not found; server-mode knowledge tests will skip" >&2
    return 0
  fi
  port="$("$root/.venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
  _CHROMA_DIR="$(mktemp -d -t chipsmith-chroma-XXXXXX)"
  ANONYMIZED_TELEMETRY=False "$chroma" run --path "$_CHROMA_DIR" --host 127.0.0.1 --port "$port" \
    >"$_CHROMA_DIR.log" 2>&1 &
  _CHROMA_PID=$!
  for i in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$port/api/v2/heartbeat" >/dev/null 2>&1; then
      export CHIPSMITH_TEST_CHROMA_URL="http://127.0.0.1:$port"
      return 0
    fi
    if ! kill -0 "$_CHROMA_PID" 2>/dev/null; then
      break
    fi
    sleep 0.5
  done
  echo "chroma: server did not answer its heartbeat; see $_CHROMA_DIR.log" >&2
  chroma_stop
  return 0
}

chroma_stop() {
  if [ -n "$_CHROMA_PID" ]; then
    kill "$_CHROMA_PID" 2>/dev/null || true
    wait "$_CHROMA_PID" 2>/dev/null || true
    _CHROMA_PID=""
  fi
  if [ -n "$_CHROMA_DIR" ]; then
    rm -rf "$_CHROMA_DIR" "$_CHROMA_DIR.log"
    _CHROMA_DIR=""
    unset CHIPSMITH_TEST_CHROMA_URL  # only the URL of the server we started
  fi
}
