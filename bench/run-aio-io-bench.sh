#!/bin/sh
# Whole-process `blockstep io` against real qemu-io on one 5000-command aio script (the mix of the engine's
# RandomWorkload: aio_write -P, aio_write -z and aio_write -z -u of 64 KiB on the first eight clusters, an
# aio_flush every 50), run alternately in PAIRS pairs, each on a fresh copy of one qemu-img-created image.
# Prints every run's wall seconds, peak RSS in KiB and CPU seconds (/usr/bin/time -v), then the medians of both
# tools. On a shared machine the CPU time is the steadier figure; wall time includes waiting for a core.
# Needs qemu-utils and the shaded jar (mvn -B package). Usage: bench/run-aio-io-bench.sh [SEED]
# JAVA_OPTS is put before -jar (e.g. "-XX:TieredStopAtLevel=1 -XX:SharedArchiveFile=F"); LAUNCHER=bin/blockstep
# runs the launcher script instead of java -jar. QEMU_IO_OPTS go to qemu-io before -f (e.g. "-t unsafe": no
# flushes reach the disk, as none reach it from blockstep, which writes the image back once at the end).
set -e
SEED=${1:-1}
PAIRS=${PAIRS:-5}
DIR=$(mktemp -d)
HERE=$(dirname "$0")
JAR=${JAR:-$HERE/../app/target/blockstep.jar}
python3 - "$SEED" > "$DIR/script.txt" <<'EOF'
import random, sys
r = random.Random(int(sys.argv[1]))
for i in range(1, 5001):
    off = 65536 * r.randrange(8)
    k = r.randrange(3)
    if k == 0:
        print("aio_write -P %d %d 65536" % (1 + r.randrange(255), off))
    elif k == 1:
        print("aio_write -z %d 65536" % off)
    else:
        print("aio_write -z -u %d 65536" % off)
    if i % 50 == 0:
        print("aio_flush")
EOF
qemu-img create -q -f qcow2 "$DIR/base.qcow2" 16M
run() {
  name=$1; shift
  /usr/bin/time -v -o "$DIR/time" "$@" < "$DIR/script.txt" > /dev/null 2>&1 || true
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$DIR/time" | awk -F: '{ if (NF == 3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$DIR/time")
  cpu=$(sed -n 's/.*\(User\|System\) time (seconds): //p' "$DIR/time" | awk '{ s += $1 } END { print s }')
  echo "$name $wall $rss $cpu" | tee -a "$DIR/results"
}
for i in $(seq "$PAIRS"); do
  cp "$DIR/base.qcow2" "$DIR/q.qcow2"; cp "$DIR/base.qcow2" "$DIR/b.qcow2"
  # shellcheck disable=SC2086
  run qemu-io qemu-io $QEMU_IO_OPTS -f qcow2 "$DIR/q.qcow2"
  if [ -n "$LAUNCHER" ]; then
    run blockstep "$LAUNCHER" io "$DIR/b.qcow2"
  else
    # shellcheck disable=SC2086
    run blockstep java $JAVA_OPTS -jar "$JAR" io "$DIR/b.qcow2"
  fi
done
for t in qemu-io blockstep; do
  awk -v t="$t" '$1 == t { print $2 }' "$DIR/results" | sort -n | awk -v t="$t" '{ a[NR] = $1 } END { printf "%s median wall %.2f s", t, a[int((NR + 1) / 2)] }'
  awk -v t="$t" '$1 == t { print $3 }' "$DIR/results" | sort -n | awk '{ a[NR] = $1 } END { printf ", median peak RSS %d MiB", a[int((NR + 1) / 2)] / 1024 }'
  awk -v t="$t" '$1 == t { print $4 }' "$DIR/results" | sort -n | awk '{ a[NR] = $1 } END { printf ", median CPU (user+sys) %.2f s\n", a[int((NR + 1) / 2)] }'
done
rm -rf "$DIR"
