package dev.blockstep.trace.qemulog;

import dev.blockstep.trace.importer.ImportException;
import java.util.List;

/**
 * The block job a qemu-system log shows: where it starts (stream_start, commit_start), the coroutine that runs it and
 * where it ends (job_completed). qemu prints the job's pointer, never its coroutine, so the coroutine is the one
 * running when the job prints its first *_one_iteration: that event comes from the job's run function itself, right
 * after the block status queries whose mutex events name the coroutine. block-stream and intermediate block-commit
 * are read; a log with a mirror (or an active commit, which is a mirror), or with a second job, is refused in one
 * line.
 *
 * <p>The engine runs the request a job makes on a node of its own as a coroutine of its own, which the job waits
 * for: block-stream's prefetch through its copy-on-read filter ("stream.cor", a PREFETCH read on the filter) and
 * block-commit's write into the base ("commit.write", a write on the base node). {@link #subNode} is that node.
 */
final class JobEvents {

    /** BDRV_REQ_PREFETCH: stream_populate's read through the copy-on-read filter. */
    static final int PREFETCH = 0x200;

    /** qemu's job type, which names the job's coroutine in the engine ("stream", "commit"). */
    final String type;
    /** The *_start line. */
    final LogLine start;
    /** Index in the used lines of the start line and of job_completed. */
    final int startIndex;
    final int endIndex;
    /** The address of the job's coroutine. */
    final String coroutine;
    /** The copy-on-read filter a block-stream puts above the top (the node its prefetches enter), or null. */
    final String filterNode;
    /** The node the job's own requests go to (see the class comment), or null when it made none. */
    final String subNode;
    /** The engine's name for such a request, after the job's type and a dot ("cor", "write"). */
    final String subName;

    private JobEvents(String type, LogLine start, int startIndex, int endIndex, String coroutine, String filterNode,
                      String subNode, String subName) {
        this.type = type;
        this.start = start;
        this.startIndex = startIndex;
        this.endIndex = endIndex;
        this.coroutine = coroutine;
        this.filterNode = filterNode;
        this.subNode = subNode;
        this.subName = subName;
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
            if (l.event().equals("mirror_start")) {
                throw new ImportException(source, l.line(), "expected stream_start or commit_start: the importer reads "
                        + "block-stream's and intermediate block-commit's events, got mirror_start (blockdev-mirror or "
                        + "an active commit; write the job into a trace's job section instead, format 5)");
            }
            if (l.event().equals("stream_start") && !l.field("base").equals("(nil)")) {
                throw new ImportException(source, l.line(), "expected stream_start with base (nil) (blockstep streams "
                        + "the whole chain), got base " + l.field("base"));
            }
            start = i;
        }
        if (start < 0) {
            return null;
        }
        LogLine s = lines.get(start);
        String type = s.event().equals("stream_start") ? "stream" : "commit";
        String job = s.field("s");
        int iteration = -1;
        int end = -1;
        for (int i = start + 1; i < lines.size() && end < 0; i++) {
            LogLine l = lines.get(i);
            if (iteration < 0 && l.event().equals(type + "_one_iteration") && job.equals(l.field("s"))) {
                iteration = i;
            }
            if (l.event().equals("job_completed") && job.equals(l.field("job"))) {
                end = i;
            }
        }
        if (end < 0) {
            throw new ImportException(source, s.line(), "expected job_completed for the job " + s.event()
                    + " starts here (s " + job + "), found none: capture until the job ends, with -trace 'job_*'");
        }
        if (iteration < 0) {
            throw new ImportException(source, s.line(), "expected a " + type + "_one_iteration of the job " + s.event()
                    + " starts here (s " + job + ") before its job_completed at line " + lines.get(end).line()
                    + ", found none: capture with -trace '" + type + "_*'");
        }
        String co = null;
        for (int i = iteration - 1; i > start && co == null; i--) {
            co = lines.get(i).ownCoroutine();
        }
        if (co == null) {
            throw new ImportException(source, lines.get(iteration).line(), "expected an event naming a coroutine "
                    + "between " + s.event() + " and the job's first " + type + "_one_iteration (its block status "
                    + "takes a mutex), found none: capture with -trace 'qemu_co_mutex*'");
        }
        if (type.equals("commit")) {
            return new JobEvents(type, s, start, end, co, null, s.field("base"), "write");
        }
        String filter = null;
        for (int i = iteration + 1; i < end && filter == null; i++) {
            LogLine l = lines.get(i);
            if (l.isBdrvRequest() && (LogLineParser.number(l.field("flags")) & PREFETCH) != 0
                    && co.equals(CoroutineAttribution.nextMutexSelf(lines, i))) {
                filter = l.field("bs");
            }
        }
        return new JobEvents(type, s, start, end, co, filter, filter, "cor");
    }

    /** Whether {@code l}, one of the job coroutine's events, starts one of the job's own requests. */
    boolean startsSubRequest(LogLine l) {
        return l.isBdrvRequest() && l.field("bs").equals(subNode)
                && (type.equals("commit") || (LogLineParser.number(l.field("flags")) & PREFETCH) != 0);
    }

    /** Whether line {@code i}, run by coroutine {@code co}, is the job's. */
    boolean owns(int i, String co) {
        return i > startIndex && i <= endIndex && coroutine.equals(co);
    }
}
