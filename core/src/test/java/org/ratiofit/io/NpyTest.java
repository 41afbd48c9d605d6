package org.ratiofit.io;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class NpyTest {

    @TempDir
    Path dir;

    static LongStream seeds() {
        return LongStream.range(0, 20).map(i -> 1000 + i);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void float64RoundTripIsBitExact(long seed) throws Exception {
        Random rng = new Random(seed);
        int n = rng.nextInt(2000);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (rng.nextInt(5)) {
                case 0 -> rng.nextGaussian() * 1e300;
                case 1 -> -0.0;
                case 2 -> Double.MIN_VALUE;
                default -> rng.nextGaussian();
            };
        }
        Path f = dir.resolve("a" + seed + ".npy");
        Npy.write(f, v);
        NpyArray back = Npy.read(f);
        assertEquals("<f8", back.dtype(), "seed " + seed);
        assertArrayEquals(new int[] {n}, back.shape(), "seed " + seed);
        for (int i = 0; i < n; i++) {
            assertEquals(Double.doubleToRawLongBits(v[i]), Double.doubleToRawLongBits(back.doubles()[i]),
                    "seed " + seed + " index " + i);
        }
        // numpy requires the data to start on a 64-byte boundary
        byte[] bytes = Files.readAllBytes(f);
        int headerLen = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getShort(8);
        assertEquals(0, (10 + headerLen) % 64, "seed " + seed);
        assertEquals('\n', bytes[10 + headerLen - 1], "seed " + seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void float32TwoDimensionalRoundTrip(long seed) throws Exception {
        Random rng = new Random(seed);
        int rows = 1 + rng.nextInt(50);
        int cols = 1 + rng.nextInt(6);
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        Path f = dir.resolve("b" + seed + ".npy");
        Npy.write(f, v, new int[] {rows, cols});
        NpyArray back = Npy.read(f);
        assertTrue(back.isFloat32());
        assertArrayEquals(new int[] {rows, cols}, back.shape());
        assertArrayEquals(v, back.floats());
    }

    @Test
    void npzRoundTripKeepsNamesAndOrder() throws Exception {
        Map<String, double[]> cols = new LinkedHashMap<>();
        cols.put("weight", new double[] {1, 2, 3});
        cols.put("x", new double[] {-1.5, 0, 7});
        Path f = dir.resolve("c.npz");
        Npy.writeNpz(f, cols);
        Map<String, NpyArray> back = Npy.readNpz(f);
        assertEquals(java.util.List.of("weight", "x"), java.util.List.copyOf(back.keySet()));
        assertArrayEquals(cols.get("x"), back.get("x").doubles());
    }

    @Test
    void readsBigEndianIntegersAndBools() {
        byte[] i4 = handMade(">i4", "(3,)", ByteBuffer.allocate(12).order(ByteOrder.BIG_ENDIAN).putInt(-7).putInt(0).putInt(65536).array());
        assertArrayEquals(new double[] {-7, 0, 65536}, Npy.parse(i4, "i4").doubles());
        byte[] b1 = handMade("|b1", "(2,)", new byte[] {1, 0});
        assertArrayEquals(new double[] {1, 0}, Npy.parse(b1, "b1").doubles());
    }

    @Test
    void badInputNamesTheFileAndTheProblem() throws Exception {
        Path missing = dir.resolve("missing.npy");
        var e1 = assertThrows(Npy.NpyFormatException.class, () -> Npy.read(missing));
        assertTrue(e1.getMessage().contains("missing.npy"), e1.getMessage());

        Path junk = dir.resolve("junk.npy");
        Files.writeString(junk, "hello world, not numpy");
        var e2 = assertThrows(Npy.NpyFormatException.class, () -> Npy.read(junk));
        assertTrue(e2.getMessage().contains("junk.npy") && e2.getMessage().contains("magic"), e2.getMessage());

        byte[] complex = handMade("<c16", "(1,)", new byte[16]);
        var e3 = assertThrows(Npy.NpyFormatException.class, () -> Npy.parse(complex, "z.npy"));
        assertTrue(e3.getMessage().contains("<c16"), e3.getMessage());

        byte[] truncated = handMade("<f8", "(4,)", new byte[16]);
        var e4 = assertThrows(Npy.NpyFormatException.class, () -> Npy.parse(truncated, "t.npy"));
        assertTrue(e4.getMessage().contains("truncated"), e4.getMessage());
    }

    private static byte[] handMade(String descr, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }\n";
        byte[] h = dict.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length).put(h).put(data);
        return b.array();
    }
}
