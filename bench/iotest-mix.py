#!/usr/bin/env python3
"""The race's upstream iotest workload as a qemu-io script: COUNT commands, each uniformly an
aio_write -P of a random byte or an aio_write -z -u (with --plain-zero also an aio_write -z), 64 KiB at
one of guest clusters 0..7, chosen by Python's random.Random(SEED), with an aio_flush after every 50 and
at the end. One command per line. Usage: iotest-mix.py SEED COUNT [--plain-zero] > script.txt"""
import random
import sys

seed, count = int(sys.argv[1]), int(sys.argv[2])
plain_zero = "--plain-zero" in sys.argv[3:]
r = random.Random(seed)
kinds = 3 if plain_zero else 2
for i in range(1, count + 1):
    off = r.randrange(8) * 65536
    k = r.randrange(kinds)
    if k == 0:
        print(f"aio_write -P 0x{r.randrange(256):02x} {off} 64k")
    elif k == 1:
        print(f"aio_write -z -u {off} 64k")
    else:
        print(f"aio_write -z {off} 64k")
    if i % 50 == 0:
        print("aio_flush")
if count % 50 != 0:
    print("aio_flush")
