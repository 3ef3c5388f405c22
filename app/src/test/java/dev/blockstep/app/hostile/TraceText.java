package dev.blockstep.app.hostile;

import java.util.List;
import java.util.stream.Collectors;

/** Hand-written trace JSON for hostile cases (written as text on purpose: the cases must reach the reader). */
final class TraceText {

    private TraceText() {
    }

    static String fresh(long virtualSize, List<String> workload) {
        return trace("\"virtualSize\": " + virtualSize + ", \"clusterSize\": 65536", workload, null);
    }

    /** The minimal race's image: guest cluster 0 made ZERO_ALLOC by a setup session, so the race corrupts. */
    static String raceImage() {
        return "\"virtualSize\": 16777216, \"clusterSize\": 65536, \"setup\": ["
                + "{\"op\": \"write\", \"offset\": 0, \"bytes\": 65536, \"pattern\": 17}, "
                + "{\"op\": \"write\", \"offset\": 0, \"bytes\": 65536, \"zero\": true}]";
    }

    static String race(String image) {
        return trace(image, race(), null);
    }

    static String base(String path, List<String> workload) {
        return trace("\"base\": \"" + path + "\"", workload, null);
    }

    static String trace(String image, List<String> workload, List<String> schedule) {
        StringBuilder b = new StringBuilder("{\"formatVersion\": 1, \"metadata\": {\"title\": \"hostile\"},\n");
        b.append("\"image\": {").append(image).append("},\n\"workload\": [\n  ");
        b.append(String.join(",\n  ", workload)).append("\n]");
        if (schedule != null) {
            b.append(",\n\"schedule\": [").append(schedule.stream().map(s -> "\"" + s + "\"")
                    .collect(Collectors.joining(", "))).append("]");
        }
        return b.append(",\n\"fix\": {\"initial\": false, \"flips\": []}}\n").toString();
    }

    static String write(String co, long offset, long bytes, int pattern) {
        return "{\"op\": \"write\", \"co\": \"" + co + "\", \"offset\": " + offset + ", \"bytes\": " + bytes
                + ", \"pattern\": " + pattern + "}";
    }

    static String aioWrite(String co, long offset, long bytes, int pattern) {
        return write(co, offset, bytes, pattern).replace("\"write\"", "\"aio_write\"");
    }

    static String aioZero(String co, long offset, long bytes) {
        return "{\"op\": \"aio_write\", \"co\": \"" + co + "\", \"offset\": " + offset + ", \"bytes\": " + bytes
                + ", \"zero\": true, \"unmap\": true}";
    }

    static String aioFlush() {
        return "{\"op\": \"aio_flush\"}";
    }

    /** The minimal race on a workload of two requests on guest cluster 0. */
    static List<String> race() {
        return List.of(aioWrite("w0", 0, 65536, 0x22), aioZero("z1", 0, 65536), aioFlush());
    }
}
