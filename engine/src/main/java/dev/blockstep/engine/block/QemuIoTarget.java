package dev.blockstep.engine.block;

import dev.blockstep.trace.qemuio.QemuIoCommand;

/** Where qemu-io's commands become requests: a BlockBackend it (or HMP) owns, or an NBD server it is a client of. */
public sealed interface QemuIoTarget permits BlockBackend, NbdServer {

    /** The request coroutine that runs a write, aio_write, read, discard or flush, named as qemu-io's loop names it. */
    RequestCoroutine request(int id, QemuIoCommand c);

    /** The request of qemu-io's {@code write -s FILE}, whose buffer {@code data} was read from the file. */
    RequestCoroutine write(int id, QemuIoCommand.WriteFromFile c, byte[] data);
}
