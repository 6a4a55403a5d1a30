#!/usr/bin/env bash
# Installs the `mesh` command: publishes src/Agent (framework-dependent, needs the .NET 10 runtime) into
# $PREFIX/lib/mesh and links $PREFIX/bin/mesh to it.
# Usage: tools/install.sh [PREFIX]     (default PREFIX: $HOME/.local; /usr/local needs root)
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${1:-${PREFIX:-$HOME/.local}}
mkdir -p "$prefix/lib" "$prefix/bin"
rm -rf "$prefix/lib/mesh"
dotnet publish src/Agent -c Release -o "$prefix/lib/mesh" -p:PackAsTool=false --nologo
ln -sf "$prefix/lib/mesh/mesh" "$prefix/bin/mesh"
echo "installed: $prefix/bin/mesh"
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "add it to your PATH: export PATH=\"$prefix/bin:\$PATH\"" ;;
esac
