/**
 * qemu-img convert (qemu 7.2's img_convert): the sources' block status split into runs, the runs read and written
 * to the target in guest order through the target's own request paths.
 */
package dev.blockstep.engine.convert;
