package dev.blockstep.trace.qemulog;

import dev.blockstep.trace.importer.ImportException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A log as qemu wrote it, split into the lines the importer interprets (block-job events among them) and a count
 * of the rest: events of other families (blk_*, nbd_*, ...) and qemu-io's own output. A few NBD events are read for
 * what they say about the producer: how many clients negotiated, and how many TRIM requests arrived.
 */
final class RawLog {

    private static final Pattern NBD_REQUEST = Pattern.compile(".*\\.flags = (0x[0-9a-f]+), \\.type = (0x[0-9a-f]+), "
            + "from = ([0-9]+), len = ([0-9]+) }");
    /** NBD_CMD_FLAG_FUA in an NBD request's flags. */
    private static final int NBD_CMD_FLAG_FUA = 1;
    private static final int NBD_CMD_TRIM = 4;

    final List<LogLine> used = new ArrayList<>();
    /** Event family ("nbd_*") to how many of its lines were skipped. */
    final Map<String, Integer> skipped = new TreeMap<>();
    int qemuIoOutput;
    int nbdClients;
    /** Every NBD TRIM request the server received, in log order. */
    final List<NbdTrim> nbdTrims = new ArrayList<>();
    long total;

    /** An NBD_CMD_TRIM as nbd_receive_request printed it: its log line and byte range. */
    record NbdTrim(long line, long offset, long bytes, boolean fua) {
    }

    private RawLog() {
    }

    /** Parses a log's text; blank lines are skipped, anything else must parse. */
    static RawLog read(String text, String source) throws ImportException {
        RawLog log = new RawLog();
        String[] raw = text.split("\n", -1);
        for (int i = 0; i < raw.length; i++) {
            String line = raw[i].endsWith("\r") ? raw[i].substring(0, raw[i].length() - 1) : raw[i];
            if (line.isBlank()) {
                continue;
            }
            log.total++;
            LogLine l = LogLineParser.parse(line, source, i + 1);
            switch (l.kind()) {
                case TRACE, STDERR, JOB -> log.used.add(l);
                case QEMU_IO_OUTPUT -> log.qemuIoOutput++;
                case OTHER -> log.other(l);
            }
        }
        if (log.total == 0) {
            throw new ImportException(source, 1, "expected qemu trace events, got an empty log");
        }
        if (log.used.stream().noneMatch(l -> l.kind() == LogLine.Kind.TRACE)) {
            throw new ImportException(source, 1, "expected qcow2_*, qemu_co_mutex*, bdrv_co_* or thread_pool_* "
                    + "events of qemu 7.2 among the " + log.total + " lines, found none (capture with -T 'qcow2_*' "
                    + "-T 'qemu_co_mutex*' -T 'bdrv_co_*' -T 'thread_pool_*')");
        }
        return log;
    }

    private void other(LogLine l) {
        String event = l.event();
        int cut = event.indexOf('_');
        skipped.merge(cut < 0 ? event : event.substring(0, cut + 1) + "*", 1, Integer::sum);
        if (event.equals("nbd_negotiate_success")) {
            nbdClients++;
        }
        if (event.equals("nbd_receive_request")) {
            Matcher m = NBD_REQUEST.matcher(l.args());
            if (m.matches() && Integer.decode(m.group(2)) == NBD_CMD_TRIM) {
                nbdTrims.add(new NbdTrim(l.line(), Long.parseLong(m.group(3)), Long.parseLong(m.group(4)),
                        (Integer.decode(m.group(1)) & NBD_CMD_FLAG_FUA) != 0));
            }
        }
    }

    boolean isNbd() {
        return nbdClients > 0;
    }

    /** One line: how much of the log was used, and what was skipped. */
    String summary() {
        StringBuilder b = new StringBuilder("used " + used.size() + " of " + total + " lines");
        if (!skipped.isEmpty() || qemuIoOutput > 0) {
            b.append("; skipped");
            String sep = " ";
            for (Map.Entry<String, Integer> e : skipped.entrySet()) {
                b.append(sep).append(e.getValue()).append(' ').append(e.getKey());
                sep = ", ";
            }
            if (qemuIoOutput > 0) {
                b.append(sep).append(qemuIoOutput).append(" lines of qemu-io output");
            }
        }
        return b.toString();
    }
}
