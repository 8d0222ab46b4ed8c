#!/usr/bin/env bash
# Runs commands in the background while one runs in the foreground, then reports them all.
#
#   tools/alongside.sh NAME 'COMMAND' [NAME 'COMMAND' ...] -- MAIN COMMAND...
#
# Each NAME's COMMAND runs in the background, its output in build/NAME.log; MAIN COMMAND runs
# in the foreground (its output as usual). Then it waits for the background ones and prints
# each one's summary lines (pytest's "N passed in ...", the portability verdict), or its whole
# log if it failed. Exit status 1 if any command failed. `make test` uses it, so the other
# checks overlap the main pytest instead of following it.
set -uo pipefail
mkdir -p build
declare -a names pids
while [[ $# -gt 0 && $1 != -- ]]; do
    name=$1 command=$2; shift 2
    bash -c "$command" > "build/$name.log" 2>&1 &
    names+=("$name") pids+=($!)
    echo "$name: running in the background (build/$name.log)"
done
shift   # the --
"$@"; status=$?
for i in "${!names[@]}"; do
    if wait "${pids[$i]}"; then
        echo "${names[$i]}: passed"
        grep -E "^=+ .* in [0-9.]+s|^portability: [0-9]+ of" "build/${names[$i]}.log" | sed 's/^/  /'
    else
        echo "${names[$i]}: FAILED (build/${names[$i]}.log):"; cat "build/${names[$i]}.log"; status=1
    fi
done
exit $status
