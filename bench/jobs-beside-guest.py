#!/usr/bin/env python3
"""How often each block job corrupts on real qemu 7.2 beside the guest traffic JobBesideGuestExploreTest explores,
for the README and docs/evidence.md.

The chain is the test's: base 0x11 over [0, 128k), mid 0x33 at [64k, 68k), top 0x21 over [0, 128k) (over [0, 64k)
for block-stream, so the stream has a cluster to copy up), 256 KiB, 64 KiB clusters. qemu-system-x86_64 -machine
none opens the top on -drive discard=unmap; the job's QMP command and the guest's two HMP commands, aio_write -z -u
0 64k and discard 64k 64k, go in one write to the socket, so they land in the same main-loop iteration as the job
starts. A mirror or active commit is completed on BLOCK_JOB_READY. A run corrupts when qemu-img check of any image
the job or the guest wrote exits non-zero.

Usage: jobs-beside-guest.py RUNS [JOB...]   (JOB: stream, commit, active-commit, mirror, mirror-write-blocking)
Prints one line per job: "JOB: K of RUNS runs corrupt".
"""
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

_spec = importlib.util.spec_from_file_location(
    "job_target_orders", os.path.join(os.path.dirname(os.path.abspath(__file__)), "job-target-orders.py"))
orders = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(orders)

JOBS = ["stream", "commit", "active-commit", "mirror", "mirror-write-blocking"]


def chain(work, job):
    base, mid, top = (os.path.join(work, n) for n in ("base.qcow2", "mid.qcow2", "top.qcow2"))
    orders.run("qemu-img", "create", "-q", "-f", "qcow2", base, "256k")
    orders.io(base, "write -P 0x11 0 128k")
    orders.run("qemu-img", "create", "-q", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", mid)
    orders.io(mid, "write -P 0x33 64k 4k")
    orders.run("qemu-img", "create", "-q", "-f", "qcow2", "-b", "mid.qcow2", "-F", "qcow2", top)
    orders.io(top, "write -P 0x21 0 " + ("64k" if job == "stream" else "128k"))
    return top


def command(job, work):
    if job == "stream":
        return "block-stream", {"job-id": "j", "device": "top"}
    if job == "commit":
        return "block-commit", {"job-id": "j", "device": "top", "top-node": "mid", "base-node": "base"}
    if job == "active-commit":
        return "block-commit", {"job-id": "j", "device": "top", "base-node": "mid"}
    mode = "write-blocking" if job == "mirror-write-blocking" else "background"
    return "blockdev-mirror", {"job-id": "j", "device": "top", "target": "tgt", "sync": "full", "copy-mode": mode}


def one_run(job):
    with tempfile.TemporaryDirectory(prefix="jobs-beside-guest-") as work:
        top = chain(work, job)
        q = orders.Qmp(work, "if=none,id=d0,node-name=top,format=qcow2,file=" + top + ",discard=unmap,"
                       "backing.node-name=mid,backing.backing.node-name=base")
        images = ["top.qcow2", "mid.qcow2", "base.qcow2"]
        if job.startswith("mirror"):
            tgt = os.path.join(work, "tgt.qcow2")
            orders.run("qemu-img", "create", "-q", "-f", "qcow2", tgt, "256k")
            q.execute("blockdev-add", {"driver": "qcow2", "node-name": "tgt",
                                       "file": {"driver": "file", "filename": tgt}})
            images.append("tgt.qcow2")
        name, args = command(job, work)
        lines = [{"execute": name, "arguments": args}]
        for hmp in ("aio_write -z -u 0 64k", "discard 64k 64k"):
            lines.append({"execute": "human-monitor-command",
                          "arguments": {"command-line": 'qemu-io d0 "' + hmp + '"'}})
        q.sock.sendall("".join(json.dumps(m) + "\n" for m in lines).encode())
        for _ in lines:
            r = q.reply(job)
            if isinstance(r, str) and r.strip():
                raise SystemExit(job + ": HMP said: " + r.strip())
        if job in ("active-commit",) or job.startswith("mirror"):
            q.await_event("BLOCK_JOB_READY")
            q.execute("job-complete", {"id": "j"})
        q.await_event("BLOCK_JOB_COMPLETED")
        q.execute("human-monitor-command", {"command-line": 'qemu-io d0 "aio_flush"'})
        q.quit()
        return any(subprocess.run(["qemu-img", "check", "-q", os.path.join(work, i)]).returncode != 0
                   for i in images)


def main():
    runs = int(sys.argv[1])
    for job in sys.argv[2:] or JOBS:
        if job not in JOBS:
            raise SystemExit("unknown job " + job + "; expected one of " + ", ".join(JOBS))
        bad = sum(one_run(job) for _ in range(runs))
        print(f"{job}: {bad} of {runs} runs corrupt")


if __name__ == "__main__":
    main()
