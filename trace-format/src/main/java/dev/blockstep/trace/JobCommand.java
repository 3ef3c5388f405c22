package dev.blockstep.trace;

/**
 * The QMP command that started a block job beside the workload (format version 5), with the arguments it was
 * given, spelled as QMP spells them. The job starts once qemu-io has issued {@code afterCommands} of the
 * workload's commands (0: before the first), as a QMP command handled in the main loop between two of them; the
 * command drains the node to insert the job's filter, so the job runs once the requests issued before it have ended.
 */
public sealed interface JobCommand {

    /** QMP's {@code job-id}; null when the command named none (qemu then uses the device's name). */
    String jobId();

    /** QMP's {@code device}: the drive or node the job runs on, the trace's top image. */
    String device();

    /** How many workload commands qemu-io issues before the job starts. */
    int afterCommands();

    /** The QMP command's name, as {@code execute} spells it. */
    String execute();

    /** qemu's job type ("stream", "commit"), which names the job's coroutine in schedules. */
    String type();

    /**
     * Whether a schedule's coroutine name is the job's: its type, or the type and a dot for a request the job
     * issues ("stream.cor"). No workload command may take such a name.
     */
    default boolean names(String coroutine) {
        return coroutine.equals(type()) || coroutine.startsWith(type() + ".");
    }

    /**
     * {@code block-stream}: copies the chain below {@code device} down to {@code base} (null: the whole chain) into
     * it.
     *
     * @param backingFile QMP's {@code backing-file}: what the header names when the job ends, or null
     */
    record BlockStream(String jobId, String device, String base, String backingFile, int afterCommands)
            implements JobCommand {
        public static final String EXECUTE = "block-stream";

        @Override
        public String execute() {
            return EXECUTE;
        }

        @Override
        public String type() {
            return "stream";
        }
    }

    /**
     * {@code block-commit}: commits {@code top} (a backing file name in {@code device}'s chain; null: the active
     * layer, {@code device}'s own image, which qemu runs as an active commit) into {@code base} (null: the image
     * right below top).
     *
     * @param backingFile QMP's {@code backing-file}: what the overlay of top names when the job ends, or null
     */
    record BlockCommit(String jobId, String device, String top, String base, String backingFile, int afterCommands)
            implements JobCommand {
        public static final String EXECUTE = "block-commit";

        @Override
        public String execute() {
            return EXECUTE;
        }

        @Override
        public String type() {
            return "commit";
        }
    }

    /**
     * {@code blockdev-mirror}: mirrors {@code device} into the node {@code target}, which the trace describes as
     * {@code targetImage} (what {@code blockdev-add} opened).
     *
     * @param granularity QMP's {@code granularity} in bytes, or null for qemu's default (the target's cluster size)
     */
    record BlockdevMirror(String jobId, String device, String target, ImageSetup targetImage, Sync sync,
                          CopyMode copyMode, Long granularity, int afterCommands) implements JobCommand {
        public static final String EXECUTE = "blockdev-mirror";

        @Override
        public String execute() {
            return EXECUTE;
        }

        @Override
        public String type() {
            return "mirror";
        }
    }

    /** QMP's {@code MirrorSyncMode} values blockdev-mirror accepts. */
    enum Sync { FULL, TOP, NONE }

    /** QMP's {@code MirrorCopyMode}. */
    enum CopyMode { BACKGROUND, WRITE_BLOCKING }

    /** The QMP spelling of an enum value: lower case, '-' for '_'. */
    static String qmpName(Enum<?> value) {
        return value.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
