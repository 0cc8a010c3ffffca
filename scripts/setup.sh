# Quick start, step 1 (run with `source scripts/setup.sh` so Node 24 stays on your PATH):
# installs the system packages the tests use (when root and apt-get exists), Node 24 when the
# machine's node is older than 22.22, the npm dependencies, builds, and runs the main job.
# `BOSUN_SETUP_NO_DEMO=1` skips the main job (CI uses that).
_bosun_setup() {
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  local need=() pkg
  while read -r pkg; do
    case "$pkg" in '' | '#'*) continue ;; esac
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || need+=("$pkg")
  done <"$root/scripts/apt-packages.txt"
  if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "setup: installing Debian packages: ${need[*]}" >&2
      DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null || return 1
    else
      echo "setup: the tests need these Debian packages: ${need[*]} (install them as root)" >&2
    fi
  fi
  # shellcheck source=scripts/use-node.sh
  source "$root/scripts/use-node.sh" || return 1
  (cd "$root" && npm ci --no-audit --no-fund) || return 1
  if [ -z "${BOSUN_SETUP_NO_DEMO:-}" ]; then
    (cd "$root" && node scripts/demo.ts) || return 1
  fi
}
_bosun_setup
