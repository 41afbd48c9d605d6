package org.ratiofit.ratio.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The header of a NumPy {@code .npy} array seen as a table of records: where each named column's
 * value of event {@code i} lies in the data. A structured array has one field per column; a 2-D
 * array {@code (n, k)} has k columns of the same dtype; a 1-D array is one column. Parsing reads
 * only the header, so column names and the event count come without reading the data.
 */
final class NpyLayout {

    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    private static final Pattern FIELD = Pattern.compile(
            "\\(\\s*'([^']*)'\\s*,\\s*'([^']*)'\\s*(,\\s*\\(([^)]*)\\)\\s*)?\\)");

    /** One column: its byte offset within a record, its dtype kind ('f', 'i', 'u', 'b') and width. */
    record Field(String name, int offset, char kind, int width, boolean bigEndian) {}

    final String source;
    final long dataStart;
    final long rows;
    final int stride;           // bytes per record (C order)
    final boolean fortran;      // column-major 2-D: column j starts at dataStart + j * rows * width
    final List<Field> fields;

    private NpyLayout(String source, long dataStart, long rows, int stride, boolean fortran, List<Field> fields) {
        this.source = source;
        this.dataStart = dataStart;
        this.rows = rows;
        this.stride = stride;
        this.fortran = fortran;
        this.fields = fields;
    }

    List<String> names() {
        List<String> out = new ArrayList<>();
        for (Field f : fields) {
            out.add(f.name());
        }
        return out;
    }

    Field field(String name) {
        for (Field f : fields) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new EventFileException(EventTable.missingColumnMessage(source, name, names()));
    }

    /**
     * Parses the header at the start of {@code in}. {@code columnNames} names the columns of a 2-D
     * (or 1-D) plain array; null for a structured array (names from the dtype). {@code defaultName}
     * names the single column of a 1-D plain array when no names are given.
     */
    static NpyLayout parse(InputStream in, String source, List<String> columnNames, String defaultName, String sideFile)
            throws IOException {
        byte[] pre = in.readNBytes(10);
        if (pre.length < 10 || (pre[0] & 0xff) != 0x93 || pre[1] != 'N' || pre[2] != 'U' || pre[3] != 'M'
                || pre[4] != 'P' || pre[5] != 'Y') {
            throw new EventFileException(source + ": not a .npy file (bad magic string)");
        }
        int major = pre[6] & 0xff;
        long headerLen;
        long offset;
        if (major == 1) {
            headerLen = ByteBuffer.wrap(pre, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
            offset = 10;
        } else if (major == 2 || major == 3) {
            byte[] two = in.readNBytes(2);
            if (two.length < 2) {
                throw new EventFileException(source + ": truncated .npy header");
            }
            headerLen = ByteBuffer.wrap(new byte[] {pre[8], pre[9], two[0], two[1]}).order(ByteOrder.LITTLE_ENDIAN).getInt()
                    & 0xffffffffL;
            offset = 12;
        } else {
            throw new EventFileException(source + ": unsupported .npy format version " + major);
        }
        if (headerLen > 1 << 24) {
            throw new EventFileException(source + ": implausible .npy header length " + headerLen);
        }
        byte[] h = in.readNBytes((int) headerLen);
        if (h.length < headerLen) {
            throw new EventFileException(source + ": truncated .npy header");
        }
        String header = new String(h, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return fromHeader(header, offset + headerLen, source, columnNames, defaultName, sideFile);
    }

    private static NpyLayout fromHeader(String header, long dataStart, String source, List<String> columnNames,
                                        String defaultName, String sideFile) {
        String descr = descr(header, source);
        Matcher fm = FORTRAN.matcher(header);
        boolean fortran = fm.find() && fm.group(1).equals("True");
        Matcher sm = SHAPE.matcher(header);
        if (!sm.find()) {
            throw new EventFileException(source + ": .npy header has no shape: " + header.trim());
        }
        List<Long> shape = new ArrayList<>();
        for (String part : sm.group(1).split(",")) {
            String t = part.trim().replaceAll("L$", "");
            if (!t.isEmpty()) {
                try {
                    shape.add(Long.parseLong(t));
                } catch (NumberFormatException e) {
                    throw new EventFileException(source + ": bad shape entry '" + t + "'");
                }
            }
        }
        if (descr.startsWith("[")) {
            if (shape.size() != 1) {
                throw new EventFileException(source + ": a structured array of events must be 1-D, found shape " + shape);
            }
            if (columnNames != null) {
                throw new EventFileException(source + ": column names are given, but the structured array names its own fields");
            }
            return structured(descr, source, dataStart, shape.get(0));
        }
        Field t = scalar("", 0, descr, source);
        List<Field> fields = new ArrayList<>();
        if (shape.size() == 2) {
            long k = shape.get(1);
            if (columnNames == null) {
                throw new EventFileException(source + ": a 2-D array needs column names (configure them, or put them one a"
                        + " line in the side file " + (sideFile == null ? "<name>.columns.txt" : sideFile) + ")");
            }
            if (columnNames.size() != k) {
                throw new EventFileException(source + ": " + columnNames.size() + " column names given for an array of "
                        + k + " columns");
            }
            for (int j = 0; j < k; j++) {
                fields.add(new Field(columnNames.get(j), fortran ? 0 : j * t.width(), t.kind(), t.width(), t.bigEndian()));
            }
            checkUnique(fields, source);
            return new NpyLayout(source, dataStart, shape.get(0), (int) (k * t.width()), fortran, fields);
        }
        if (shape.size() == 1) {
            String name = columnNames == null ? defaultName : (columnNames.size() == 1 ? columnNames.get(0) : null);
            if (name == null) {
                throw new EventFileException(source + ": " + columnNames.size() + " column names given for a 1-D array");
            }
            fields.add(new Field(name, 0, t.kind(), t.width(), t.bigEndian()));
            return new NpyLayout(source, dataStart, shape.get(0), t.width(), false, fields);
        }
        throw new EventFileException(source + ": expected a 1-D or 2-D array of events, found shape " + shape);
    }

    private static NpyLayout structured(String descr, String source, long dataStart, long rows) {
        String body = descr.substring(1, descr.length() - 1);
        if (body.indexOf('[') >= 0) {
            throw new EventFileException(source + ": nested structured dtypes are not supported: " + descr);
        }
        List<Field> fields = new ArrayList<>();
        Matcher m = FIELD.matcher(body);
        int offset = 0;
        while (m.find()) {
            String name = m.group(1);
            String type = m.group(2);
            if (m.group(4) != null && !m.group(4).isBlank()) {
                throw new EventFileException(source + ": field '" + name + "' is a sub-array (shape (" + m.group(4)
                        + ")); one value per event and column is expected");
            }
            String kind = type.replaceFirst("^[<>|=]", "");
            if (kind.startsWith("V")) {
                // Padding of an aligned dtype: no column, just bytes to skip.
                offset += parseWidth(kind.substring(1), source, type);
                continue;
            }
            Field f = scalar(name, offset, type, source);
            if (name.isEmpty()) {
                throw new EventFileException(source + ": a field of the structured array has no name");
            }
            fields.add(f);
            offset += f.width();
        }
        if (fields.isEmpty()) {
            throw new EventFileException(source + ": could not read the fields of the structured dtype " + descr);
        }
        checkUnique(fields, source);
        return new NpyLayout(source, dataStart, rows, offset, false, fields);
    }

    private static int parseWidth(String digits, String source, String type) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new EventFileException(source + ": unsupported dtype '" + type + "'");
        }
    }

    private static Field scalar(String name, int offset, String type, String source) {
        boolean big = type.startsWith(">");
        String kind = type.replaceFirst("^[<>|=]", "");
        int width;
        switch (kind) {
            case "f8", "i8", "u8" -> width = 8;
            case "f4", "i4", "u4" -> width = 4;
            case "i2", "u2" -> width = 2;
            case "i1", "u1", "b1" -> width = 1;
            default -> throw new EventFileException(source + (name.isEmpty() ? "" : ", column '" + name + "'")
                    + ": unsupported dtype '" + type + "' (expected float64, float32, an integer or bool)");
        }
        return new Field(name, offset, kind.charAt(0), width, big);
    }

    private static void checkUnique(List<Field> fields, String source) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Field f : fields) {
            if (!seen.add(f.name())) {
                throw new EventFileException(source + ": column '" + f.name() + "' appears twice");
            }
        }
    }

    private static String descr(String header, String source) {
        int k = header.indexOf("'descr'");
        if (k < 0) {
            throw new EventFileException(source + ": .npy header has no 'descr' entry: " + header.trim());
        }
        int p = header.indexOf(':', k) + 1;
        while (p < header.length() && Character.isWhitespace(header.charAt(p))) {
            p++;
        }
        if (p < header.length() && header.charAt(p) == '\'') {
            int end = header.indexOf('\'', p + 1);
            return header.substring(p + 1, end);
        }
        if (p < header.length() && header.charAt(p) == '[') {
            int depth = 0;
            for (int q = p; q < header.length(); q++) {
                char c = header.charAt(q);
                if (c == '[') {
                    depth++;
                } else if (c == ']' && --depth == 0) {
                    return header.substring(p, q + 1);
                }
            }
        }
        throw new EventFileException(source + ": cannot read the 'descr' entry of the .npy header: " + header.trim());
    }

    /** Decodes {@code count} values of a field from {@code buf}, value {@code r} at {@code base + r * step}. */
    static void decode(Field f, ByteBuffer buf, int base, int step, int count, double[] out, int outOffset) {
        ByteBuffer b = buf.duplicate().order(f.bigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        int p = base + f.offset();
        switch (f.kind()) {
            case 'f' -> {
                if (f.width() == 8) {
                    for (int r = 0; r < count; r++, p += step) out[outOffset + r] = b.getDouble(p);
                } else {
                    for (int r = 0; r < count; r++, p += step) out[outOffset + r] = b.getFloat(p);
                }
            }
            case 'i' -> {
                switch (f.width()) {
                    case 8 -> { for (int r = 0; r < count; r++, p += step) out[outOffset + r] = b.getLong(p); }
                    case 4 -> { for (int r = 0; r < count; r++, p += step) out[outOffset + r] = b.getInt(p); }
                    case 2 -> { for (int r = 0; r < count; r++, p += step) out[outOffset + r] = b.getShort(p); }
                    default -> { for (int r = 0; r < count; r++, p += step) out[outOffset + r] = b.get(p); }
                }
            }
            default -> { // 'u' and 'b'
                switch (f.width()) {
                    case 8 -> {
                        for (int r = 0; r < count; r++, p += step) {
                            long v = b.getLong(p);
                            out[outOffset + r] = (double) (v >>> 1) * 2.0 + (v & 1L);
                        }
                    }
                    case 4 -> { for (int r = 0; r < count; r++, p += step) out[outOffset + r] = Integer.toUnsignedLong(b.getInt(p)); }
                    case 2 -> { for (int r = 0; r < count; r++, p += step) out[outOffset + r] = b.getShort(p) & 0xffff; }
                    default -> { for (int r = 0; r < count; r++, p += step) out[outOffset + r] = b.get(p) & 0xff; }
                }
            }
        }
    }

    /** A version 1.0 header (magic, version, length, dict padded to 64 bytes) for the given descr and shape. */
    static byte[] header(String descr, String shape) {
        String dict = "{'descr': " + descr + ", 'fortran_order': False, 'shape': " + shape + ", }";
        int total = (10 + dict.length() + 1 + 63) / 64 * 64;
        StringBuilder h = new StringBuilder(dict);
        while (10 + h.length() + 1 < total) {
            h.append(' ');
        }
        h.append('\n');
        byte[] text = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        if (text.length > 0xffff) {
            throw new IllegalArgumentException("header too long for .npy version 1.0");
        }
        ByteBuffer b = ByteBuffer.allocate(10 + text.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put((byte) 'N').put((byte) 'U').put((byte) 'M').put((byte) 'P').put((byte) 'Y');
        b.put((byte) 1).put((byte) 0).putShort((short) text.length).put(text);
        return b.array();
    }
}
