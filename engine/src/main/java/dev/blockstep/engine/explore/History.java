package dev.blockstep.engine.explore;

import dev.blockstep.engine.block.CommandMap;
import dev.blockstep.engine.image.HostFile;

/**
 * What the data oracle needs to know about a run: which coroutine ran each command, when each request began and
 * ended, what reads returned.
 */
public interface History {

    /** Which coroutine ran each command issued so far, as qemu-io's loop recorded it. */
    CommandMap commands();

    /** Step index at which coroutine {@code co}'s request began, or null if it never did. */
    Long beganAt(int co);

    /** Step index at which it completed, or null while in flight. */
    Long endedAt(int co);

    /** What a completed read returned, or null. */
    byte[] readResult(int co);

    /** The image once every request has completed, or null before that. */
    HostFile finalImage();
}
