#!/usr/bin/env bash
# Services the tests need (sourced by scripts/test.sh). Each file scripts/services.d/NAME.sh defines
# NAME_start and NAME_stop; a start records whether it started something, and stop only stops that.
for f in "$(dirname "${BASH_SOURCE[0]}")"/services.d/*.sh; do
  [ -e "$f" ] && source "$f"
done

services_start() {
  for f in "$(dirname "${BASH_SOURCE[0]}")"/services.d/*.sh; do
    [ -e "$f" ] || continue
    "$(basename "$f" .sh)_start"
  done
}

services_stop() {
  for f in "$(dirname "${BASH_SOURCE[0]}")"/services.d/*.sh; do
    [ -e "$f" ] || continue
    "$(basename "$f" .sh)_stop" || true
  done
}
