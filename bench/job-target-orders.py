#!/usr/bin/env python3
"""Whether real qemu 7.2 leaves the same target file every time it runs one mirror-family job alone, for
docs/evidence.md (the question behind the byte comparisons in BlockMirrorReferenceTest and
BlockActiveCommitReferenceTest).

Each run seeds the reference tests' images afresh with qemu-img and qemu-io, starts qemu-system-x86_64 -machine none
with the image on a -drive, runs the job over QMP, sends job-complete on BLOCK_JOB_READY, quits, and hashes the
target (blockdev-mirror's target, an active commit's base).

  mirror: 1 MiB source, 0x11 at [64k, 128k) with [0, 64k) zeroed (ZERO_ALLOC), a zero cluster at [192k, 256k),
          0x22 at [320k, 324k), 0x33 over [512k, 576k); blockdev-mirror sync=full into a fresh qcow2 target.
  commit: base 0x11 over [0, 192k) and 0x12 over [512k, 576k); top 0x22 over [64k, 128k), zeroes over
          [128k, 192k), 0x23 at [512k, 516k), 0x24 over [768k, 832k) (--more adds 0x25 over [896k, 960k) and
          0x26 over [320k, 384k): three clusters new to the base instead of one); block-commit of the active layer.

Usage: job-target-orders.py {mirror,commit} RUNS [--copy-mode write-blocking] [--buf-size N] [--aio native] [--more]
Prints one line: "JOB OPTIONS: K distinct targets in RUNS runs (counts, most frequent first)".
"""
import argparse
import hashlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time


def run(*cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        raise SystemExit(" ".join(cmd) + ": " + r.stdout + r.stderr)


def io(image, *cmds):
    args = ["qemu-io", "-f", "qcow2"]
    for c in cmds:
        args += ["-c", c]
    run(*args, image)


class Qmp:
    def __init__(self, work, drive):
        sock = os.path.join(work, "qmp.sock")
        self.proc = subprocess.Popen(["qemu-system-x86_64", "-machine", "none", "-nodefaults", "-display", "none",
                                      "-monitor", "none", "-qmp", "unix:" + sock + ",server=on,wait=off",
                                      "-drive", drive],
                                     stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "qemu.err"), "w"))
        for _ in range(200):
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(sock)
                break
            except OSError:
                time.sleep(0.05)
        else:
            raise SystemExit("qemu-system did not open its QMP socket: " + open(os.path.join(work, "qemu.err")).read())
        self.lines = self.sock.makefile("r")
        self.events = []
        self.lines.readline()
        self.execute("qmp_capabilities", {})

    def execute(self, command, arguments):
        self.sock.sendall((json.dumps({"execute": command, "arguments": arguments}) + "\n").encode())
        return self.reply(command)

    def reply(self, what):
        """The next command's return value; events read on the way are kept for await_event."""
        while True:
            m = json.loads(self.lines.readline())
            if "event" in m:
                self.events.append(m["event"])
            elif "error" in m:
                raise SystemExit(what + ": " + m["error"]["desc"])
            else:
                return m["return"]

    def await_event(self, name):
        while name not in self.events:
            m = json.loads(self.lines.readline())
            if "event" in m:
                self.events.append(m["event"])
        self.events.remove(name)

    def quit(self):
        self.execute("quit", {})
        self.proc.wait()


def mirror(work, a, drive_opts):
    src, tgt = os.path.join(work, "src.qcow2"), os.path.join(work, "tgt.qcow2")
    run("qemu-img", "create", "-q", "-f", "qcow2", src, "1M")
    io(src, "write -P 0x11 0 128k", "write -z 192k 64k", "write -P 0x22 320k 4k", "write -P 0x33 512k 64k",
       "write -z 0 64k")
    run("qemu-img", "create", "-q", "-f", "qcow2", tgt, "1M")
    q = Qmp(work, "if=none,id=d0,node-name=src,format=qcow2,file=" + src + drive_opts)
    file = {"driver": "file", "filename": tgt}
    node = {"driver": "qcow2", "node-name": "tgt", "file": file}
    if a.aio == "native":
        file["aio"] = "native"
        node["cache"] = {"direct": True}
    q.execute("blockdev-add", node)
    job = {"job-id": "j", "device": "src", "target": "tgt", "sync": "full", "copy-mode": a.copy_mode}
    if a.buf_size:
        job["buf-size"] = a.buf_size
    q.execute("blockdev-mirror", job)
    return q, tgt


def commit(work, a, drive_opts):
    base, top = os.path.join(work, "base.qcow2"), os.path.join(work, "top.qcow2")
    run("qemu-img", "create", "-q", "-f", "qcow2", base, "1M")
    io(base, "write -P 0x11 0 192k", "write -P 0x12 512k 64k")
    run("qemu-img", "create", "-q", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", top)
    cmds = ["write -P 0x22 64k 64k", "write -z 128k 64k", "write -P 0x23 512k 4k", "write -P 0x24 768k 64k"]
    if a.more:
        cmds += ["write -P 0x25 896k 64k", "write -P 0x26 320k 64k"]
    io(top, *cmds)
    if a.aio == "native":
        drive_opts += ",backing.file.aio=native"
    q = Qmp(work, "if=none,id=d0,node-name=top,format=qcow2,file=" + top + ",backing.node-name=base" + drive_opts)
    q.execute("block-commit", {"job-id": "j", "device": "top", "base-node": "base"})
    return q, base


def main():
    p = argparse.ArgumentParser()
    p.add_argument("job", choices=["mirror", "commit"])
    p.add_argument("runs", type=int)
    p.add_argument("--copy-mode", default="background", choices=["background", "write-blocking"])
    p.add_argument("--buf-size", type=int, default=0)
    p.add_argument("--aio", default="threads", choices=["threads", "native"])
    p.add_argument("--more", action="store_true")
    a = p.parse_args()
    if a.job == "commit" and (a.buf_size or a.copy_mode != "background"):
        raise SystemExit("block-commit takes neither buf-size nor copy-mode")
    drive_opts = ",cache.direct=on,aio=native" if a.aio == "native" else ""
    counts = {}
    for _ in range(a.runs):
        with tempfile.TemporaryDirectory(prefix="job-target-orders-") as work:
            q, target = (mirror if a.job == "mirror" else commit)(work, a, drive_opts)
            q.await_event("BLOCK_JOB_READY")
            q.execute("job-complete", {"id": "j"})
            q.await_event("BLOCK_JOB_COMPLETED")
            q.quit()
            with open(target, "rb") as f:
                h = hashlib.sha256(f.read()).hexdigest()[:12]
        counts[h] = counts.get(h, 0) + 1
    opts = " ".join(x for x in sys.argv[3:])
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    print(f"{a.job} {opts}: {len(counts)} distinct targets in {a.runs} runs ("
          + ", ".join(f"{h} x{n}" for h, n in ranked) + ")")


if __name__ == "__main__":
    main()
