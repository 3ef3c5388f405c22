package dev.blockstep.engine.session;

import dev.blockstep.engine.block.DriverOps;
import dev.blockstep.engine.image.HostFile;

/** Opens the qcow2 driver on an image held in memory (a fresh open: free_cluster_index = 0). */
@FunctionalInterface
public interface DriverFactory {
    DriverOps open(HostFile file);
}
