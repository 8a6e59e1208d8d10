#!/usr/bin/env bash
# Consumer test: packs the three packages as npm would publish them, installs the tarballs into a fresh
# project, type-checks a small importer (scripts/consumer/main.ts: the READMEs' examples and a property
# test with the exported arbitraries) as a strict TypeScript user would, runs it under plain node, and
# checks the installed bins. Dependencies come from npm's cache when it has them (--prefer-offline).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# A clean build, so no output of a deleted source can slip into a tarball.
rm -rf packages/*/dist
npm run build --silent
npm pack --silent --pack-destination "$work" -w packages/core -w packages/zfs-rpc -w packages/runner >/dev/null

app="$work/app"
mkdir "$app"
cp scripts/consumer/main.ts scripts/consumer/tsconfig.json "$app/"
cp backup_config.yaml.example "$app/backup_config.yaml"
version() { node -p "require('$root/node_modules/$1/package.json').version"; }
cat >"$app/package.json" <<JSON
{
  "name": "consumer",
  "private": true,
  "type": "module",
  "dependencies": {
    "@zfs-autobackup/core": "file:../zfs-autobackup-core-0.1.0.tgz",
    "@zfs-autobackup/zfs-rpc": "file:../zfs-autobackup-zfs-rpc-0.1.0.tgz",
    "@zfs-autobackup/runner": "file:../zfs-autobackup-runner-0.1.0.tgz",
    "fast-check": "$(version fast-check)"
  },
  "devDependencies": { "@types/node": "$(version @types/node)" }
}
JSON
cd "$app"
npm install --prefer-offline --no-audit --no-fund --loglevel=error
echo "consumer: installed $(ls node_modules | wc -l) top-level packages"
# Nothing a user does not need was shipped.
if find node_modules/@zfs-autobackup -name src -o -name '*.tsbuildinfo' -o -name '*.map' | grep .; then
  echo "consumer: the tarballs ship sources, build info or source maps" >&2
  exit 1
fi
"$root/node_modules/.bin/tsc" -p tsconfig.json
node dist/main.js
npx --no-install zfs-autobackup --version
npx --no-install zfs-autobackup simulator --help | grep -q -- '--migration-seconds'
npx --no-install zfs-api-simulator --help | grep -q -- '--migration-seconds'
echo "consumer: bins zfs-autobackup and zfs-api-simulator work"
