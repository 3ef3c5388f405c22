#!/bin/sh
# Re-creates every capture under samples/src/main/resources/captures/ (run from the repository root).
# Each line: capture name, setup, seed, extra flags. A seed whose workload did not corrupt in 10 runs is
# recorded in captures/README.md with the seed that replaced it.

out=samples/src/main/resources/captures
tools=samples/captures/tools
while read -r name setup seed flags; do
    python3 "$tools/capture.py" "$out" "$setup" "$name" "$seed" $flags
done <<'LIST'
nbd-one-a nbd1 1101
nbd-one-b nbd1 1102
nbd-one-c nbd1-triples 1103
nbd-unmap-a nbd1-unmap 1813
nbd-two-a nbd2 1201
nbd-two-b nbd2 1202
nbd-two-c nbd2 1203
hmp-ignore-a sys-ignore 1301
hmp-ignore-b sys-ignore 1302 --timestamps
hmp-detect-zeroes-a sys-detect-zeroes 1401 --timestamps
hmp-detect-zeroes-b sys-detect-zeroes 1402
hmp-halves-a sys-halves 1501
hmp-halves-b sys-halves 1502 --timestamps
qemu-io-a qemu-io 1601
qemu-io-b qemu-io 1602
qemu-io-halves-a qemu-io-halves 1701
LIST
# block jobs beside HMP guest I/O (no retries: a job beside the guest does not corrupt)
while read -r name job order; do
    python3 "$tools/capture-job.py" "$out" "$job" "$name" "$order"
done <<'LIST'
stream-hmp-a stream job-second
stream-hmp-b stream guest-first
commit-hmp-a commit job-second
commit-hmp-b commit guest-first
stream-hmp-c stream job-first
mirror-hmp-a mirror job-second
mirror-hmp-b mirror job-first
mirror-blocking-hmp-a mirror-blocking job-second
mirror-blocking-hmp-b mirror-blocking job-first
active-commit-hmp-a active-commit job-second
active-commit-hmp-b active-commit job-first
LIST
