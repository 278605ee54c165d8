#!/usr/bin/env bash
# Installs the reference AT Protocol servers pinned by package-lock.json (PLC, PDS, and the
# AppView through @atproto/dev-env) on Node 20, from the npm registry only.
#
# The installed tree is kept outside the clone, under a name made of the lock file's hash:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/watchtime-ci/atproto/<sha256 of package-lock.json>
# so the first run compiles better-sqlite3 (about 12 minutes on two cores) and every later run
# with the same lock takes a second. Prints the node_modules path on standard output.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/watchtime-ci/atproto"
lock_sha="$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)"
dest="$cache_root/$lock_sha"

if [ -f "$dest/.complete" ]; then
    echo "$dest/node_modules"
    exit 0
fi

command -v node >/dev/null || { echo "install.sh: node (20 or later) is needed: apt-get install nodejs npm" >&2; exit 1; }
command -v npm >/dev/null || { echo "install.sh: npm is needed: apt-get install npm" >&2; exit 1; }

mkdir -p "$cache_root"
work="$(mktemp -d "$cache_root/.install-XXXXXX")"
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/package-lock.json" "$work/"
cd "$work"
echo "install.sh: installing the AT Protocol stack into $dest (first time: about 15 minutes)" >&2
# --ignore-scripts: better-sqlite3's install script would try to download a prebuilt binary
# from outside the npm registry; it is compiled from source just below instead.
nice npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >&2
# build_from_source makes prebuild-install give up at once; npm's bundled node-gyp then
# compiles the SQLite amalgamation against the installed Node headers.
npm_config_build_from_source=true nice npm rebuild better-sqlite3 --foreground-scripts >&2
node -e "new (require('./node_modules/better-sqlite3'))(':memory:').prepare('select 1').get()"
touch .complete
# A concurrent run may have finished first: keep whichever tree landed.
if ! mv -T "$work" "$dest" 2>/dev/null; then
    [ -f "$dest/.complete" ] || { echo "install.sh: could not move the tree into $dest" >&2; exit 1; }
fi
trap - EXIT
echo "$dest/node_modules"
