package dev.blockstep.trace;

/** Who issued a request: the guest (qemu-io) or one of qemu's block jobs. JSON names are lower case. */
public enum Producer {
    GUEST, MIRROR, COMMIT, STREAM, BACKUP;

    public String jsonName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The producer for a JSON name, or null when there is none. */
    public static Producer fromJson(String name) {
        for (Producer p : values()) {
            if (p.jsonName().equals(name)) {
                return p;
            }
        }
        return null;
    }
}
