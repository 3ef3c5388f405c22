package dev.blockstep.engine.session;

import dev.blockstep.engine.block.BlockNode;
import dev.blockstep.engine.block.IssuedCommand;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.snapshot.CoroutineView;
import dev.blockstep.engine.snapshot.ImageView;
import java.util.List;

/**
 * An engine at a quiescent step (no request in flight, qemu-io about to issue its next command): everything
 * needed to rebuild it without replaying the steps before. Only such steps are checkpointed, because then
 * the state is the host file, free_cluster_index and a few counters; in-flight coroutines would need a copy.
 *
 * @param file      a copy-on-write copy of the host file
 * @param finished  views of coroutines 1..n-1, all done
 * @param output    what qemu-io printed so far
 * @param issued    what qemu-io's loop recorded for the {@code mainPc} commands it issued
 * @param cache     the cache mode then, which a reopen -c may have changed
 */
record Checkpoint(int step, HostFile file, long freeClusterIndex, int mainPc, List<String> mainFrames,
                  List<IssuedCommand> issued, List<CoroutineView> finished, int trackedNextId, List<BlockNode.OutputLine> output, FixVariant fix,
                  long readyCounter, long mainReadySince, boolean mainOwed, ImageView image,
                  dev.blockstep.engine.block.QemuIoMain.CacheMode cache) {
}
