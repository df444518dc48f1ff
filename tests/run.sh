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

# The linux-arm64 worker runs under user-mode emulation (ARM64WorkerEmulationTests): qemu-user-static and the arm64
# libraries a self-contained .NET app with ONNX Runtime needs, from Debian's multiarch archive (libssl3: the model's SHA-256).
ARM64_PACKAGES=(libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64 libicu72:arm64 zlib1g:arm64 libssl3:arm64)
arm64_missing=()
command -v qemu-aarch64-static >/dev/null || arm64_missing+=(qemu-user-static)
for p in "${ARM64_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || arm64_missing+=("$p")
done
if ((${#arm64_missing[@]})); then
  echo "==> installing arm64 emulation packages: ${arm64_missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  dpkg --print-foreign-architectures | grep -qx arm64 || $SUDO dpkg --add-architecture arm64
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${arm64_missing[@]}" >/dev/null
fi

if command -v npm >/dev/null; then
  echo "==> installing npm test tools into tests/node/node_modules"
  (cd tests/node && npm ci --no-audit --no-fund --loglevel=error)
else
  echo "==> npm not found: tests that use the npm tools will be skipped" >&2
fi

echo "==> building"
dotnet build GreengrassComponent.sln -c Release -nologo -v:q

echo "==> publishing the linux-arm64 worker once (run under emulation by Arm64WorkerEmulationTests)"
dotnet publish src/EdgeInference.Worker -c Release -r linux-arm64 --self-contained -o out/arm64-worker -nologo -v:q

echo "==> testing (setup and build took ${SECONDS} s)"
tests_started=$SECONDS
dotnet test GreengrassComponent.sln -c Release --no-build -nologo "$@"
echo "==> tests took $((SECONDS - tests_started)) s; ${SECONDS} s in all"
