#!/usr/bin/env bash
# Refresh the locks from pyproject.toml (a deliberate act: run the tests on the new set before committing).
#   bash requirements/refresh.sh            # newest versions inside pyproject's ranges
#   bash requirements/refresh.sh -P NAME    # move one package only
# Resolves against PyPI alone (no local wheel folders or mirrors), so the hashes are PyPI's.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=$(mktemp -d)
python3 -m venv "$tools"
PIP_CONFIG_FILE=/dev/null PIP_FIND_LINKS= "$tools/bin/pip" install --quiet 'pip-tools==7.*'
compile() {  # OUTPUT EXTRA-ARGS...
    local out=$1; shift
    PIP_CONFIG_FILE=/dev/null PIP_FIND_LINKS= PIP_EXTRA_INDEX_URL= CUSTOM_COMPILE_COMMAND="bash requirements/refresh.sh" \
        "$tools/bin/pip-compile" --quiet --resolver=backtracking --generate-hashes --allow-unsafe --strip-extras \
        --no-emit-index-url --no-emit-find-links --index-url https://pypi.org/simple \
        --output-file "$out" "$@" pyproject.toml
}
upgrade=(--upgrade)
[[ $# -gt 0 ]] && upgrade=("$@")
compile requirements/run.lock "${upgrade[@]}"
# test and bench take the run set as it is and add their own packages on top.
printf -- '-c run.lock\n' > requirements/.constraints-run.txt
compile requirements/test.lock --extra test -c requirements/.constraints-run.txt
printf -- '-c test.lock\n' > requirements/.constraints-test.txt
compile requirements/bench.lock --extra test --extra bench -c requirements/.constraints-test.txt
rm -f requirements/.constraints-*.txt
rm -rf "$tools"
echo "locks refreshed: run the README's test command on them, then commit requirements/*.lock"
