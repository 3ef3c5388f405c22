#!/bin/sh
# Whole-process wall time of `blockstep io` against qemu-io on the same 5000-command serial script,
# each run on a fresh copy of the same qemu-img-created image. Needs hyperfine, qemu-utils and the
# shaded jar (mvn -B package). Usage: bench/run-io-bench.sh [SEED] [CLUSTER]
set -e
SEED=${1:-1}
CLUSTER=${2:-65536}
DIR=$(mktemp -d)
HERE=$(dirname "$0")
JAR=${JAR:-$HERE/../app/target/blockstep.jar}
python3 "$HERE/gen-serial-script.py" "$SEED" 5000 $((1024 * 1024 * 1024)) "$CLUSTER" > "$DIR/script.txt"
qemu-img create -q -f qcow2 -o cluster_size="$CLUSTER" "$DIR/base.qcow2" 1G
hyperfine --warmup 1 --runs "${RUNS:-10}" \
  --prepare "cp $DIR/base.qcow2 $DIR/q.qcow2; cp $DIR/base.qcow2 $DIR/b.qcow2" \
  -n qemu-io "qemu-io -f qcow2 $DIR/q.qcow2 < $DIR/script.txt > /dev/null" \
  -n "blockstep io" "java -jar $JAR io $DIR/b.qcow2 < $DIR/script.txt > /dev/null"
cp "$DIR/base.qcow2" "$DIR/q.qcow2"; cp "$DIR/base.qcow2" "$DIR/b.qcow2"
qemu-io -f qcow2 "$DIR/q.qcow2" < "$DIR/script.txt" > /dev/null 2>&1 || true
java -jar "$JAR" io "$DIR/b.qcow2" < "$DIR/script.txt" > /dev/null 2>&1 || true
if cmp -s "$DIR/q.qcow2" "$DIR/b.qcow2"; then echo "images after the script: byte-identical"; else echo "images after the script: DIFFER"; fi
rm -rf "$DIR"
