package dev.blockstep.trace.qemulog;

import dev.blockstep.trace.importer.ImportException;
import java.util.List;

/**
 * The block job a qemu-system log shows: where it starts (stream_start), the coroutine that runs it and where it
 * ends (job_completed). qemu prints the job's pointer, never its coroutine, so the coroutine is the one running when
 * the job prints its first stream_one_iteration: that event comes from stream_run itself, right after the block
 * status queries whose mutex events name the coroutine. Only block-stream is read; a log with another job, or a
 * second job, is refused in one line.
 */
final class JobEvents {

    /** BDRV_REQ_PREFETCH: stream_populate's read through the copy-on-read filter. */
    static final int PREFETCH = 0x200;

    /** qemu's job type, which names the job's coroutine in the engine ("stream"). */
    final String type;
    /** The stream_start line. */
    final LogLine start;
    /** Index in the used lines of the start line and of job_completed. */
    final int startIndex;
    final int endIndex;
    /** The address of the job's coroutine. */
    final String coroutine;
    /** The node the job's prefetches enter (the copy-on-read filter above the top), or null when it copied nothing. */
    final String filterNode;

    private JobEvents(String type, LogLine start, int startIndex, int endIndex, String coroutine, String filterNode) {
        this.type = type;
        this.start = start;
        this.startIndex = startIndex;
        this.endIndex = endIndex;
        this.coroutine = coroutine;
        this.filterNode = filterNode;
    }

    /** The job the log shows, or null when it shows none. */
    static JobEvents find(List<LogLine> lines, String source) throws ImportException {
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            LogLine l = lines.get(i);
            if (!l.event().equals("stream_start") && !l.event().equals("commit_start")
                    && !l.event().equals("mirror_start")) {
                continue;
            }
            if (start >= 0) {
                throw new ImportException(source, l.line(), "expected one block job in the log, found a second ("
                        + l.event() + " after " + lines.get(start).event() + " at line " + lines.get(start).line()
                        + ")");
            }
            if (!l.event().equals("stream_start")) {
                throw new ImportException(source, l.line(), "expected stream_start: the importer reads block-stream's "
                        + "events only, got " + l.event() + " (write the job into a trace's job section instead, "
                        + "format 5)");
            }
            if (!l.field("base").equals("(nil)")) {
                throw new ImportException(source, l.line(), "expected stream_start with base (nil) (blockstep streams "
                        + "the whole chain), got base " + l.field("base"));
            }
            start = i;
        }
        if (start < 0) {
            return null;
        }
        String job = lines.get(start).field("s");
        int iteration = -1;
        int end = -1;
        for (int i = start + 1; i < lines.size() && end < 0; i++) {
            LogLine l = lines.get(i);
            if (iteration < 0 && l.event().equals("stream_one_iteration") && job.equals(l.field("s"))) {
                iteration = i;
            }
            if (l.event().equals("job_completed") && job.equals(l.field("job"))) {
                end = i;
            }
        }
        LogLine s = lines.get(start);
        if (end < 0) {
            throw new ImportException(source, s.line(), "expected job_completed for the job stream_start starts here "
                    + "(s " + job + "), found none: capture until the job ends, with -trace 'job_*'");
        }
        if (iteration < 0) {
            throw new ImportException(source, s.line(), "expected a stream_one_iteration of the job stream_start "
                    + "starts here (s " + job + ") before its job_completed at line " + lines.get(end).line()
                    + ", found none: capture with -trace 'stream_*'");
        }
        String co = null;
        for (int i = iteration - 1; i > start && co == null; i--) {
            co = lines.get(i).ownCoroutine();
        }
        if (co == null) {
            throw new ImportException(source, lines.get(iteration).line(), "expected an event naming a coroutine "
                    + "between stream_start and the job's first stream_one_iteration (its block status takes s->lock), "
                    + "found none: capture with -trace 'qemu_co_mutex*'");
        }
        String filter = null;
        for (int i = iteration + 1; i < end && filter == null; i++) {
            LogLine l = lines.get(i);
            if (l.isBdrvRequest() && (LogLineParser.number(l.field("flags")) & PREFETCH) != 0
                    && co.equals(CoroutineAttribution.nextMutexSelf(lines, i))) {
                filter = l.field("bs");
            }
        }
        return new JobEvents("stream", s, start, end, co, filter);
    }

    /** Whether line {@code i}, run by coroutine {@code co}, is the job's. */
    boolean owns(int i, String co) {
        return i > startIndex && i <= endIndex && coroutine.equals(co);
    }
}
