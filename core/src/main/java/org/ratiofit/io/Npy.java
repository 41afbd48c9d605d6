package org.ratiofit.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Reads and writes NumPy {@code .npy} arrays (format versions 1.0–3.0) and {@code .npz} archives,
 * so every per-event column ratiofit writes opens with {@code numpy.load}.
 *
 * <p>Written arrays are little-endian float64 ({@code <f8}) or float32 ({@code <f4}), C order.
 * Reading accepts float64/float32/int64/int32/int16/int8/uint8/bool in either byte order. Errors
 * name the file and what is wrong.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    // ---------------------------------------------------------------- writing

    public static void write(Path file, double[] values) throws IOException {
        write(file, values, new int[] {values.length});
    }

    public static void write(Path file, float[] values) throws IOException {
        write(file, values, new int[] {values.length});
    }

    /** Writes a float64 array of the given C-order shape, atomically (temporary file, then move). */
    public static void write(Path file, double[] values, int[] shape) throws IOException {
        checkShape(file, values.length, shape);
        ByteBuffer body = ByteBuffer.allocate(Math.multiplyExact(values.length, 8)).order(ByteOrder.LITTLE_ENDIAN);
        body.asDoubleBuffer().put(values);
        writeAtomically(file, header("<f8", shape), body.array());
    }

    /** Writes a float32 array of the given C-order shape, atomically. */
    public static void write(Path file, float[] values, int[] shape) throws IOException {
        checkShape(file, values.length, shape);
        ByteBuffer body = ByteBuffer.allocate(Math.multiplyExact(values.length, 4)).order(ByteOrder.LITTLE_ENDIAN);
        body.asFloatBuffer().put(values);
        writeAtomically(file, header("<f4", shape), body.array());
    }

    /** The bytes of a complete {@code .npy} file holding a float64 array. */
    public static byte[] toBytes(double[] values, int[] shape) {
        checkShape(null, values.length, shape);
        byte[] h = header("<f8", shape);
        ByteBuffer b = ByteBuffer.allocate(h.length + values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.put(h);
        b.asDoubleBuffer().put(values);
        return b.array();
    }

    /** The bytes of a complete {@code .npy} file holding a float32 array. */
    public static byte[] toBytes(float[] values, int[] shape) {
        checkShape(null, values.length, shape);
        byte[] h = header("<f4", shape);
        ByteBuffer b = ByteBuffer.allocate(h.length + values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put(h);
        b.asFloatBuffer().put(values);
        return b.array();
    }

    /** Writes named 1-D float64 columns into an uncompressed {@code .npz} archive. */
    public static void writeNpz(Path file, Map<String, double[]> columns) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(tmp))) {
            for (Map.Entry<String, double[]> e : columns.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                zip.write(toBytes(e.getValue(), new int[] {e.getValue().length}));
                zip.closeEntry();
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void checkShape(Path file, int length, int[] shape) {
        long n = 1;
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException(where(file) + "negative dimension in shape");
            }
            n *= s;
        }
        if (n != length) {
            throw new IllegalArgumentException(where(file) + "shape holds " + n + " values but the array has " + length);
        }
    }

    private static byte[] header(String descr, int[] shape) {
        StringBuilder sh = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sh.append(shape[i]);
            if (shape.length == 1 || i < shape.length - 1) {
                sh.append(shape.length == 1 ? "," : ", ");
            }
        }
        sh.append(')');
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + sh + ", }";
        // Version 1.0: magic(6) + version(2) + header length(2) + header, padded with spaces and
        // ended by a newline so the data starts on a 64-byte boundary.
        int unpadded = 10 + dict.length() + 1;
        int total = (unpadded + 63) / 64 * 64;
        StringBuilder h = new StringBuilder(dict);
        while (10 + h.length() + 1 < total) {
            h.append(' ');
        }
        h.append('\n');
        byte[] text = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + text.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length).put(text);
        return b.array();
    }

    private static void writeAtomically(Path file, byte[] header, byte[] body) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            out.write(header);
            out.write(body);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    // ---------------------------------------------------------------- reading

    public static NpyArray read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NpyFormatException(file + ": no such file");
        }
        return parse(Files.readAllBytes(file), file.toString());
    }

    /** Reads every array of an {@code .npz} archive (compressed or not), keyed by name without ".npy". */
    public static Map<String, NpyArray> readNpz(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NpyFormatException(file + ": no such file");
        }
        Map<String, NpyArray> out = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                if (e.isDirectory()) {
                    continue;
                }
                String name = e.getName();
                String key = name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
                out.put(key, parse(readAll(zip), file + "[" + name + "]"));
            }
        } catch (java.util.zip.ZipException z) {
            throw new NpyFormatException(file + ": not a valid .npz (zip) archive: " + z.getMessage());
        }
        if (out.isEmpty()) {
            throw new NpyFormatException(file + ": the .npz archive holds no arrays");
        }
        return out;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        in.transferTo(bos);
        return bos.toByteArray();
    }

    /** Parses the bytes of a {@code .npy} file; {@code source} names it in errors. */
    public static NpyArray parse(byte[] bytes, String source) {
        if (bytes.length < 10) {
            throw new NpyFormatException(source + ": too short to be a .npy file");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                throw new NpyFormatException(source + ": not a .npy file (bad magic string)");
            }
        }
        int major = bytes[6] & 0xff;
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen;
        int offset;
        if (major == 1) {
            headerLen = b.getShort(8) & 0xffff;
            offset = 10;
        } else if (major == 2 || major == 3) {
            headerLen = b.getInt(8);
            offset = 12;
        } else {
            throw new NpyFormatException(source + ": unsupported .npy format version " + major);
        }
        if (offset + headerLen > bytes.length) {
            throw new NpyFormatException(source + ": truncated header");
        }
        String header = new String(bytes, offset, headerLen,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, source, "descr");
        String fortran = group(FORTRAN, header, source, "fortran_order");
        String shapeText = group(SHAPE, header, source, "shape");
        int[] shape = parseShape(shapeText, source);
        long count = 1;
        for (int s : shape) {
            count *= s;
        }
        if (count > Integer.MAX_VALUE) {
            throw new NpyFormatException(source + ": array of " + count + " values is too large");
        }
        int n = (int) count;
        if ("True".equals(fortran) && shape.length > 1) {
            throw new NpyFormatException(source + ": Fortran-ordered arrays are not supported; save with np.ascontiguousarray");
        }
        int dataStart = offset + headerLen;
        ByteOrder order = descr.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        String kind = descr.replaceFirst("^[<>|=]", "");
        int width = switch (kind) {
            case "f8", "i8", "u8" -> 8;
            case "f4", "i4", "u4" -> 4;
            case "i2", "u2" -> 2;
            case "i1", "u1", "b1" -> 1;
            default -> throw new NpyFormatException(source + ": unsupported dtype '" + descr
                    + "' (expected float64, float32, an integer or bool)");
        };
        long needed = (long) n * width;
        if (bytes.length - dataStart < needed) {
            throw new NpyFormatException(source + ": truncated data: shape needs " + needed + " bytes, file has "
                    + (bytes.length - dataStart));
        }
        ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, (int) needed).slice().order(order);
        if (kind.equals("f4")) {
            float[] f = new float[n];
            data.asFloatBuffer().get(f);
            return new NpyArray(descr, shape, null, f);
        }
        double[] d = new double[n];
        switch (kind) {
            case "f8" -> data.asDoubleBuffer().get(d);
            case "i8" -> { for (int i = 0; i < n; i++) d[i] = data.getLong(i * 8); }
            case "u8" -> { for (int i = 0; i < n; i++) d[i] = unsignedLongToDouble(data.getLong(i * 8)); }
            case "i4" -> { for (int i = 0; i < n; i++) d[i] = data.getInt(i * 4); }
            case "u4" -> { for (int i = 0; i < n; i++) d[i] = Integer.toUnsignedLong(data.getInt(i * 4)); }
            case "i2" -> { for (int i = 0; i < n; i++) d[i] = data.getShort(i * 2); }
            case "u2" -> { for (int i = 0; i < n; i++) d[i] = data.getShort(i * 2) & 0xffff; }
            case "i1" -> { for (int i = 0; i < n; i++) d[i] = data.get(i); }
            default -> { for (int i = 0; i < n; i++) d[i] = data.get(i) & 0xff; } // u1, b1
        }
        return new NpyArray(descr, shape, d, null);
    }

    private static double unsignedLongToDouble(long v) {
        double d = (double) (v >>> 1) * 2.0;
        return d + (v & 1L);
    }

    private static String group(Pattern p, String header, String source, String key) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new NpyFormatException(source + ": header has no '" + key + "' entry: " + header.trim());
        }
        return m.group(1);
    }

    private static int[] parseShape(String text, String source) {
        List<Integer> dims = new ArrayList<>();
        for (String part : text.split(",")) {
            String t = part.trim().replaceAll("L$", "");
            if (t.isEmpty()) {
                continue;
            }
            try {
                dims.add(Integer.parseInt(t));
            } catch (NumberFormatException e) {
                throw new NpyFormatException(source + ": bad shape entry '" + t + "'");
            }
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * A file that is not a readable NumPy array; the message names the file. Unchecked so that it
     * passes through streams and lambdas unchanged.
     */
    public static final class NpyFormatException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public NpyFormatException(String message) {
            super(message);
        }
    }

    private static String where(Path file) {
        return file == null ? "" : file + ": ";
    }
}
