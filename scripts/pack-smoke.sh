#!/usr/bin/env bash
# The npm package as a user gets it: pack the tarball, install it into an empty project, and run
# the README's comparison from there with npx. Prints the tarball's size and file count.
# Usage: bash scripts/pack-smoke.sh   (after `npm ci`, which builds dist/)
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d "${TMPDIR:-/tmp}/rewardcast-pack-XXXXXX")"
trap 'rm -rf "$work"' EXIT
tarball="$(npm pack --silent --pack-destination "$work" | tail -n 1)"
node -e '
  const { statSync } = require("node:fs");
  const { execFileSync } = require("node:child_process");
  const file = process.argv[1];
  const count = execFileSync("tar", ["-tzf", file], { encoding: "utf8" }).trim().split("\n").length;
  console.log(`pack-smoke: ${require("node:path").basename(file)}: ${(statSync(file).size / 1024).toFixed(0)} kB, ${count} files`);
' "$work/$tarball"
if tar -tzf "$work/$tarball" | grep -E '(^package/(test|dist/test|\.ci)/)|\.map$'; then
  echo "pack-smoke: the tarball holds tests, CI files or source maps (above)" >&2
  exit 1
fi
mkdir "$work/project"
cd "$work/project"
npm init -y >/dev/null
# The registry's packages come from npm's cache where `npm ci` already put them.
npm install --no-audit --no-fund --prefer-offline "$work/$tarball" >/dev/null
npx --no-install rewardcast --version
npx --no-install rewardcast compare --env CartPole-v1 --seeds 2 --steps 20000 --out "$work/runs" > "$work/out.txt"
cat "$work/out.txt"
for e in reinforce-optimal reinforce-critic st st-sigmoid backprop; do grep -q "^$e " "$work/out.txt"; done
test -f "$(ls -d "$work"/runs/CartPole-v1__compare__*/)report.html"
echo "pack-smoke: ok"
