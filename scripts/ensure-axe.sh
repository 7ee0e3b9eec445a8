#!/usr/bin/env bash
# Installs axe-core, the accessibility engine the browser tests inject into every page
# (tests/browser/test_accessibility.py), into .cache/axe-core-<version>/ (git-ignored).
#
# The version and the SHA-256 of axe.min.js are pinned in tests/browser/axe-core.pin, which the
# test reads too. Idempotent: when the pinned file is already there with the right hash this does
# nothing (no network). It fetches with `npm pack`, which runs no package scripts, and checks the
# version, licence and hash before it moves the file into place, so a half or foreign download
# never looks installed.
#
# Without npm: outside CI a message and exit 0 (the accessibility test then skips with the reason);
# in CI (CI=true) a failure, because there that test must run. scripts/ensure-test-system.sh
# installs Debian's npm when it can.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../tests/browser/axe-core.pin
source "$repo_root/tests/browser/axe-core.pin"
target_dir="$repo_root/.cache/axe-core-$AXE_VERSION"
target="$target_dir/axe.min.js"

sha256_of() {
    sha256sum "$1" | cut -d' ' -f1
}

if [[ -f "$target" && "$(sha256_of "$target")" == "$AXE_SHA256" ]]; then
    exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
    echo "axe-core $AXE_VERSION is not installed and npm is missing: install Debian's npm package, then run scripts/ensure-axe.sh" >&2
    [[ "${CI:-}" == "true" ]] && exit 1
    exit 0
fi

work_dir="$(mktemp -d)"
trap 'rm -rf "$work_dir"' EXIT
(cd "$work_dir" && npm pack --silent "axe-core@$AXE_VERSION" >/dev/null && tar xzf ./axe-core-*.tgz)

package_json="$work_dir/package/package.json"
got="$(node -e 'const p = require(process.argv[1]); console.log(p.version + " " + p.license);' "$package_json")"
if [[ "$got" != "$AXE_VERSION MPL-2.0" ]]; then
    echo "error: the npm registry gave axe-core '$got', expected '$AXE_VERSION MPL-2.0'" >&2
    exit 1
fi
got_sha="$(sha256_of "$work_dir/package/axe.min.js")"
if [[ "$got_sha" != "$AXE_SHA256" ]]; then
    echo "error: axe-core $AXE_VERSION's axe.min.js has SHA-256 $got_sha, pinned $AXE_SHA256" >&2
    exit 1
fi

mkdir -p "$target_dir"
cp "$package_json" "$work_dir/package/LICENSE" "$target_dir/"
# The file last, by rename: a run that stops halfway leaves no axe.min.js behind.
cp "$work_dir/package/axe.min.js" "$target.tmp"
mv "$target.tmp" "$target"
echo "Installed axe-core $AXE_VERSION into $target_dir"
