package dev.blockstep.trace.io;

import dev.blockstep.trace.FixSetting;
import dev.blockstep.trace.ScheduleEntry;
import java.nio.file.Path;

/** Run in a child JVM by {@link LargeTraceTest}: opens a trace, streams its schedule and prints a digest. */
public final class StreamScheduleMain {

    private StreamScheduleMain() {
    }

    public static void main(String[] args) throws Exception {
        TraceFile file = TraceReader.open(Path.of(args[0]));
        long n = 0;
        long hash = 0;
        try (TraceFile.ScheduleStream s = file.schedule()) {
            for (ScheduleEntry e = s.next(); e != null; e = s.next()) {
                hash = hash * 31 + e.hashCode();
                n++;
            }
        }
        System.out.println("entries=" + n + " hash=" + hash + " flips=" + file.header().fix().changes().stream().map(FixSetting.Change::step).toList());
    }
}
