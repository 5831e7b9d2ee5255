#!/usr/bin/env bash
# The tool as users install it (issue 20), run by .ci/run: pack the linux-x64 tool package (and the pointer package),
# install it with `dotnet tool install` into an empty tool path, and run it: --version, summarize, and a short train.
# On a host whose C++ runtime is too old (Debian 12) the installed tool relaunches itself under the compat runtime
# (scripts/setup.sh or `lenet-fashion setup-runtime` fetched it); nothing in the package is patched.
# Usage: bash scripts/tool-check.sh [work-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-$(mktemp -d)}
rm -rf "$work/pkg" "$work/tools"
mkdir -p "$work"
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' src/LeNetFashion.Cli/LeNetFashion.Cli.csproj)
start=$(date +%s)
dotnet pack src/LeNetFashion.Cli -c Release -p:LeNetToolPack=true -p:LeNetToolRids=linux-x64 -o "$work/pkg" -nologo -v q >/dev/null
echo "tool-check: packed in $(( $(date +%s) - start )) s:"
ls -l "$work/pkg" | awk 'NR > 1 {printf "  %s  %.1f MB\n", $NF, $5 / 1048576}'
start=$(date +%s)
dotnet tool install LeNetFashion --version "$version" --tool-path "$work/tools" --add-source "$work/pkg" >/dev/null
echo "tool-check: installed into an empty tool path in $(( $(date +%s) - start )) s ($(du -sm "$work/tools" | cut -f1) MB)"
"$work/tools/lenet-fashion" --version
"$work/tools/lenet-fashion" summarize --arch bn-cnn | grep -E "^Total params"
data=${LENET_FASHION_DATA:-/usr/share/datasets/fashion-mnist}
(cd "$work" && "$work/tools/lenet-fashion" train --arch bn-cnn --epochs 1 --limit 6400 --seed 0 --data-dir "$data" --output "$work/run" --no-tensorboard | grep -E "^(Epoch|Test accuracy)")
