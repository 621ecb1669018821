#!/bin/bash
# make demo (inside the VM): a few processes join one group and exchange
# ordered messages.
set -eu
cd "$(dirname "$0")/.."
echo "kcpg demo: module loaded, device:"
ls -l /dev/kcpg
if [ -x tools/kcpg-demo ]; then
	tools/kcpg-demo
else
	echo "(tools/kcpg-demo is not built yet)"
fi
