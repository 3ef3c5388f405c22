#!/usr/bin/env python3
"""Capture a block job of real qemu-system 7.2 running beside guest I/O (HMP qemu-io), with tracing on.

The chain is the one of the block-stream-discard sample, made by qemu-img and qemu-io: base.qcow2 (0x11 over
[0, 128k)) under mid.qcow2 (0x33 at [64k, 68k)) under top.qcow2 (0x21 over [0, 64k)), 256 KiB each.
qemu-system-x86_64 -machine none opens top.qcow2 as drive d0 (discard=unmap) and is told, over QMP in one
write, the guest's HMP qemu-io commands and the job's QMP command, in the order ORDER gives; then it waits for
the job to finish (BLOCK_JOB_COMPLETED), sends HMP qemu-io "aio_flush" and quits. What is kept, under OUT/NAME/:

  top.qcow2.gz, mid.qcow2.gz, base.qcow2.gz   the chain the run started from
  trace.log          the raw, unfiltered -D log as qemu wrote it
  commands.txt       every command line that ran, in order (paths relative to the capture's work directory)
  workload.txt       the guest's qemu-io commands, one per line
  final-NAME.qcow2.gz, final-NAME.qcow2.sha256   each image of the chain as qemu left it
  check.stdout, check.stderr, check.exit         real qemu-img check of top.qcow2 after the run
  capture.json       setup, job, order, node options

A job beside the guest does not corrupt; nothing is retried. Usage: capture-job.py OUT JOB NAME ORDER
  JOB: stream (block-stream, whole chain), commit (block-commit of mid.qcow2 into base.qcow2), active-commit
       (block-commit of the active layer top.qcow2 into mid.qcow2), mirror or mirror-blocking (blockdev-mirror
       sync=full, copy-mode background or write-blocking, into target.qcow2: a fresh 256 KiB qcow2 made by qemu-img
       and opened by blockdev-add as node tgt before the one write). A mirror and an active commit wait for
       BLOCK_JOB_READY and send job-complete before waiting for BLOCK_JOB_COMPLETED.
  ORDER: job-first, job-second or guest-first (where the job's command sits among the guest's in the one write)
"""

import argparse
import gzip
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

EVENTS = ["qcow2_*", "qemu_co_mutex*", "bdrv_co_*", "thread_pool_*", "blk_co_*", "stream_*", "commit_*",
          "mirror_*", "job_*"]
GUEST = ["aio_write -z -u 0 64k", "aio_write -P 0x44 128k 64k", "aio_write -z -u 192k 64k", "discard 64k 64k"]


def quote(s):
    if s and all(c.isalnum() or c in "-_=./,:+@" for c in s):
        return s
    return "'" + s.replace("'", "'\\''") + "'"


def run(cmd, log, work):
    log.append(" ".join(quote(c) for c in cmd))
    return subprocess.run(cmd, capture_output=True, text=True, cwd=work, check=True)


def make_chain(work, log):
    run(["qemu-img", "create", "-q", "-f", "qcow2", "base.qcow2", "256k"], log, work)
    run(["qemu-io", "-f", "qcow2", "-c", "write -P 0x11 0 128k", "base.qcow2"], log, work)
    run(["qemu-img", "create", "-q", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", "mid.qcow2", "256k"], log, work)
    run(["qemu-io", "-f", "qcow2", "-c", "write -P 0x33 64k 4k", "mid.qcow2"], log, work)
    run(["qemu-img", "create", "-q", "-f", "qcow2", "-b", "mid.qcow2", "-F", "qcow2", "top.qcow2", "256k"], log, work)
    run(["qemu-io", "-f", "qcow2", "-c", "write -P 0x21 0 64k", "top.qcow2"], log, work)


def job_command(job):
    if job == "stream":
        return {"execute": "block-stream", "arguments": {"job-id": "job0", "device": "d0"}}
    if job == "active-commit":
        return {"execute": "block-commit", "arguments": {"job-id": "job0", "device": "d0", "base": "mid.qcow2"}}
    if job.startswith("mirror"):
        mode = "write-blocking" if job == "mirror-blocking" else "background"
        return {"execute": "blockdev-mirror", "arguments": {"job-id": "job0", "device": "d0", "target": "tgt",
                                                            "sync": "full", "copy-mode": mode}}
    return {"execute": "block-commit", "arguments": {"job-id": "job0", "device": "d0", "top": "mid.qcow2",
                                                     "base": "base.qcow2"}}


class Qmp:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        for _ in range(200):
            try:
                self.sock.connect(path)
                break
            except (ConnectionRefusedError, FileNotFoundError):
                time.sleep(0.02)
        else:
            raise SystemExit("qemu never accepted on " + path)
        self.f = self.sock.makefile("rwb", buffering=0)
        self.f.readline()
        self.events = []
        self.send([{"execute": "qmp_capabilities"}])

    def send(self, payloads):
        # all in one write: qemu reads them in one main-loop iteration
        self.f.write(b"".join(json.dumps(p).encode() + b"\n" for p in payloads))
        replies = []
        while len(replies) < len(payloads):
            msg = json.loads(self.f.readline())
            if "return" in msg or "error" in msg:
                replies.append(msg)
            else:
                self.events.append(msg)
        for r in replies:
            if "error" in r:
                raise SystemExit("QMP error: %s" % r)
        return replies

    def await_event(self, name, timeout=60):
        end = time.time() + timeout
        while not any(e.get("event") == name for e in self.events):
            if time.time() > end:
                raise SystemExit("no " + name)
            self.events.append(json.loads(self.f.readline()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("job", choices=["stream", "commit", "active-commit", "mirror", "mirror-blocking"])
    ap.add_argument("name")
    ap.add_argument("order", choices=["job-first", "job-second", "guest-first"])
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="capture-job-")
    log = []
    try:
        make_chain(work, log)
        mirror = a.job.startswith("mirror")
        if mirror:
            run(["qemu-img", "create", "-q", "-f", "qcow2", "target.qcow2", "256k"], log, work)
        images = ("top", "mid", "base") + (("target",) if mirror else ())
        dest = os.path.join(a.out, a.name)
        os.makedirs(dest, exist_ok=True)
        for img in images:
            with open(os.path.join(work, img + ".qcow2"), "rb") as f, \
                    gzip.GzipFile(os.path.join(dest, img + ".qcow2.gz"), "wb", mtime=0) as g:
                g.write(f.read())
        trace = []
        for e in EVENTS:
            trace += ["-trace", e]
        cmd = ["qemu-system-x86_64", "-machine", "none", "-nodefaults", "-display", "none", "-monitor", "none",
               "-qmp", "unix:qmp.sock,server=on,wait=off"] + trace + ["-D", "trace.log", "-drive",
               "if=none,id=d0,node-name=top,format=qcow2,file=top.qcow2,discard=unmap"]
        log.append(" ".join(quote(c) for c in cmd) + " &")
        proc = subprocess.Popen(cmd, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            qmp = Qmp(os.path.join(work, "qmp.sock"))
            if mirror:
                add = {"execute": "blockdev-add", "arguments": {"driver": "qcow2", "node-name": "tgt", "file": {
                    "driver": "file", "filename": "target.qcow2"}}}
                qmp.send([add])
                log.append("QMP blockdev-add " + json.dumps(add["arguments"]))
            hmp = [{"execute": "human-monitor-command", "arguments": {"command-line": 'qemu-io d0 "%s"' % c}}
                   for c in GUEST]
            job = job_command(a.job)
            at = {"job-first": 0, "job-second": 1, "guest-first": len(hmp)}[a.order]
            batch = hmp[:at] + [job] + hmp[at:]
            log.append("QMP qmp_capabilities, then in one write: " + "; ".join(
                json.dumps(p["arguments"]) if p is job else p["arguments"]["command-line"] for p in batch)
                .replace(json.dumps(job["arguments"]), job["execute"] + " " + json.dumps(job["arguments"])))
            qmp.send(batch)
            if mirror or a.job == "active-commit":
                qmp.await_event("BLOCK_JOB_READY")
                qmp.send([{"execute": "job-complete", "arguments": {"id": "job0"}}])
                log.append("QMP wait for BLOCK_JOB_READY; QMP job-complete {\"id\": \"job0\"}")
            qmp.await_event("BLOCK_JOB_COMPLETED")
            log.append("QMP wait for BLOCK_JOB_COMPLETED; QMP qemu-io d0 \"aio_flush\"; QMP quit")
            qmp.send([{"execute": "human-monitor-command", "arguments": {"command-line": 'qemu-io d0 "aio_flush"'}},
                      {"execute": "quit"}])
            proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        chk = subprocess.run(["qemu-img", "check", "top.qcow2"], capture_output=True, text=True, cwd=work)
        log.append("qemu-img check top.qcow2")
        shutil.copyfile(os.path.join(work, "trace.log"), os.path.join(dest, "trace.log"))
        for img in images:
            with open(os.path.join(work, img + ".qcow2"), "rb") as f:
                data = f.read()
            with gzip.GzipFile(os.path.join(dest, "final-%s.qcow2.gz" % img), "wb", mtime=0) as g:
                g.write(data)
            with open(os.path.join(dest, "final-%s.qcow2.sha256" % img), "w") as f:
                f.write(hashlib.sha256(data).hexdigest() + "  %s.qcow2\n" % img)
        for name, text in (("check.stdout", chk.stdout), ("check.stderr", chk.stderr),
                           ("check.exit", "%d\n" % chk.returncode)):
            with open(os.path.join(dest, name), "w") as f:
                f.write(text)
        with open(os.path.join(dest, "commands.txt"), "w") as f:
            f.write("\n".join(log) + "\n")
        with open(os.path.join(dest, "workload.txt"), "w") as f:
            f.write("\n".join(GUEST + ["aio_flush"]) + "\n")
        with open(os.path.join(dest, "capture.json"), "w") as f:
            json.dump({"setup": "sys-job", "producer": "hmp-qemu-io", "clients": 1, "job": job, "order": a.order,
                       "chain": ["top.qcow2", "mid.qcow2", "base.qcow2"],
                       **({"target": "target.qcow2"} if mirror else {}), "nodeOptions": {"discard": "unmap"},
                       "timestamps": False, "runs": 1,
                       "qemu": subprocess.run(["qemu-img", "--version"], capture_output=True,
                                              text=True).stdout.splitlines()[0]}, f, indent=2)
            f.write("\n")
        print("%s: check exit %d" % (a.name, chk.returncode))
        return 0
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    sys.exit(main())
