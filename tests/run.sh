#!/usr/bin/env bash
# The test command (README): installs what the tests need, then runs every test.
#   bash tests/run.sh            # everything
#   bash tests/run.sh --filter X # passed through to dotnet test
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(libgtk-3-0 mosquitto mosquitto-clients awscli faketime)
# The real GDK CLI (../shared/tools/gdk, run with Debian's python3) needs these (named in that launcher).
APT_PACKAGES+=(python3-boto3 python3-jsonschema python3-requests python3-yaml python3-packaging python3-semver)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "==> installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if command -v npm >/dev/null; then
  echo "==> installing npm test tools into tests/node/node_modules"
  (cd tests/node && npm ci --no-audit --no-fund --loglevel=error)
else
  echo "==> npm not found: tests that use the npm tools will be skipped" >&2
fi

echo "==> building"
dotnet build GreengrassComponent.sln -c Release -nologo -v:q

echo "==> testing"
dotnet test GreengrassComponent.sln -c Release --no-build -nologo "$@"
