package dev.blockstep.trace.qemuio;

import java.util.List;

/** qemu-io's write and aio_write as write_f and aio_write_f read their options, in their order of checks. */
final class WriteCommand {
    private WriteCommand() {
    }

    /** write_f: getopt, then its checks in its order, then the operands. */
    static QemuIoCommand write(List<String> args, String where) throws QemuIoSyntaxException {
        QemuIoParser.atLeast("write", args, 2, where);
        Getopt g = Getopt.parse("write", args, "bcCfnpP:qs:uz", where,
                "write [-bcCfnquz] [-P pattern | -s source_file] off len -- writes a number of bytes at a specified offset",
                (c, v) -> patternHook(c, v, where));
        // -p is accepted and ignored, for backwards compatibility
        if (g.operands.size() != 2) {
            throw new QemuIoSyntaxException(where, g.usage, false);
        }
        boolean zero = g.has('z');
        boolean compressed = g.has('c');
        boolean vmstate = g.has('b');
        if (vmstate && zero) {
            throw new QemuIoSyntaxException(where, "-b and -z cannot be specified at the same time", false);
        }
        if (g.has('f') && (compressed || vmstate)) {
            throw new QemuIoSyntaxException(where, "-f and -b or -c cannot be specified at the same time", false);
        }
        if (g.has('n') && !zero) {
            throw new QemuIoSyntaxException(where, "-n requires -z to be specified", false);
        }
        if (g.has('u') && !zero) {
            throw new QemuIoSyntaxException(where, "-u requires -z to be specified", false);
        }
        if ((zero ? 1 : 0) + (g.has('P') ? 1 : 0) + (g.has('s') ? 1 : 0) > 1) {
            throw new QemuIoSyntaxException(where, "Only one of -z, -P, and -s can be specified at the same time", false);
        }
        long offset = QemuIoParser.number(g.operands.get(0), where);
        String len = g.operands.get(1);
        long length = QemuIoParser.number(len, where);
        if (length > QemuIoParser.REQUEST_MAX_BYTES && !g.has('n')) {
            throw new QemuIoSyntaxException(where, "length cannot exceed " + QemuIoParser.REQUEST_MAX_BYTES
                    + " without -n, given "
                    + len, false);
        }
        if (compressed || vmstate) {
            sectorAligned(offset, "offset", where);
            sectorAligned(length, "count", where);
        }
        if (g.has('s') && (compressed || vmstate)) {
            // qemu-io would read the file here and save or compress it; blockstep fills only plain writes from a file
            throw new QemuIoSyntaxException(where, "blockstep io: write -s with -b or -c is not supported (write -s "
                    + "alone is)", true);
        }
        if (g.has('s')) {
            return new QemuIoCommand.WriteFromFile(offset, length, g.value('s'), g.has('q'), g.has('C'));
        }
        int pattern = g.has('P') ? QemuIoParser.pattern(g.value('P'), where) : QemuIoCommand.DEFAULT_WRITE_PATTERN;
        boolean quiet = g.has('q');
        boolean parsable = g.has('C');
        if (vmstate) {
            // -b wins over -c: write_f saves VM state first
            return new QemuIoCommand.SaveVmstate(offset, length, pattern, quiet, parsable);
        }
        if (compressed && !zero) {
            // -z wins over -c: write_f tries the zero write first
            return new QemuIoCommand.WriteCompressed(offset, length, pattern, quiet, parsable);
        }
        return new QemuIoCommand.Write(offset, length, pattern, zero, g.has('u'), quiet, parsable, g.has('n'));
    }

    /**
     * aio_write_f. It never sets ctx->Pflag, so -z with -P is not refused (the zero write wins); the length of a
     * zero write is not checked against the request limit here: the block layer fails it with -EIO.
     */
    static QemuIoCommand aioWrite(List<String> args, String where) throws QemuIoSyntaxException {
        QemuIoParser.atLeast("aio_write", args, 2, where);
        Getopt g = Getopt.parse("aio_write", args, "CfiqP:uz", where,
                "aio_write [-Cfiquz] [-P pattern] off len [len..] -- asynchronously writes a number of bytes",
                (c, v) -> c == 'i' || patternHook(c, v, where));
        if (g.stoppedAt == 'i') {
            return new QemuIoCommand.InvalidRequest(true);
        }
        if (g.operands.size() < 2) {
            throw new QemuIoSyntaxException(where, g.usage, false);
        }
        boolean zero = g.has('z');
        if (zero && g.operands.size() != 2) {
            throw new QemuIoSyntaxException(where, "-z supports only a single length parameter", false);
        }
        if (g.has('u') && !zero) {
            throw new QemuIoSyntaxException(where, "-u requires -z to be specified", false);
        }
        long offset = QemuIoParser.number(g.operands.get(0), where);
        long length = zero ? QemuIoParser.number(g.operands.get(1), where)
                : QemuIoParser.vectorLength(g.operands, where);
        int pattern = g.has('P') ? QemuIoParser.pattern(g.value('P'), where) : QemuIoCommand.DEFAULT_WRITE_PATTERN;
        return new QemuIoCommand.AioWrite(offset, length, pattern, zero, g.has('u'), g.has('q'), g.has('C'));
    }

    /** parse_pattern, run as getopt returns -P. */
    static boolean patternHook(char option, String value, String where) throws QemuIoSyntaxException {
        if (option == 'P') {
            QemuIoParser.pattern(value, where);
        }
        return false;
    }

    /** write_f's check for -b and -c: "N is not a sector-aligned value for 'offset'" (or 'count'). */
    static void sectorAligned(long value, String what, String where) throws QemuIoSyntaxException {
        if (value % 512 != 0) {
            throw new QemuIoSyntaxException(where, value + " is not a sector-aligned value for '" + what + "'", false);
        }
    }
}
