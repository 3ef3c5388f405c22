package dev.blockstep.engine.qcow2;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * qemu-img map: the guest range in runs of one block status, each from the shallowest layer of the chain that
 * answers for it (get_block_status), merged as qemu-img merges neighbours (entry_mergeable). Reads only.
 */
public final class ImageMap {

    /** One MapEntry; {@code offset} and {@code filename} only where the data has a host offset. */
    public record Entry(long start, long length, int depth, boolean present, boolean zero, boolean data,
                        OptionalLong offset, String filename) {
        boolean mergeableWith(Entry next) {
            return depth == next.depth && present == next.present && zero == next.zero && data == next.data
                    && offset.isPresent() == next.offset.isPresent()
                    && (offset.isEmpty() || offset.getAsLong() + length == next.offset.getAsLong())
                    && java.util.Objects.equals(filename, next.filename);
        }

        Entry longer(long by) {
            return new Entry(start, length + by, depth, present, zero, data, offset, filename);
        }
    }

    /** A layer of the chain and the file name qemu gives it. */
    private record Layer(BackingImage image, String filename) {
    }

    private final List<Layer> layers = new ArrayList<>();

    private ImageMap(Qcow2Driver top, String name) {
        BackingImage image = new BackingImage.Qcow2(top);
        String filename = name;
        while (true) {
            layers.add(new Layer(image, filename));
            if (!(image instanceof BackingImage.Qcow2 q) || q.driver().backingImage() == null) {
                break;
            }
            filename = combine(filename, q.driver().backingFile().name());
            image = q.driver().backingImage();
        }
    }

    /** The entries over [start, start+maxLength) of the image {@code top} opened under {@code name}, clipped to its size. */
    public static List<Entry> map(Qcow2Driver top, String name, long start, long maxLength) {
        ImageMap m = new ImageMap(top, name);
        long end = Math.min(top.size(), start + Math.min(maxLength, Long.MAX_VALUE - start));
        List<Entry> out = new ArrayList<>();
        for (long off = start; off < end; ) {
            Entry e = m.status(0, off, end - off);
            int last = out.size() - 1;
            if (last >= 0 && out.get(last).mergeableWith(e)) {
                out.set(last, out.get(last).longer(e.length()));
            } else {
                out.add(e);
            }
            off += e.length();
        }
        if (out.isEmpty()) {
            // qemu-img starts from an empty entry at the start offset and prints it when nothing follows
            out.add(new Entry(start, 0, 0, false, false, false, OptionalLong.empty(), null));
        }
        return out;
    }

    /**
     * qemu-img map's human table: the runs of data with a host offset. It stops, as qemu does, at the first run
     * of data without one (a compressed cluster): {@code failed} then says qemu-img prints its error and exits 1.
     */
    public record HumanTable(List<String> lines, boolean failed) {
    }

    public static HumanTable human(List<Entry> entries) {
        List<String> out = new ArrayList<>();
        out.add(String.format("%-16s%-16s%-16s%s", "Offset", "Length", "Mapped to", "File"));
        for (Entry e : entries) {
            if (e.data() && e.offset().isEmpty()) {
                return new HumanTable(out, true);
            }
            if (e.data() && !e.zero()) {
                out.add(String.format("%-16s%-16s%-16s%s", hex(e.start()), hex(e.length()),
                        hex(e.offset().orElse(0)), e.filename() == null ? "" : e.filename()));
            }
        }
        return new HumanTable(out, false);
    }

    /** qemu-img map --output=json, one entry a line, as qemu prints it. */
    public static String json(List<Entry> entries) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            sb.append(i == 0 ? "" : ",\n").append("{ \"start\": ").append(e.start()).append(", \"length\": ")
                    .append(e.length()).append(", \"depth\": ").append(e.depth()).append(", \"present\": ")
                    .append(e.present()).append(", \"zero\": ").append(e.zero()).append(", \"data\": ")
                    .append(e.data());
            e.offset().ifPresent(o -> sb.append(", \"offset\": ").append(o));
            sb.append('}');
        }
        return sb.append("]\n").toString();
    }

    /** get_block_status from layer {@code depth} down, for at most {@code max} bytes at {@code off}. */
    private Entry status(int depth, long off, long max) {
        Layer layer = layers.get(depth);
        long len = Math.min(max, layer.image().size() - off);
        if (layer.image() instanceof BackingImage.Raw raw) {
            // file-posix: data at the same offset of the file, a hole reads as zero
            boolean zero = raw.blockStatusZero(off, len);
            return new Entry(off, len, depth, true, zero, !zero, OptionalLong.of(off), layer.filename());
        }
        Qcow2Driver d = ((BackingImage.Qcow2) layer.image()).driver();
        BackingImage below = d.backingImage();
        if (below == null) {
            long next = d.clusters().nextWithL2Table(off);
            if (next > off) {
                return new Entry(off, Math.min(len, next - off), depth, false, true, false, OptionalLong.empty(), null);
            }
        }
        long cs = d.clusterSize();
        len = Math.min(len, (off / cs + 1) * cs - off);
        Qcow2Clusters.GuestMapping m = d.clusters().map(0, off);
        long host = m.hostClusterOffset() + off % cs;
        return switch (m.type()) {
            case NORMAL -> new Entry(off, len, depth, true, false, true, OptionalLong.of(host), layer.filename());
            case ZERO_ALLOC -> new Entry(off, len, depth, true, true, false, OptionalLong.of(host), layer.filename());
            case ZERO_PLAIN -> new Entry(off, len, depth, true, true, false, OptionalLong.empty(), null);
            case COMPRESSED -> new Entry(off, len, depth, true, false, true, OptionalLong.empty(), null);
            case UNALLOCATED -> below == null || off >= below.size()
                    ? new Entry(off, len, depth, false, true, false, OptionalLong.empty(), null)
                    : status(depth + 1, off, Math.min(len, below.size() - off));
        };
    }

    /** path_combine: a relative backing name is taken from the directory of the image that names it. */
    public static String combine(String image, String link) {
        if (link.startsWith("/")) {
            return link;
        }
        int slash = image.lastIndexOf('/');
        return slash < 0 ? link : image.substring(0, slash + 1) + link;
    }

    /** printf's %#x: 0 without the prefix. */
    private static String hex(long v) {
        return v == 0 ? "0" : "0x" + Long.toHexString(v);
    }
}
