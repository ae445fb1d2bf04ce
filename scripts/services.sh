#!/usr/bin/env bash
# Services the tests need (sourced by scripts/test.sh). Each start records what it started,
# and services_stop stops only that.
STARTED=()

services_start() {
  :
}

services_stop() {
  :
}
