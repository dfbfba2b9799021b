#!/usr/bin/env bash
# Installs the benchmark's peers from the package registries (npm, PyPI), at pinned versions.
# better-sqlite3 first tries a prebuilt binary from GitHub; where that is unreachable it builds
# from source with node-gyp, which needs a C++ compiler and the node headers: we point it at the
# headers Debian's nodejs package installs (/usr/include/node) with npm_config_nodedir=/usr.
set -euo pipefail
# hyperfine times the W3 CLI runs (`wardflow-bench` falls back to its own loop without it);
# Debian packages it, so it comes from apt rather than from a registry download.
if ! command -v hyperfine >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then
        apt-get install -y --no-install-recommends hyperfine
    else
        sudo apt-get install -y --no-install-recommends hyperfine
    fi
fi
here="$(cd "$(dirname "$0")" && pwd)"
if [ -f /usr/include/node/node_version.h ] && [ -z "${npm_config_nodedir:-}" ]; then
    export npm_config_nodedir=/usr
fi
(cd "$here/xstate" && npm install --no-audit --no-fund --loglevel=error)
python3 -m venv "$here/python/.venv"
"$here/python/.venv/bin/pip" install --quiet -r "$here/python/requirements.txt"
echo "peers installed: $(cd "$here/xstate" && node -e 'console.log("xstate", require("./node_modules/xstate/package.json").version, "better-sqlite3", require("./node_modules/better-sqlite3/package.json").version)' 2>/dev/null || true)"
