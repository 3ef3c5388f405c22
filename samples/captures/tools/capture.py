#!/usr/bin/env python3
"""Capture corrupting runs of the qcow2 discard/write-zeroes race from real qemu 7.2, with tracing on.

Each capture is one seeded workload run through one exposure path (qemu-nbd with one or two qemu-io NBD clients,
qemu-system-x86_64 -machine none with HMP qemu-io over QMP, or plain qemu-io with its stdout merged into the log).
The same workload is run again on a fresh copy of the base image until qemu-img check reports corruption (or
qemu printed "qcow2_free_clusters failed"), at most --tries times. What is kept, under OUT/<name>/:

  base.qcow2.gz      the image the run started from
  trace.log          the raw, unfiltered trace log as qemu wrote it
  commands.txt       every command line that ran, in order (paths relative to the capture's work directory)
  workload.txt       the qemu-io commands per client, one per line
  check.stdout, check.stderr, check.exit   real qemu-img check of the final image
  final.qcow2.gz, final.qcow2.sha256       the final image
  capture.json       setup, seed, node options, and how many real runs it took

All traffic stays on unix sockets. Usage: capture.py OUT SETUP NAME SEED [--tries N] [--timestamps]
"""

import argparse
import gzip
import hashlib
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time

EVENTS = ["qcow2_*", "qemu_co_mutex*", "bdrv_co_*", "thread_pool_*", "blk_co_*", "nbd_*"]
CLUSTER = 65536
SIZE = "16M"


def run(cmd, log, **kw):
    log.append(" ".join(quote(c) for c in cmd))
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def quote(s):
    if s and all(c.isalnum() or c in "-_=./,:+@" for c in s):
        return s
    return "'" + s.replace("'", "'\\''") + "'"


def make_base(work, clusters, log):
    base = os.path.join(work, "base.qcow2")
    run(["qemu-img", "create", "-f", "qcow2", base, SIZE], log, cwd=work, check=True)
    n = str(clusters * CLUSTER // 1024) + "k"
    # write then write -z: the clusters are allocated and read as zero (ZERO_ALLOC), which a data write reuses
    run(["qemu-io", "-f", "qcow2", "-c", "write -P 0x11 0 " + n, "-c", "write -z 0 " + n, base], log, cwd=work,
        check=True)
    return base


def random_ops(rng, clusters, count, kinds):
    ops = []
    for _ in range(count):
        c = rng.randrange(clusters)
        kind = rng.choice(kinds)
        off = "%dk" % (c * 64)
        if kind == "P":
            ops.append("aio_write -P 0x%02x %s 64k" % (rng.randrange(0x21, 0x7f), off))
        elif kind == "z":
            ops.append("aio_write -z %s 64k" % off)
        elif kind == "zu":
            ops.append("aio_write -z -u %s 64k" % off)
        else:
            ops.append("discard %s 64k" % off)
    return ops


def triples(rng, clusters):
    # the measured shape: make the cluster ZERO_ALLOC-ish, write data, then write-zeroes with unmap while in flight
    order = list(range(clusters))
    rng.shuffle(order)
    ops = []
    for c in order:
        off = "%dk" % (c * 64)
        ops += ["aio_write -z %s 64k" % off, "aio_write -P 0x%02x %s 64k" % (rng.randrange(0x21, 0x7f), off),
                "aio_write -z -u %s 64k" % off]
    return ops


def halves(rng, clusters, zero_cmd):
    order = list(range(clusters))
    rng.shuffle(order)
    ops = []
    for c in order:
        lo, hi = "%dk" % (c * 64), "%dk" % (c * 64 + 32)
        data = "aio_write -P 0x%02x %s 32k" % (rng.randrange(0x21, 0x7f), lo)
        zero = zero_cmd % hi
        ops += [data, zero] if rng.random() < 0.5 else [zero, data]
    return ops


def workload(setup, seed):
    rng = random.Random(seed)
    if setup == "nbd1":
        return [random_ops(rng, 4, 60, ["P", "P", "z", "zu", "d"])], {"discard": "ignore"}
    if setup == "nbd1-triples":
        return [triples(rng, 6)], {"discard": "ignore"}
    if setup == "nbd1-unmap":
        return [random_ops(rng, 4, 40, ["P", "P", "z", "zu", "d"])], {"discard": "unmap"}
    if setup == "nbd2":
        return [random_ops(rng, 4, 24, ["P", "P", "z", "zu", "d"]),
                random_ops(rng, 4, 24, ["P", "P", "z", "zu", "d"])], {"discard": "ignore"}
    if setup == "sys-ignore":
        return [triples(rng, 6)], {"discard": "ignore"}
    if setup == "sys-detect-zeroes":
        return [halves(rng, 4, "aio_write -P 0 %s 32k")], {"discard": "unmap", "detect-zeroes": "unmap"}
    if setup == "sys-halves":
        return [halves(rng, 4, "aio_write -z -u %s 32k")], {"discard": "ignore"}
    if setup == "qemu-io":
        return [triples(rng, 4)], {}
    if setup == "qemu-io-halves":
        return [halves(rng, 4, "aio_write -z -u %s 32k")], {}
    raise SystemExit("unknown setup " + setup)


def trace_args(flag):
    out = []
    for e in EVENTS:
        out += [flag, e]
    return out


def run_qemu_io(work, img, clients, log):
    cmd = ["qemu-io", "-f", "qcow2"] + trace_args("-T")
    for c in clients[0] + ["aio_flush"]:
        cmd += ["-c", c]
    cmd.append("img.qcow2")
    log.append(" ".join(quote(c) for c in cmd) + " >trace.log 2>&1")
    with open(os.path.join(work, "trace.log"), "w") as out:
        subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=work, timeout=120)


def wait_for(path, timeout=10):
    end = time.time() + timeout
    while not os.path.exists(path):
        if time.time() > end:
            raise SystemExit("timed out waiting for " + path)
        time.sleep(0.02)


def run_nbd(work, img, clients, opts, log):
    sock = os.path.join(work, "nbd.sock")
    # qemu-nbd wants an absolute socket path; commands.txt shows it as $PWD/nbd.sock
    cmd = ["qemu-nbd", "-f", "qcow2", "-k", sock, "-t", "-e", str(len(clients))] + trace_args("-T")
    if opts.get("discard") == "unmap":
        cmd.append("--discard=unmap")
    cmd.append("img.qcow2")
    log.append(" ".join(quote(c) for c in cmd).replace(work, "$PWD") + " 2>trace.log &")
    with open(os.path.join(work, "trace.log"), "w") as err:
        server = subprocess.Popen(cmd, stderr=err, stdout=subprocess.DEVNULL, cwd=work)
        try:
            wait_for(sock)
            procs = []
            for ops in clients:
                c = ["qemu-io", "-f", "raw"]
                for o in ops + ["aio_flush"]:
                    c += ["-c", o]
                c.append("nbd+unix:///?socket=" + sock)
                log.append(" ".join(quote(x) for x in c).replace("'nbd+unix:///?socket=" + sock + "'",
                                                                  '"nbd+unix:///?socket=$PWD/nbd.sock"') + " &")
                procs.append(subprocess.Popen(c, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            for p in procs:
                p.wait(timeout=120)
        finally:
            log.append("kill -TERM <qemu-nbd>")
            server.terminate()
            server.wait(timeout=30)


def qmp(sock_path, payload_lines):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    for _ in range(200):
        try:
            s.connect(sock_path)  # the socket file appears before qemu listens on it
            break
        except ConnectionRefusedError:
            time.sleep(0.02)
    else:
        raise SystemExit("qemu never accepted on " + sock_path)
    f = s.makefile("rwb", buffering=0)
    f.readline()  # greeting
    f.write(b'{"execute":"qmp_capabilities"}\n')
    f.readline()
    # all commands in one write: they are read in one main-loop iteration and their requests overlap
    f.write(b"".join(json.dumps(p).encode() + b"\n" for p in payload_lines))
    replies = []
    while len(replies) < len(payload_lines):
        line = f.readline()
        if not line:
            break
        msg = json.loads(line)
        if "return" in msg or "error" in msg:
            replies.append(msg)
    s.close()
    return replies


def run_system(work, img, clients, opts, timestamps, log):
    drive = "if=none,id=d0,node-name=src,format=qcow2,file=" + os.path.basename(img)
    for k in ("discard", "detect-zeroes"):
        if k in opts and not (k == "discard" and opts[k] == "ignore"):
            drive += ",%s=%s" % (k, opts[k])
    cmd = ["qemu-system-x86_64", "-machine", "none", "-nodefaults", "-display", "none", "-monitor", "none",
           "-qmp", "unix:qmp.sock,server=on,wait=off"] + trace_args("-trace") + ["-D", "trace.log"]
    if timestamps:
        cmd += ["-msg", "timestamp=on"]
    cmd += ["-drive", drive]
    log.append(" ".join(quote(c) for c in cmd) + " &")
    proc = subprocess.Popen(cmd, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(os.path.join(work, "qmp.sock"))
        hmp = [{"execute": "human-monitor-command", "arguments": {"command-line": 'qemu-io d0 "%s"' % c}}
               for c in clients[0]]
        log.append("QMP qmp_capabilities, then in one write: " + "; ".join(
            p["arguments"]["command-line"] for p in hmp))
        qmp(os.path.join(work, "qmp.sock"), hmp)
        flush = {"execute": "human-monitor-command", "arguments": {"command-line": 'qemu-io d0 "aio_flush"'}}
        log.append("QMP " + flush["arguments"]["command-line"] + "; QMP quit")
        qmp(os.path.join(work, "qmp.sock"), [flush, {"execute": "quit"}])
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def attempt(setup, clients, opts, timestamps, base, work):
    log = []
    img = os.path.join(work, "img.qcow2")
    shutil.copyfile(base, img)
    log.append("cp base.qcow2 img.qcow2")
    if setup.startswith("nbd"):
        run_nbd(work, img, clients, opts, log)
    elif setup.startswith("sys"):
        run_system(work, img, clients, opts, timestamps, log)
    else:
        run_qemu_io(work, img, clients, log)
    chk = run(["qemu-img", "check", "img.qcow2"], log, cwd=work)
    with open(os.path.join(work, "trace.log"), errors="replace") as f:
        failed = "qcow2_free_clusters failed" in f.read()
    return log, chk, chk.returncode != 0 or failed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("setup")
    ap.add_argument("name")
    ap.add_argument("seed", type=int)
    ap.add_argument("--tries", type=int, default=10)
    ap.add_argument("--timestamps", action="store_true")
    a = ap.parse_args()
    clients, opts = workload(a.setup, a.seed)
    work = tempfile.mkdtemp(prefix="capture-")
    base = make_base(work, 8, [])
    try:
        for runs in range(1, a.tries + 1):
            log, chk, corrupt = attempt(a.setup, clients, opts, a.timestamps, base, work)
            if corrupt:
                break
        else:
            print("%s: no corruption in %d runs" % (a.name, a.tries))
            return 1
        keep(a, clients, opts, base, work, runs, log, chk)
        return 0
    finally:
        shutil.rmtree(work)


def keep(a, clients, opts, base, work, runs, log, chk):
    base_log = ["qemu-img create -f qcow2 base.qcow2 " + SIZE,
                "qemu-io -f qcow2 -c 'write -P 0x11 0 512k' -c 'write -z 0 512k' base.qcow2"]
    dest = os.path.join(a.out, a.name)
    os.makedirs(dest, exist_ok=True)
    with open(base, "rb") as f, gzip.GzipFile(os.path.join(dest, "base.qcow2.gz"), "wb", mtime=0) as g:
        g.write(f.read())
    with open(os.path.join(work, "img.qcow2"), "rb") as f:
        final = f.read()
    with gzip.GzipFile(os.path.join(dest, "final.qcow2.gz"), "wb", mtime=0) as g:
        g.write(final)
    with open(os.path.join(dest, "final.qcow2.sha256"), "w") as f:
        f.write(hashlib.sha256(final).hexdigest() + "  img.qcow2\n")
    shutil.copyfile(os.path.join(work, "trace.log"), os.path.join(dest, "trace.log"))
    for name, text in (("check.stdout", chk.stdout), ("check.stderr", chk.stderr),
                       ("check.exit", "%d\n" % chk.returncode)):
        with open(os.path.join(dest, name), "w") as f:
            f.write(text)
    with open(os.path.join(dest, "commands.txt"), "w") as f:
        f.write("\n".join(base_log + log) + "\n")
    with open(os.path.join(dest, "workload.txt"), "w") as f:
        for i, ops in enumerate(clients):
            if len(clients) > 1:
                f.write("# client %d\n" % i)
            f.write("\n".join(ops + ["aio_flush"]) + "\n")
    producer = {"nbd1": "nbd", "nbd2": "nbd"}.get(a.setup, "hmp-qemu-io" if a.setup.startswith("sys")
                                                   else "qemu-io")
    with open(os.path.join(dest, "capture.json"), "w") as f:
        json.dump({"setup": a.setup, "producer": producer, "clients": len(clients), "seed": a.seed,
                   "nodeOptions": opts, "timestamps": a.timestamps, "runs": runs,
                   "qemu": subprocess.run(["qemu-img", "--version"], capture_output=True,
                                          text=True).stdout.splitlines()[0]}, f, indent=2)
        f.write("\n")
    print("%s: corrupted on run %d (exit %d)" % (a.name, runs, chk.returncode))


if __name__ == "__main__":
    sys.exit(main())
