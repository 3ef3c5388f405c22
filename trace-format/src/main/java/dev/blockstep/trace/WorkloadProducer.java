package dev.blockstep.trace;

import java.util.Locale;

/**
 * The program that issued the workload's requests to the block layer (format version 2). qemu-io and HMP qemu-io
 * share qemu-io's command set but differ in what sits above the BlockBackend; an NBD export's requests come from
 * the NBD server's coroutines, one connection per client.
 *
 * @param tool    the program
 * @param clients how many clients issued requests at once: 1 except for {@link Tool#QEMU_NBD}
 * @param drive   the {@code -drive id} HMP qemu-io ran on, for {@link Tool#HMP_QEMU_IO}; otherwise null
 */
public record WorkloadProducer(Tool tool, int clients, String drive) {

    public enum Tool {
        /** {@code qemu-io IMAGE}: the BlockBackend qemu-io opens itself. */
        QEMU_IO,
        /** {@code human-monitor-command "qemu-io DRIVE ..."} in qemu-system: the drive's BlockBackend. */
        HMP_QEMU_IO,
        /** qemu-nbd serving the image, with NBD clients (qemu-io {@code nbd+unix://}) issuing the requests. */
        QEMU_NBD;

        public String jsonName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** The tool for a JSON name, or null when there is none. */
        public static Tool fromJson(String name) {
            for (Tool t : values()) {
                if (t.jsonName().equals(name)) {
                    return t;
                }
            }
            return null;
        }
    }

    public WorkloadProducer {
        String problem = problem(tool, clients, drive);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** Why these fields make no producer, or null when they do. */
    public static String problem(Tool tool, int clients, String drive) {
        if (tool == null) {
            return "a producer needs a tool";
        }
        if (clients < 1 || (clients > 1 && tool != Tool.QEMU_NBD)) {
            return "expected clients 1 for " + tool.jsonName() + " (only qemu-nbd serves several clients), got "
                    + clients;
        }
        if (drive != null && tool != Tool.HMP_QEMU_IO) {
            return "expected no drive for " + tool.jsonName() + " (only hmp-qemu-io names one)";
        }
        return null;
    }
}
