#!/usr/bin/env python3
"""Seeded serial qemu-io script for the io benchmark: writes of every shape, write -z (-u),
aligned and partial discards, reads and flushes, mostly in a hot region so clusters are freed
and reused. Usage: gen-serial-script.py SEED COUNT SIZE CLUSTER > script.txt"""
import random
import sys

seed, count, size, cluster = (int(a) for a in sys.argv[1:5])
r = random.Random(seed)
hot = min(size, 2048 * cluster)
for _ in range(count):
    off = int(r.random() * hot) if r.random() < 0.8 else int(r.random() * size)
    if r.random() < 0.6:
        off = off // cluster * cluster
    else:
        off = off // 512 * 512
    k = r.random()
    if k < 0.3:
        length = cluster
    elif k < 0.6:
        length = 512 * r.randint(1, cluster // 512)
    else:
        length = cluster * r.randint(1, 8) + 512 * r.randint(0, cluster // 512 - 1)
    length = min(length, size - off)
    if length <= 0:
        continue
    c = r.random()
    if c < 0.45:
        print(f"write -P 0x{r.randint(1, 255):x} {off} {length}")
    elif c < 0.58:
        print(f"write -z {off} {length}")
    elif c < 0.70:
        print(f"write -z -u {off} {length}")
    elif c < 0.85:
        print(f"discard {off} {length}")
    elif c < 0.97:
        print(f"read {off} {length}")
    else:
        print("flush")
