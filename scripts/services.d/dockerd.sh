# shellcheck shell=bash
# Docker daemon for the docker sandbox tests (sourced by scripts/services.sh).
# dockerd_start: if no daemon answers and we are root, start dockerd in the background and wait until
# `docker info` answers; remember that we started it. dockerd_stop: stop only a daemon we started.
_CHIPSMITH_DOCKERD_PID=""
_CHIPSMITH_DOCKERD_LOG="${TMPDIR:-/tmp}/chipsmith-dockerd.log"

_dockerd_up() { docker info >/dev/null 2>&1; }

dockerd_start() {
  if _dockerd_up; then return 0; fi
  if [ "$(id -u)" != 0 ] || ! command -v dockerd >/dev/null 2>&1; then
    echo "services: no Docker daemon and cannot start one (need root and dockerd); docker tests will skip" >&2
    return 0
  fi
  echo "services: starting dockerd (log: $_CHIPSMITH_DOCKERD_LOG)" >&2
  dockerd >"$_CHIPSMITH_DOCKERD_LOG" 2>&1 &
  _CHIPSMITH_DOCKERD_PID=$!
  for _ in $(seq 1 120); do
    if _dockerd_up; then return 0; fi
    if ! kill -0 "$_CHIPSMITH_DOCKERD_PID" 2>/dev/null; then
      echo "services: dockerd exited; see $_CHIPSMITH_DOCKERD_LOG" >&2
      _CHIPSMITH_DOCKERD_PID=""
      return 0
    fi
    sleep 0.5
  done
  echo "services: dockerd did not answer within 60 s; see $_CHIPSMITH_DOCKERD_LOG" >&2
}

dockerd_stop() {
  [ -n "$_CHIPSMITH_DOCKERD_PID" ] || return 0
  kill "$_CHIPSMITH_DOCKERD_PID" 2>/dev/null || true
  for _ in $(seq 1 40); do
    kill -0 "$_CHIPSMITH_DOCKERD_PID" 2>/dev/null || break
    sleep 0.5
  done
  _CHIPSMITH_DOCKERD_PID=""
}
