#!/bin/sh
# Extract the protocol core as committed (default HEAD) into DIR, so the
# simulator can be built against a consistent core while the working tree's
# copy is being edited:   make PROTO=$PWD/build/core B=build/snap
set -eu
rev=${1:-HEAD}
dir=${2:-$(dirname "$0")/../build/core}
top=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
rm -rf "$dir"
mkdir -p "$dir"
git -C "$top" archive "$rev" kmod/proto | tar -x -C "$dir" --strip-components=2
echo "core $(git -C "$top" rev-parse --short "$rev") in $dir"
