package dev.blockstep.engine.qcow2;

/** qemu's enum qcow2_discard_type: why a cluster is freed, which decides whether it is punched. */
public enum DiscardType {
    NEVER,
    ALWAYS,
    REQUEST,
    SNAPSHOT,
    OTHER
}
