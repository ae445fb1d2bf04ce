# shellcheck shell=bash
# The docker sandbox image (sourced by scripts/services.sh; runs after dockerd.sh by name order).
# Builds it offline when the daemon is up and the image for the current recipe is missing: ~2 min the
# first time on a fresh machine, ~10 s from the cached rootfs tarball, nothing when it exists.
zz_image_start() {
  docker info >/dev/null 2>&1 || return 0
  if [ "$(id -u)" != 0 ]; then
    .venv/bin/chipsmith sandbox build >/dev/null 2>&1 || \
      echo "services: sandbox image missing and not root; docker tests will skip" >&2
    return 0
  fi
  .venv/bin/chipsmith sandbox build --offline || echo "services: sandbox image build failed" >&2
}

zz_image_stop() { :; }
