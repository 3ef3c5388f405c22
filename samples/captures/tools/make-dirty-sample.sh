#!/bin/sh
# Makes the base image of the sample dirty-lazy-refcounts with real qemu 7.2: a lazy_refcounts=on image that a
# first qemu-io session fills and closes cleanly, and a second one changes, flushes and then kills with SIGKILL
# (sigraise 9), so its L2 tables are on disk, its refcounts are not and the dirty bit stays set.
# Usage: make-dirty-sample.sh FILE   (FILE is overwritten)
set -eu
f=$1
rm -f "$f"
qemu-img create -q -f qcow2 -o lazy_refcounts=on "$f" 1M
qemu-io -c "write -P 0x11 0 256k" "$f" >/dev/null
# qemu-io dies of SIGKILL here; its exit status (137) is the point, not a failure
qemu-io -c "write -P 0x22 256k 128k" -c "discard 0 128k" -c flush -c "sigraise 9" "$f" >/dev/null 2>&1 || true
