#!/bin/bash
# make demo (inside the VM): a few processes join one group and exchange
# ordered messages.
set -eu
cd "$(dirname "$0")/.."
echo "kcpg demo: module loaded, device:"
ls -l /dev/kcpg
echo
tools/kcpg-demo -n 4 -m 5
