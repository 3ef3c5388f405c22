package dev.blockstep.app.gui.viewmodel;

/** The moments of the race a teacher stops at, in the order they happen in the default sample. */
public enum TeachingMoment {
    LOCK_DROPPED("01-lock-dropped", "the allocating write drops s->lock for its data I/O"),
    CLUSTER_FREED("02-discard-frees-cluster", "the discard / write-zeroes frees the cluster the writer holds"),
    WRITER_RELINKS("03-writer-relinks", "the writer links the freed cluster into its L2 entry"),
    CHECK_FAILS("04-check-fails", "qemu-img check reports the corruption");

    private final String fileStem;
    private final String description;

    TeachingMoment(String fileStem, String description) {
        this.fileStem = fileStem;
        this.description = description;
    }

    public String fileStem() {
        return fileStem;
    }

    public String description() {
        return description;
    }
}
