package dev.blockstep.engine.block;

import java.util.ArrayList;
import java.util.List;

/** qemu-io's dump_buffer (read -v): 16 bytes a line, hex then the printable ones, at the guest offset. */
final class HexDump {
    private HexDump() {
    }

    static List<String> lines(byte[] data, long offset) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < data.length; i += 16) {
            int n = Math.min(16, data.length - i);
            StringBuilder sb = new StringBuilder(String.format("%08x:  ", offset + i));
            for (int j = 0; j < n; j++) {
                sb.append(String.format("%02x ", data[i + j] & 0xff));
            }
            sb.append(' ');
            for (int j = 0; j < n; j++) {
                int ch = data[i + j] & 0xff;
                // isalnum in the C locale
                boolean alnum = ch >= '0' && ch <= '9' || ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z';
                sb.append(alnum ? (char) ch : '.');
            }
            out.add(sb.toString());
        }
        return out;
    }
}
