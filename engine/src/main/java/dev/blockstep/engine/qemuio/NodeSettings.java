package dev.blockstep.engine.qemuio;

import dev.blockstep.engine.qcow2.OptionValues;
import dev.blockstep.engine.qcow2.OptionValues.OptionException;
import dev.blockstep.engine.qcow2.Qcow2RuntimeOptions;
import dev.blockstep.engine.qcow2.format.Header;
import dev.blockstep.trace.NodeOptions.DetectZeroes;
import dev.blockstep.trace.qemuio.QemuOpts;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The options of qemu-io's image node as an open or a reopen leaves them: block.c's own (read-only, discard,
 * detect-zeroes, the cache flags, node-name, driver, the file child's filename and driver) and qcow2's
 * ({@link Qcow2RuntimeOptions}). Options given explicitly stay in force across reopens until a reopen gives them
 * again, as bs->explicit_options does. Anything that would open another driver or protocol is refused in one line
 * naming it, since blockstep runs only qcow2 on the file protocol.
 *
 * @param explicit the options given with -o or --image-opts so far
 * @param unmap    BDRV_O_UNMAP (discard=unmap)
 */
public record NodeSettings(Map<String, String> explicit, boolean readOnly, boolean unmap, DetectZeroes detectZeroes,
                           boolean noFlush, Qcow2RuntimeOptions qcow2) {

    /** block.c's keys (bdrv_runtime_opts and the generic ones bdrv_open_common reads). */
    private static final List<String> GENERIC = List.of("node-name", "driver", "read-only", "auto-read-only",
            "discard", "detect-zeroes", "cache.direct", "cache.no-flush", "force-share");
    /** The file protocol's options blockstep does not model: refused by name. */
    private static final List<String> FILE_OPTIONS = List.of("aio", "aio-max-batch", "locking", "pr-manager",
            "drop-cache", "x-check-cache-dropped", "node-name", "read-only", "auto-read-only", "discard",
            "detect-zeroes", "cache.direct", "cache.no-flush", "force-share");

    public NodeSettings {
        explicit = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(explicit));
    }

    /**
     * bdrv_open of qemu-io's image with {@code opts} (null: none) over qemu-io's flags.
     *
     * @param filename  the file the open names, or null when only file.filename names it
     * @param readOnly  -r
     * @param unmap     BDRV_O_UNMAP from -d (qemu-io's default is on)
     * @param noFlush   BDRV_O_NO_FLUSH from the cache mode
     */
    public static NodeSettings open(QemuOpts opts, Header h, String filename, boolean readOnly, boolean unmap,
                                    boolean noFlush) throws OptionException {
        Map<String, String> given = opts == null ? Map.of() : opts.values();
        Map<String, String> left = new LinkedHashMap<>(given);
        fileChild(left, filename, false);
        NodeSettings s = generic(given, left, h, readOnly, unmap, noFlush);
        if (!readOnly && s.readOnly) {
            throw new OptionException("Block node is read-only");
        }
        for (String key : left.keySet()) {
            throw new OptionException("Block format 'qcow2' does not support the option '" + key + "'");
        }
        return s;
    }

    /**
     * bdrv_reopen with {@code opts} (null: none) on top of the options in force, after qemu-io's own checks of -r/-w
     * and -c against them.
     *
     * @param readOnly -r (true), -w (false), or null
     * @param cache    whether -c was given, and then {@code noFlush} is its BDRV_O_NO_FLUSH
     */
    public NodeSettings reopen(QemuOpts opts, Header h, String filename, Boolean readOnly, boolean cache,
                               boolean noFlush, boolean copyOnRead) throws OptionException {
        Map<String, String> given = opts == null ? Map.of() : opts.values();
        if (given.containsKey("read-only") && readOnly != null) {
            throw new OptionException("Cannot set both -r/-w and 'read-only'");
        }
        if ((given.containsKey("cache.direct") || given.containsKey("cache.no-flush")) && cache) {
            throw new OptionException("Cannot set both -c and the cache options");
        }
        for (String key : List.of("node-name", "driver")) {
            // bdrv_reopen_prepare leaves these to its check that unhandled options keep their values
            String old = key.equals("driver") ? "qcow2" : explicit.get(key);
            if (given.containsKey(key) && !given.get(key).equals(old)) {
                throw new OptionException("Cannot change the option '" + key + "'");
            }
        }
        Map<String, String> merged = joined(given);
        Map<String, String> left = new LinkedHashMap<>(merged);
        fileChild(left, filename, true);
        NodeSettings s = generic(merged, left, h, readOnly != null ? readOnly : this.readOnly, unmap,
                cache ? noFlush : this.noFlush);
        // qemu names a node without a node-name by a number that changes from run to run, which blockstep cannot give
        String node = merged.getOrDefault("node-name", "#block");
        if (copyOnRead && s.readOnly) {
            throw new OptionException("Can't set node '" + node + "' to r/o with copy-on-read enabled");
        }
        if (readOnly == null && s.readOnly && !this.readOnly) {
            // read-only=on without -r leaves qemu-io's BlockBackend asking to write
            throw new OptionException("Read-only block node '" + node + "' cannot support read-write users");
        }
        for (String key : left.keySet()) {
            if (!merged.get(key).equals(explicit.get(key))) {
                throw new OptionException("Cannot change the option '" + key + "'");
            }
        }
        return new NodeSettings(merged, s.readOnly, s.unmap, s.detectZeroes, s.noFlush, s.qcow2);
    }

    /**
     * bdrv_reopen_queue_child's precedence: the new options, then the explicit ones in force, as qcow2_join_options
     * joins them (a new overlap template drops every old overlap key, a new cache-size the old cache sizes, and an old
     * cache-size goes whenever a new one is not given). qemu-io's reopen gives read-only and the cache flags anew.
     */
    private Map<String, String> joined(Map<String, String> given) {
        Map<String, String> old = new LinkedHashMap<>(explicit);
        old.remove("read-only");
        old.remove("cache.direct");
        old.remove("cache.no-flush");
        if (given.containsKey("overlap-check") || given.containsKey("overlap-check.template")) {
            old.keySet().removeIf(k -> k.startsWith("overlap-check"));
        }
        if (given.containsKey("cache-size")) {
            old.remove("l2-cache-size");
            old.remove("refcount-cache-size");
        }
        Map<String, String> merged = new LinkedHashMap<>(old);
        merged.putAll(given);
        boolean anyCacheSize = merged.containsKey("cache-size") || merged.containsKey("l2-cache-size")
                || merged.containsKey("refcount-cache-size");
        if (anyCacheSize && !given.containsKey("cache-size")) {
            merged.remove("cache-size");
        }
        return merged;
    }

    /**
     * What bdrv_open refuses before it opens the file: a boolean of block.c's own that does not parse, or a driver
     * other than qcow2; and what blockstep refuses then: a protocol other than file (blkdebug, nbd...).
     */
    public static void checkBeforeFile(QemuOpts opts) throws OptionException {
        Map<String, String> given = opts == null ? Map.of() : opts.values();
        for (String k : List.of("read-only", "auto-read-only", "cache.direct", "cache.no-flush", "force-share")) {
            OptionValues.bool(given, k, false);
        }
        String driver = given.get("driver");
        if (driver != null && driverRefusal(driver) != null) {
            throw new OptionException(driverRefusal(driver));
        }
        String protocol = given.get("file.driver");
        if (protocol != null && !protocol.equals("file")) {
            throw new OptionException("blockstep io opens files only through the file protocol, not '" + protocol
                    + "'");
        }
    }

    /** The file child's options: its driver must be file and its filename the one opened. */
    private static void fileChild(Map<String, String> left, String filename, boolean reopen) throws OptionException {
        String driver = left.remove("file.driver");
        if (driver != null && !driver.equals("file")) {
            throw new OptionException(reopen ? "Cannot change the option 'driver'"
                    : "blockstep io opens files only through the file protocol, not '" + driver + "'");
        }
        String name = left.remove("file.filename");
        if (name != null && filename != null && !name.equals(filename)) {
            throw new OptionException(reopen ? "Cannot change the option 'filename'"
                    : "blockstep io: the file name and file.filename differ ('" + filename + "', '" + name + "')");
        }
        for (String key : List.copyOf(left.keySet())) {
            if (!key.startsWith("file.")) {
                continue;
            }
            String option = key.substring(5);
            if (reopen) {
                throw new OptionException("Cannot change the option '" + option + "'");
            }
            throw new OptionException(FILE_OPTIONS.contains(option)
                    ? "blockstep io does not model the file protocol's option '" + option + "'"
                    : "Block protocol 'file' doesn't support the option '" + option + "'");
        }
    }

    /** bdrv_open_common's own options, then the driver's; {@code left} loses the keys they take. */
    private static NodeSettings generic(Map<String, String> given, Map<String, String> left, Header h,
                                        boolean readOnly, boolean unmap, boolean noFlush) throws OptionException {
        checkBeforeFile(new QemuOpts(given, List.of()));
        String discard = given.get("discard");
        if (discard != null) {
            switch (discard) {
                case "ignore", "off" -> unmap = false;
                case "unmap", "on" -> unmap = true;
                default -> throw new OptionException("Invalid discard option");
            }
        }
        DetectZeroes dz = DetectZeroes.OFF;
        String detect = given.get("detect-zeroes");
        if (detect != null) {
            dz = switch (detect) {
                case "off" -> DetectZeroes.OFF;
                case "on" -> DetectZeroes.ON;
                case "unmap" -> DetectZeroes.UNMAP;
                default -> throw new OptionException("invalid parameter value: " + detect);
            };
            if (dz == DetectZeroes.UNMAP && !unmap) {
                throw new OptionException("setting detect-zeroes to unmap is not allowed without setting discard "
                        + "operation to unmap");
            }
        }
        GENERIC.forEach(left::remove);
        Qcow2RuntimeOptions qcow2 = Qcow2RuntimeOptions.of(given, h, unmap);
        Qcow2RuntimeOptions.KEYS.forEach(left::remove);
        return new NodeSettings(given, OptionValues.bool(given, "read-only", readOnly), unmap, dz,
                OptionValues.bool(given, "cache.no-flush", noFlush), qcow2);
    }

    /** Why blockstep io does not open an image with {@code driver} (qemu's line for one it does not know), or null. */
    public static String driverRefusal(String driver) {
        if (driver.equals("qcow2")) {
            return null;
        }
        return KNOWN_DRIVERS.contains(driver) ? "blockstep io opens only qcow2 images, not '" + driver + "'"
                : "Unknown driver '" + driver + "'";
    }

    /** Drivers qemu 7.2 knows that blockstep io does not open. */
    private static final List<String> KNOWN_DRIVERS = List.of("raw", "file", "qcow", "qed", "vmdk", "vdi", "vpc",
            "vhdx", "parallels", "luks", "dmg", "bochs", "cloop", "vvfat", "blkdebug", "blkverify", "quorum",
            "null-co", "null-aio", "nbd", "throttle", "copy-on-read", "compress", "preallocate", "replication",
            "host_device", "host_cdrom", "nfs", "ssh", "iscsi", "http", "https", "ftp", "ftps", "snapshot-access");
}
