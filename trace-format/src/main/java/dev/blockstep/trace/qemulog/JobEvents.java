package dev.blockstep.trace.qemulog;

import dev.blockstep.trace.JobCommand;
import dev.blockstep.trace.importer.ImportException;
import java.util.List;

/**
 * The block job a qemu-system log shows: where it starts (stream_start, commit_start), the coroutine that runs it and
 * where it ends (job_completed). qemu prints the job's pointer, never its coroutine, so the coroutine is the one
 * running when the job prints its first *_one_iteration: that event comes from the job's run function itself, right
 * after the block status queries whose mutex events name the coroutine. A mirror's run (mirror_start: blockdev-mirror,
 * or an active commit, which qemu runs as a mirror) prints no event of its own before it takes a mutex, and qemu
 * enters it as the job goes from created to running, so its coroutine is the first one named after that transition;
 * its background operations are coroutines of their own ({@link MirrorOps}). The log prints mirror_start alike for
 * both commands and names neither the target nor copy-mode, so a mirror is read only with the QMP command the caller
 * states. A log with a second job is refused in one line.
 *
 * <p>The engine runs the request a job makes on a node of its own as a coroutine of its own, which the job waits
 * for: block-stream's prefetch through its copy-on-read filter ("stream.cor", a PREFETCH read on the filter) and
 * block-commit's write into the base ("commit.write", a write on the base node). {@link #subNode} is that node.
 *
 * @param type qemu's job type, which names the job's coroutine in the engine ("stream", "commit", "mirror")
 * @param start the *_start line
 * @param startIndex index in the used lines of the start line
 * @param endIndex index in the used lines of job_completed
 * @param coroutine the address of the job's coroutine
 * @param filterNode the copy-on-read filter a block-stream puts above the top (the node its prefetches enter), or
 *     a mirror's mirror_top; null when the log shows none
 * @param subNode the node the job's own requests go to (see above), or null when it made none
 * @param subName the engine's name for such a request, after the job's type and a dot ("cor", "write")
 * @param ops a mirror's background operations, or null for stream and commit
 */
record JobEvents(String type, LogLine start, int startIndex, int endIndex, String coroutine, String filterNode,
                 String subNode, String subName, MirrorOps ops) {

    /** BDRV_REQ_PREFETCH: stream_populate's read through the copy-on-read filter. */
    static final int PREFETCH = 0x200;

    /**
     * The job the log shows, or null when it shows none. {@code stated}: the job's QMP command as the caller knows it,
     * or null; a mirror is read only with one.
     */
    static JobEvents find(List<LogLine> lines, String source, JobCommand stated) throws ImportException {
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
            if (l.event().equals("mirror_start") && !(stated instanceof JobCommand.BlockdevMirror)
                    && !(stated instanceof JobCommand.BlockCommit c && c.top() == null)) {
                throw new ImportException(source, l.line(), "expected the job's QMP command with a log that has "
                        + "mirror_start (blockdev-mirror and an active block-commit both print it, and the log names "
                        + "neither target nor copy-mode), got " + (stated == null ? "none" : stated.execute()
                        + (stated instanceof JobCommand.BlockCommit ? " with top" : "")));
            }
            if (!l.event().equals("mirror_start") && stated != null && !stated.type().equals(
                    l.event().substring(0, l.event().indexOf('_')))) {
                throw new ImportException(source, l.line(), "expected the stated job's start (" + stated.execute()
                        + "), got " + l.event());
            }
            if (l.event().equals("stream_start") && !l.field("base").equals("(nil)")) {
                throw new ImportException(source, l.line(), "expected stream_start with base (nil) (blockstep streams "
                        + "the whole chain), got base " + l.field("base"));
            }
            start = i;
        }
        if (start < 0 && stated != null && !lines.isEmpty()) {
            throw new ImportException(source, lines.get(0).line(), "expected the start of the stated "
                    + stated.execute() + " (stream_start, commit_start or mirror_start), found no block job in the log: capture with "
                    + "-trace 'stream_*' -trace 'commit_*' -trace 'mirror_*' -trace 'job_*'");
        }
        if (start < 0) {
            return null;
        }
        LogLine s = lines.get(start);
        if (s.event().equals("mirror_start")) {
            return mirror(lines, source, start, stated.type(), stated instanceof JobCommand.BlockdevMirror m
                    && m.copyMode() == JobCommand.CopyMode.WRITE_BLOCKING);
        }
        String type = s.event().equals("stream_start") ? "stream" : "commit";
        String job = s.field("s");
        int end = completion(lines, source, start, job);
        int iteration = -1;
        for (int i = start + 1; i < end && iteration < 0; i++) {
            LogLine l = lines.get(i);
            if (l.event().equals(type + "_one_iteration") && job.equals(l.field("s"))) {
                iteration = i;
            }
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
            return new JobEvents(type, s, start, end, co, null, s.field("base"), "write", null);
        }
        String filter = null;
        for (int i = iteration + 1; i < end && filter == null; i++) {
            LogLine l = lines.get(i);
            if (l.isBdrvRequest() && (LogLineParser.number(l.field("flags")) & PREFETCH) != 0
                    && co.equals(CoroutineAttribution.nextMutexSelf(lines, i))) {
                filter = l.field("bs");
            }
        }
        return new JobEvents(type, s, start, end, co, filter, filter, "cor", null);
    }

    /** A mirror's job, with {@code type} "mirror" (blockdev-mirror) or "commit" (an active commit). */
    private static JobEvents mirror(List<LogLine> lines, String source, int start, String type,
                                    boolean writeBlocking) throws ImportException {
        LogLine s = lines.get(start);
        String job = s.field("s");
        int end = completion(lines, source, start, job);
        String co = null;
        boolean running = false;
        for (int i = start + 1; i < end && co == null; i++) {
            LogLine l = lines.get(i);
            if (l.event().equals("job_state_transition") && l.args().startsWith("job " + job + " ")
                    && l.args().contains("created-->running")) {
                running = true;
            } else if (running) {
                co = l.ownCoroutine();
            }
        }
        if (co == null) {
            throw new ImportException(source, s.line(), "expected the job's transition from created to running after "
                    + "mirror_start (s " + job + "), then an event naming a coroutine, found " + (running ? "no such "
                    + "event" : "no transition") + ": capture with -trace 'job_*' -trace 'qemu_co_mutex*'");
        }
        String target = MirrorOps.target(lines, start, end, s.field("bs"));
        String filter = mirrorTop(lines, start, end, s.field("bs"), target);
        MirrorOps ops = MirrorOps.of(lines, start, end, job, s.field("bs"), target, type, writeBlocking ? filter : null);
        return new JobEvents(type, s, start, end, co, filter, null, null, ops);
    }

    /**
     * The mirror_top filter node: guest requests enter it and go on to the source for the same range, the next
     * request event of the log.
     */
    private static String mirrorTop(List<LogLine> lines, int start, int end, String source, String target) {
        for (int i = start + 1; i < end; i++) {
            LogLine l = lines.get(i);
            if (!l.isBdrvRequest() || l.field("bs").equals(source) || l.field("bs").equals(target)) {
                continue;
            }
            for (int j = i + 1; j < end; j++) {
                LogLine n = lines.get(j);
                if (n.isBdrvRequest()) {
                    if (n.field("bs").equals(source) && n.field("offset").equals(l.field("offset"))) {
                        return l.field("bs");
                    }
                    break;
                }
            }
        }
        return null;
    }

    private static int completion(List<LogLine> lines, String source, int start, String job) throws ImportException {
        for (int i = start + 1; i < lines.size(); i++) {
            LogLine l = lines.get(i);
            if (l.event().equals("job_completed") && job.equals(l.field("job"))) {
                return i;
            }
        }
        LogLine s = lines.get(start);
        throw new ImportException(source, s.line(), "expected job_completed for the job " + s.event()
                + " starts here (s " + job + "), found none: capture until the job ends, with -trace 'job_*'");
    }

    /** Whether line {@code i} is one of a mirror's background operations (see {@link MirrorOps}). */
    boolean opLine(int i) {
        return ops != null && ops.nameAt(i) != null;
    }

    /** Whether {@code l}, one of the job coroutine's events, starts one of the job's own requests. */
    boolean startsSubRequest(LogLine l) {
        return subNode != null && l.isBdrvRequest() && l.field("bs").equals(subNode)
                && (type.equals("commit") || (LogLineParser.number(l.field("flags")) & PREFETCH) != 0);
    }

    /** Whether line {@code i}, run by coroutine {@code co}, is the job's. */
    boolean owns(int i, String co) {
        return i > startIndex && i <= endIndex && coroutine.equals(co);
    }
}
