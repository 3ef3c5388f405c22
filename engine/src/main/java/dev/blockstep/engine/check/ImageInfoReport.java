package dev.blockstep.engine.check;

import dev.blockstep.engine.qcow2.format.FormatSpecificInfo;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * {@code qemu-img info}'s report on one image (qemu's ImageInfo), printed as bdrv_image_info_dump or as qemu's
 * pretty JSON, whose members come in QDict order.
 *
 * @param format       "qcow2" or "raw"
 * @param clusterSize  0 when the format has none (raw)
 * @param actualSize   the bytes the host file system allocates for the file, when known
 * @param backing      the backing file's names, or null
 * @param specific     qcow2's format-specific information, or null
 */
public record ImageInfoReport(String filename, String format, long virtualSize, long clusterSize,
                              OptionalLong actualSize, boolean dirty, Backing backing, FormatSpecificInfo specific) {

    /**
     * @param filename     as the header stores it
     * @param fullFilename path_combine of the image's name and {@code filename}: where qemu looks for it
     * @param format       the backing format extension's value, or null
     */
    public record Backing(String filename, String fullFilename, String format) {
    }

    /** bdrv_image_info_dump. */
    public List<String> humanLines() {
        List<String> out = new ArrayList<>();
        out.add("image: " + filename);
        out.add("file format: " + format);
        out.add("virtual size: " + sizeToStr(virtualSize) + " (" + virtualSize + " bytes)");
        out.add("disk size: " + (actualSize.isPresent() ? sizeToStr(actualSize.getAsLong()) : "unavailable"));
        if (clusterSize > 0) {
            out.add("cluster_size: " + clusterSize);
        }
        if (dirty) {
            out.add("cleanly shut down: no");
        }
        if (backing != null) {
            out.add("backing file: " + backing.filename() + (backing.filename().equals(backing.fullFilename()) ? ""
                    : " (actual path: " + backing.fullFilename() + ")"));
            if (backing.format() != null) {
                out.add("backing file format: " + backing.format());
            }
        }
        if (specific != null) {
            out.add("Format specific information:");
            out.addAll(specific.humanLines());
        }
        return out;
    }

    /** qemu-img info --output json for one image: the object, then a newline. */
    public String json() {
        return pretty(members(), "") + "\n";
    }

    /** qemu-img info --backing-chain --output json: the list of every image's object. */
    public static String json(List<ImageInfoReport> chain) {
        List<String> items = new ArrayList<>();
        for (ImageInfoReport r : chain) {
            items.add("    " + pretty(r.members(), "    "));
        }
        return "[\n" + String.join(",\n", items) + "\n]\n";
    }

    /** The QAPI visitor's members, in ImageInfo's declaration order (QDict order is applied when printing). */
    private Map<String, Object> members() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("filename", filename);
        m.put("format", format);
        m.put("dirty-flag", dirty);
        actualSize.ifPresent(a -> m.put("actual-size", a));
        m.put("virtual-size", virtualSize);
        if (clusterSize > 0) {
            m.put("cluster-size", clusterSize);
        }
        if (backing != null) {
            m.put("backing-filename", backing.filename());
            m.put("full-backing-filename", backing.fullFilename());
            if (backing.format() != null) {
                m.put("backing-filename-format", backing.format());
            }
        }
        if (specific != null) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("compat", specific.v2() ? "0.10" : "1.1");
            if (!specific.v2()) {
                data.put("extended-l2", specific.extendedL2());
                data.put("lazy-refcounts", specific.lazyRefcounts());
                data.put("corrupt", specific.corrupt());
            }
            data.put("refcount-bits", (long) specific.refcountBits());
            data.put("compression-type", "zlib");
            Map<String, Object> fs = new LinkedHashMap<>();
            fs.put("type", "qcow2");
            fs.put("data", data);
            m.put("format-specific", fs);
        }
        return m;
    }

    /** qobject_to_json_pretty of a dict at {@code indent}: four spaces more for each level. */
    @SuppressWarnings("unchecked")
    private static String pretty(Map<String, Object> dict, String indent) {
        List<String> lines = new ArrayList<>();
        for (String key : QDictOrder.iterationOrder(new ArrayList<>(dict.keySet()))) {
            Object v = dict.get(key);
            String value = v instanceof Map<?, ?> nested ? pretty((Map<String, Object>) nested, indent + "    ")
                    : v instanceof String s ? CheckReport.quote(s) : String.valueOf(v);
            lines.add(indent + "    " + CheckReport.quote(key) + ": " + value);
        }
        return "{\n" + String.join(",\n", lines) + "\n" + indent + "}";
    }

    /**
     * qemu's size_to_str: the largest binary unit that keeps the figure below 1000, printed with printf's
     * {@code %0.3g} (three significant digits, trailing zeros dropped).
     */
    public static String sizeToStr(long val) {
        double scaled = val / (1000.0 / 1024.0);
        // frexp's exponent: scaled lies in [2^(e-1), 2^e)
        int e = scaled == 0 ? 0 : Math.getExponent(scaled) + 1;
        int shift = (e - 1) / 10 * 10;
        String[] prefixes = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
        return g3(val / (double) (1L << shift)) + " " + prefixes[shift / 10] + "B";
    }

    /** printf's %0.3g for a non-negative double, rounding its exact binary value half to even as glibc does. */
    static String g3(double v) {
        if (v == 0) {
            return "0";
        }
        BigDecimal r = new BigDecimal(v).round(new MathContext(3, RoundingMode.HALF_EVEN));
        int exponent = r.precision() - r.scale() - 1;
        if (exponent < -4 || exponent >= 3) {
            BigDecimal mantissa = r.movePointLeft(exponent).stripTrailingZeros();
            String ex = String.format("%02d", Math.abs(exponent));
            return mantissa.toPlainString() + "e" + (exponent < 0 ? "-" : "+") + ex;
        }
        String plain = r.setScale(Math.max(0, 2 - exponent), RoundingMode.UNNECESSARY).toPlainString();
        if (plain.contains(".")) {
            plain = plain.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return plain;
    }
}
