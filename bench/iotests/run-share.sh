#!/usr/bin/env bash
# The share of qemu 7.2's bash qcow2 iotests (on the file protocol, needing no VM, QMP, NBD or storage daemon)
# that pass when blockstep stands in for qemu-img and qemu-io, beside the share that pass with real qemu 7.2.
#
# Usage: [ONLY=qemu|blockstep] [OUT=DIR] bench/iotests/run-share.sh QEMU_SOURCE_DIR [TEST...]
#   QEMU_SOURCE_DIR: an unpacked qemu 7.2 source tree (Debian's: apt-get source qemu), read in place; its tests
#   are not part of this project. Without TEST names, every test the selection below keeps.
# Needs qemu 7.2 installed and app/target/blockstep.jar built. Writes results under ${OUT:-/tmp/iotests-share}:
# qemu.txt and blockstep.txt (one "TEST pass|fail|not run" line each), and the check logs.
set -u
src=${1:?usage: run-share.sh QEMU_SOURCE_DIR [TEST...]}
shift
here=$(cd "$(dirname "$0")" && pwd)
export BLOCKSTEP_JAR=${BLOCKSTEP_JAR:-$here/../../app/target/blockstep.jar}
out=${OUT:-/tmp/iotests-share}
iot="$src/tests/qemu-iotests"
[ -x "$iot/check" ] || { echo "run-share.sh: $iot/check not found: expected a qemu 7.2 source tree" >&2; exit 1; }
[ -f "$BLOCKSTEP_JAR" ] || { echo "run-share.sh: $BLOCKSTEP_JAR not found: build with mvn -B -q -DskipTests package" >&2; exit 1; }
for p in qemu-img qemu-io qemu-nbd qemu-system-x86_64 qemu-storage-daemon; do
    command -v $p >/dev/null || { echo "run-share.sh: $p not found (qemu 7.2 is the reference)" >&2; exit 1; }
done
mkdir -p "$out"

# A bash test for qcow2 on the file protocol that never starts qemu, qemu-nbd or the storage daemon.
selected() {
    local f=$1
    head -1 "$f" | grep -q bash || return 1
    grep -qE '^_supported_fmt.*\b(qcow2|generic)\b' "$f" || return 1
    if grep -qE '^_supported_proto' "$f" && ! grep -qE '^_supported_proto.*\b(file|generic)\b' "$f"; then
        return 1
    fi
    ! grep -qE '_launch_qemu|_send_qemu_cmd|QEMU_NBD|qemu_nbd|nbd|qmp|QMP|\$QEMU_PROG|\$\{?QEMU\}?( |$|")|_qemu_comm|qemu-storage-daemon|QSD' "$f"
}

tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
    cd "$iot"
    for f in [0-9][0-9][0-9] tests/*; do
        [ -f "$f" ] || continue
        case "$f" in *.out|*.py) continue ;; esac
        selected "$f" && tests+=("${f#tests/}")
    done
fi

# check prints "NAME   pass|fail|not run ..." per test; keep one word per test
run() {
    local who=$1 img=$2 io=$3
    ( cd "$iot" && QEMU_PROG=$(command -v qemu-system-x86_64) QEMU_IMG_PROG=$img QEMU_IO_PROG=$io \
        QEMU_NBD_PROG=$(command -v qemu-nbd) QSD_PROG=$(command -v qemu-storage-daemon) \
        TEST_DIR="$out/$who-scratch" SOCK_DIR="$out/$who-sock" \
        python3 ./check -qcow2 -file "${tests[@]}" ) > "$out/$who.log" 2>&1
    : > "$out/$who.txt"
    for t in "${tests[@]}"; do
        # progress lines are redrawn with carriage returns: the test's last status word is its result
        r=$(tr '\r' '\n' < "$out/$who.log" | grep -aoE "(^| )$t +(pass|fail|not run)" | tail -1 | sed -E 's/^ //; s/ +/ /')
        echo "${r:-$t missing}" >> "$out/$who.txt"
    done
}
# ONLY=qemu or ONLY=blockstep runs one side (e.g. both at once in two shells); the summary reads what is there
case "${ONLY:-both}" in
    qemu) run qemu "$(command -v qemu-img)" "$(command -v qemu-io)" ;;
    blockstep) run blockstep "$here/qemu-img" "$here/qemu-io" ;;
    *) run qemu "$(command -v qemu-img)" "$(command -v qemu-io)"
       run blockstep "$here/qemu-img" "$here/qemu-io" ;;
esac
[ -f "$out/qemu.txt" ] && [ -f "$out/blockstep.txt" ] || exit 0

q_pass=$(grep -c ' pass$' "$out/qemu.txt")
both=$(join <(grep ' pass$' "$out/qemu.txt" | cut -d' ' -f1 | sort) \
            <(grep ' pass$' "$out/blockstep.txt" | cut -d' ' -f1 | sort) | wc -l)
echo "selected: ${#tests[@]} tests"
echo "real qemu 7.2: $q_pass pass"
echo "blockstep: $both of those $q_pass pass"
