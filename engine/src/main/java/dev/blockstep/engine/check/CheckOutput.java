package dev.blockstep.engine.check;

/** Where the check's per-cluster lines go; qemu-img writes them to stderr as it finds them. */
@FunctionalInterface
public interface CheckOutput {

    CheckOutput DISCARD = line -> { };

    void err(String line);
}
