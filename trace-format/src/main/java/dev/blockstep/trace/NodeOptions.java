package dev.blockstep.trace;

import java.util.Locale;

/**
 * Options of the qcow2 node the workload ran on (format version 2), as {@code -drive} or qemu-nbd spell them. A
 * null field was not stated: qemu's default applies ({@code discard=ignore}, {@code detect-zeroes=off}, and the
 * producer's own cache default).
 */
public record NodeOptions(Discard discard, DetectZeroes detectZeroes, Cache cache) {

    /** {@code discard=}: whether a discard (and a zero write's unmap through bdrv_co_pwrite_zeroes) may unmap. */
    public enum Discard { IGNORE, UNMAP }

    /** {@code detect-zeroes=}: whether an all-zero data write becomes a zero write (with unmap for UNMAP). */
    public enum DetectZeroes { OFF, ON, UNMAP }

    /** {@code cache=}: the BlockBackend's write cache and the protocol node's O_DIRECT / flush behaviour. */
    public enum Cache { NONE, WRITEBACK, WRITETHROUGH, DIRECTSYNC, UNSAFE }

    public static boolean isEmpty(NodeOptions o) {
        return o == null || (o.discard == null && o.detectZeroes == null && o.cache == null);
    }

    /** The JSON spelling of an option value: lower case. */
    public static String jsonName(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /** Every JSON spelling of {@code type}'s values, for error messages: "off, on, unmap". */
    public static String choices(Class<? extends Enum<?>> type) {
        return java.util.Arrays.stream(type.getEnumConstants()).map(NodeOptions::jsonName)
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** The constant of {@code type} whose JSON spelling is {@code name}, or null. */
    public static <E extends Enum<E>> E fromJson(Class<E> type, String name) {
        for (E e : type.getEnumConstants()) {
            if (jsonName(e).equals(name)) {
                return e;
            }
        }
        return null;
    }
}
