package dev.blockstep.engine.qcow2;

/**
 * A request failed the way a qemu function returns a negative errno. {@link #errno()} is the positive
 * errno; {@link #strerror()} is the text qemu-io prints after "write failed: ".
 */
public final class Qcow2Error extends RuntimeException {
    public static final int EIO = 5;
    public static final int ENOMEM = 12;
    public static final int EINVAL = 22;
    public static final int EFBIG = 27;
    public static final int ENOSPC = 28;
    public static final int ENOTSUP = 95;
    public static final int ENOMEDIUM = 123;

    private final int errno;
    /** qemu itself fails this way, rather than blockstep stopping at something it does not model. */
    private final boolean qemus;

    public Qcow2Error(int errno, String detail) {
        this(errno, detail, false);
    }

    private Qcow2Error(int errno, String detail, boolean qemus) {
        super(detail);
        this.errno = errno;
        this.qemus = qemus;
    }

    /** An error qemu 7.2 returns too, e.g. -ENOTSUP for a zero write that may not fall back. */
    public static Qcow2Error asQemu(int errno, String detail) {
        return new Qcow2Error(errno, detail, true);
    }

    /** blockstep's -ENOTSUP for what it does not model, which it names on stderr. */
    public boolean blockstepLimit() {
        return errno == ENOTSUP && !qemus;
    }

    public int errno() {
        return errno;
    }

    public String strerror() {
        return strerror(errno);
    }

    public static String strerror(int errno) {
        return switch (errno) {
            case EIO -> "Input/output error";
            case ENOMEM -> "Cannot allocate memory";
            case EINVAL -> "Invalid argument";
            case EFBIG -> "File too large";
            case ENOSPC -> "No space left on device";
            case ENOTSUP -> "Operation not supported";
            case ENOMEDIUM -> "No medium found";
            default -> "Unknown error " + errno;
        };
    }
}
