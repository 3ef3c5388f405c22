#!/bin/bash
# Corruption rate of the iotest workload (bench/iotest-mix.py) over seeds FIRST..LAST, through real
# qemu-io 7.2 or through blockstep io. A run corrupts when qemu-img check exits non-zero or the tool printed
# "qcow2_free_clusters failed". Prints one line per seed, then the count.
# Usage: iotest-rates.sh qemu-io|blockstep|blockstep-seeded FIRST LAST [--plain-zero]
# blockstep runs app/target/blockstep.jar (or $BLOCKSTEP_JAR): FIFO order (qemu-io -c's own), or, for blockstep-seeded, the
# seeded random order with the workload's seed.
set -eu
tool=$1; first=$2; last=$3; shift 3
here=$(cd "$(dirname "$0")" && pwd)
jar="${BLOCKSTEP_JAR:-$here/../app/target/blockstep.jar}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bad=0; n=0
for seed in $(seq "$first" "$last"); do
    python3 "$here/iotest-mix.py" "$seed" 5000 "$@" > "$work/script"
    img="$work/img.qcow2"
    rm -f "$img"
    qemu-img create -q -f qcow2 "$img" 16M
    args=(); while IFS= read -r line; do args+=(-c "$line"); done < "$work/script"
    case $tool in
        qemu-io) qemu-io -f qcow2 "${args[@]}" "$img" > /dev/null 2> "$work/err" || true ;;
        blockstep) java -jar "$jar" io "${args[@]}" "$img" > /dev/null 2> "$work/err" || true ;;
        blockstep-seeded) java -jar "$jar" io --seed "$seed" "${args[@]}" "$img" > /dev/null 2> "$work/err" || true ;;
    esac
    rc=0; qemu-img check "$img" > "$work/check" 2>&1 || rc=$?
    free=$(grep -c "qcow2_free_clusters failed" "$work/err" || true)
    n=$((n + 1))
    if [ "$rc" -ne 0 ] || [ "$free" -ne 0 ]; then
        bad=$((bad + 1))
        echo "seed $seed: corrupt (check exit $rc, $free free failures) $(grep -m1 ERROR "$work/check" || true)"
    else
        echo "seed $seed: clean"
    fi
done
echo "$tool: $bad of $n runs corrupt"
