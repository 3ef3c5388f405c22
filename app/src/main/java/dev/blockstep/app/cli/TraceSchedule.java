package dev.blockstep.app.cli;

import dev.blockstep.engine.explore.ScenarioException;
import dev.blockstep.trace.ScheduleEntry;
import dev.blockstep.trace.io.TraceFile;
import dev.blockstep.trace.io.TraceFormatException;
import dev.blockstep.trace.io.TraceReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A trace file's recorded schedule, read with the streaming reader. */
record TraceSchedule(List<ScheduleEntry> entries) {
    static TraceSchedule read(Path p) throws ScenarioException {
        List<ScheduleEntry> l = new ArrayList<>();
        try {
            TraceFile f = TraceReader.open(p);
            try (TraceFile.ScheduleStream s = f.schedule()) {
                for (ScheduleEntry e = s.next(); e != null; e = s.next()) {
                    l.add(e);
                }
            }
        } catch (TraceFormatException e) {
            throw new ScenarioException(e.getMessage());
        }
        return new TraceSchedule(l);
    }
}
