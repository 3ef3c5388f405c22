package dev.blockstep.engine.block;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Command to coroutine, as qemu-io's loop issued them: the one record of which coroutine runs which workload
 * command and under which name. Only {@link QemuIoMain} adds to it; everyone else reads it, so a command that
 * ran in no request coroutine (refused, aio_flush) can never shift another command's name.
 */
public final class CommandMap {
    private final List<IssuedCommand> issued = new ArrayList<>();
    /** Command index of each request coroutine, by coroutine id; -1 for ids that run no command. */
    private int[] commandOf = new int[16];
    /** A headless run forgets a command once its request has finished (its entry becomes null). */
    private boolean forgetful;

    CommandMap() {
        Arrays.fill(commandOf, -1);
    }

    /** A map holding {@code entries}, for qemu-io's loop rebuilt at a checkpoint. */
    public static CommandMap of(List<IssuedCommand> entries) {
        CommandMap m = new CommandMap();
        entries.forEach(m::add);
        return m;
    }

    /** From now on a command is forgotten once it has finished, so a run of any length keeps only those running. */
    void forgetFinished() {
        forgetful = true;
    }

    void add(IssuedCommand e) {
        if (e.index() != issued.size()) {
            throw new IllegalStateException("command " + e.index() + " issued after " + issued.size() + " commands");
        }
        issued.add(forgetful && !e.hasRequest() ? null : e);
        if (e.hasRequest()) {
            if (e.coroutine() >= commandOf.length) {
                int old = commandOf.length;
                commandOf = Arrays.copyOf(commandOf, Math.max(e.coroutine() + 1, old * 2));
                Arrays.fill(commandOf, old, commandOf.length, -1);
            }
            commandOf[e.coroutine()] = e.index();
        }
    }

    /** Number of commands issued so far. */
    public int size() {
        return issued.size();
    }

    /** Command {@code index} has finished; a forgetful map drops it. */
    void finished(int index) {
        if (forgetful) {
            issued.set(index, null);
        }
    }

    /**
     * The entry of command {@code index}, which must have been issued; null when it was forgotten (see
     * {@link #forgetFinished}).
     */
    public IssuedCommand command(int index) {
        return issued.get(index);
    }

    /** Every command issued so far and not forgotten, in command order. */
    public List<IssuedCommand> all() {
        return issued.stream().filter(e -> e != null).toList();
    }

    /** The command request coroutine {@code id} runs, or null when it runs none (qemu-io's loop, an unknown id). */
    public IssuedCommand ofCoroutine(int id) {
        int i = id >= 0 && id < commandOf.length ? commandOf[id] : -1;
        return i < 0 ? null : issued.get(i);
    }
}
