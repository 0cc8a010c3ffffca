# Sourced by .ci/run and the README quick start: puts Node 24 first on PATH when the machine's node
# is missing or older than 22.22 (zstd in zlib, node:sqlite and the @sigstore packages need it).
_bosun_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_bosun_node_ok() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>=24||(a===22&&b>=22)?0:1)'
}
if ! _bosun_node_ok; then
  if [ ! -x "$_bosun_root/.tools/node_modules/.bin/node" ]; then
    npm install --prefix "$_bosun_root/.tools" --no-audit --no-fund --no-save node@24 >&2
  fi
  export PATH="$_bosun_root/.tools/node_modules/.bin:$PATH"
fi
echo "using node $(node --version) from $(command -v node)" >&2
