#!/usr/bin/env bash
# Installs the `mesh` command: publishes src/Agent (framework-dependent, needs the .NET 10 runtime; ReadyToRun) into
# $PREFIX/lib/mesh and links $PREFIX/bin/mesh to it.
# Usage: tools/install.sh [PREFIX]     (default PREFIX: $HOME/.local; /usr/local needs root)
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${1:-${PREFIX:-$HOME/.local}}
mkdir -p "$prefix/lib" "$prefix/bin"
rm -rf "$prefix/lib/mesh"
# ReadyToRun (ahead-of-time code for this machine's runtime identifier) shortens start-up: docs/benchmarks.md,
# "Start-up". Where the ReadyToRun compiler is not available, an ordinary (JIT-only) publish is used instead.
case "$(uname -m)" in
  x86_64) rid=linux-x64 ;;
  aarch64|arm64) rid=linux-arm64 ;;
  *) rid= ;;
esac
if [ -z "$rid" ] || ! dotnet publish src/Agent -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true \
    -o "$prefix/lib/mesh" -p:PackAsTool=false --nologo; then
  [ -n "$rid" ] && echo "ReadyToRun publish failed; publishing without it" >&2
  rm -rf "$prefix/lib/mesh"
  dotnet publish src/Agent -c Release -o "$prefix/lib/mesh" -p:PackAsTool=false --nologo
fi
ln -sf "$prefix/lib/mesh/mesh" "$prefix/bin/mesh"
echo "installed: $prefix/bin/mesh"
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "add it to your PATH: export PATH=\"$prefix/bin:\$PATH\"" ;;
esac
