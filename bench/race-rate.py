#!/usr/bin/env python3
"""How often one small workload corrupts on real qemu 7.2 through one exposure path, for docs/evidence.md.

Each run starts from a fresh copy of a base image whose first CLUSTERS clusters are ZERO_ALLOC (write -P 0x11,
then write -z), sends the commands (then aio_flush) through the path, and counts as corrupting when qemu-img
check exits non-zero or qemu printed "qcow2_free_clusters failed". The paths and their setup are
samples/captures/tools/capture.py's: qemu-io (-c mode), qemu-nbd with one qemu-io NBD client, qemu-system
-machine none with HMP qemu-io over QMP on a -drive.

Usage: race-rate.py PATH RUNS [--clusters N] [--discard unmap] [--detect-zeroes unmap] CMD...
PATH is qemu-io, nbd or hmp. Prints one line: "PATH: K of RUNS runs corrupt (first: <check line>)".
"""
import argparse
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "samples", "captures", "tools"))
import capture  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("path", choices=["qemu-io", "nbd", "hmp"])
    p.add_argument("runs", type=int)
    p.add_argument("--clusters", type=int, default=1)
    p.add_argument("--discard")
    p.add_argument("--detect-zeroes")
    p.add_argument("cmds", nargs="+")
    a = p.parse_args()
    opts = {}
    if a.discard:
        opts["discard"] = a.discard
    if a.detect_zeroes:
        opts["detect-zeroes"] = a.detect_zeroes
    if a.path == "qemu-io" and opts:
        raise SystemExit("node options need the nbd or hmp path")
    setup = {"qemu-io": "qemu-io", "nbd": "nbd1", "hmp": "sys"}[a.path]
    bad, first = 0, None
    with tempfile.TemporaryDirectory() as top:
        base = capture.make_base(top, a.clusters, [])
        for i in range(a.runs):
            work = os.path.join(top, "run%d" % i)
            os.mkdir(work)
            shutil.copyfile(base, os.path.join(work, "base.qcow2"))
            _, chk, corrupt = capture.attempt(setup, [a.cmds], opts, False, os.path.join(work, "base.qcow2"), work)
            if corrupt:
                bad += 1
                lines = [l for l in chk.stderr.splitlines() if l.startswith("ERROR")]
                first = first or (lines[0] if lines else "qcow2_free_clusters failed")
            shutil.rmtree(work)
    print("%s: %d of %d runs corrupt%s" % (a.path, bad, a.runs, " (first: %s)" % first if first else ""))


if __name__ == "__main__":
    main()
