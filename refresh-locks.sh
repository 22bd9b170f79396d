#!/usr/bin/env bash
# Refresh the locks from pyproject.toml (a deliberate act: run the tests on the new set before committing).
#   bash refresh-locks.sh            # newest versions inside pyproject's ranges
#   bash refresh-locks.sh -P NAME    # move one package only
# Writes requirements.lock (run), requirements-test.lock and requirements-bench.lock; the last two
# keep the run set's versions and add their own packages. Resolves against PyPI alone (no local
# wheel folders or mirrors), so the hashes are PyPI's.
set -euo pipefail
cd "$(dirname "$0")"
tools=$(mktemp -d)
trap 'rm -rf "$tools" .constraints-run.txt .constraints-test.txt' EXIT
python3 -m venv "$tools"
PIP_CONFIG_FILE=/dev/null PIP_FIND_LINKS= "$tools/bin/pip" install --quiet 'pip-tools==7.*'
compile() {  # OUTPUT EXTRA-ARGS...
    local out=$1; shift
    PIP_CONFIG_FILE=/dev/null PIP_FIND_LINKS= PIP_EXTRA_INDEX_URL= CUSTOM_COMPILE_COMMAND="bash refresh-locks.sh" \
        "$tools/bin/pip-compile" --quiet --resolver=backtracking --generate-hashes --allow-unsafe --strip-extras \
        --no-emit-index-url --no-emit-find-links --index-url https://pypi.org/simple \
        --output-file "$out" "$@" pyproject.toml
}
upgrade=(--upgrade)
[[ $# -gt 0 ]] && upgrade=("$@")
compile requirements.lock "${upgrade[@]}"
# Relative constraint paths, so the locks' "via" comments name no folder of this machine.
printf -- '-c requirements.lock\n' > .constraints-run.txt
compile requirements-test.lock --extra test -c .constraints-run.txt
printf -- '-c requirements-test.lock\n' > .constraints-test.txt
compile requirements-bench.lock --extra test --extra bench -c .constraints-test.txt
echo "locks refreshed: run the README's test command on them, then commit requirements*.lock"
