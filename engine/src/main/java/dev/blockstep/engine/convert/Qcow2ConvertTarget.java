package dev.blockstep.engine.convert;

import dev.blockstep.engine.block.BlockBackend;
import dev.blockstep.engine.block.BlockNode;
import dev.blockstep.engine.block.RequestCoroutine;
import dev.blockstep.engine.block.RequestFlags;
import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.coroutine.Scheduler;
import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.BackingOpener;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.qcow2.Qcow2Error;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import dev.blockstep.trace.NodeOptions.DetectZeroes;

/**
 * A qcow2 target: its own node under a BlockBackend, each write a request coroutine of the engine's write, zero
 * write or compressed write path, run to completion before the next (in-order writes). Closing it writes what the
 * metadata caches hold, as blk_unref does when qemu-img exits.
 */
public final class Qcow2ConvertTarget implements ConvertTarget {
    private final BlockNode node;
    private final BlockBackend blk;
    private final Scheduler scheduler = new Scheduler(Policies.fifo());

    /**
     * @param unmap        BDRV_O_UNMAP, which img_convert sets unless -S 0
     * @param writethrough the cache mode's writethrough (-t writethrough or directsync): every write is FUA
     * @param noFlush      -t unsafe (qemu-img convert's default): flushes never reach the disk
     * @throws ImageFormatException when the image does not open
     */
    public Qcow2ConvertTarget(HostFile file, String name, BackingOpener backing, boolean unmap, boolean writethrough,
                              boolean noFlush) throws ImageFormatException {
        node = new BlockNode(FixVariant.NONE, unmap, DetectZeroes.OFF).noFlush(noFlush);
        node.attach(Qcow2Driver.open(file, name, EngineEventSink.NONE, backing, unmap));
        blk = new BlockBackend(node, writethrough);
        scheduler.unobserved();
        node.driver().observe((r, write) -> { });
        file.observe(HostFile.Observer.NONE);
    }

    public Qcow2Driver driver() {
        return node.driver();
    }

    @Override
    public void write(long offset, byte[] data) throws WriteFailed {
        run(blk.pwritev(scheduler.nextId(), "write " + offset + " " + data.length, offset, data, RequestFlags.NONE));
    }

    @Override
    public void writeZeroes(long offset, long bytes) throws WriteFailed {
        run(blk.pwriteZeroes(scheduler.nextId(), "write -z -u " + offset + " " + bytes, offset, bytes,
                RequestFlags.of(RequestFlags.MAY_UNMAP)));
    }

    @Override
    public void writeCompressed(long offset, byte[] data) throws WriteFailed {
        run(blk.pwriteCompressed(scheduler.nextId(), "write -c " + offset + " " + data.length, offset, data));
    }

    private void run(RequestCoroutine r) throws WriteFailed {
        r.quiet(true);
        scheduler.spawn(r);
        while (scheduler.step() != null) {
            // the request and whatever it started run to their end
        }
        String result = r.result();
        if (result.startsWith("-")) {
            throw new WriteFailed(strerror(result));
        }
    }

    /** The request's result "-errno" as strerror words it. */
    private static String strerror(String result) {
        try {
            return Qcow2Error.strerror(Integer.parseInt(result.substring(1)));
        } catch (NumberFormatException e) {
            return result;
        }
    }

    /** bdrv_close: the caches written back; the image file as qemu-img leaves it. */
    public HostFile close() {
        node.driver().close(scheduler.nextId());
        return node.driver().file();
    }
}
