package org.ratiofit.workspace.selection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratiofit.ratio.data.EventTable;

/** Selections against masks computed by hand on a six-event table. */
class SelectionTest {

    //                                   0     1     2     3     4      5
    static final double[] X = {-2.0, -1.0, 0.0, 1.0, 4.5, Double.NaN};
    static final double[] Y = {3.0, 0.0, 0.0, 2.0, -1.0, 1.0};
    static final double[] Z = {0.0, 1.0, 0.0, 1.0, 0.0, 1.0};

    static EventTable table() {
        Map<String, double[]> cols = new LinkedHashMap<>();
        cols.put("x", X);
        cols.put("y", Y);
        cols.put("z", Z);
        cols.put("odd name", new double[] {1, 2, 3, 4, 5, 6});
        return new EventTable("hand-made", cols);
    }

    static boolean[] mask(String bits) {
        boolean[] m = new boolean[bits.length()];
        for (int i = 0; i < m.length; i++) m[i] = bits.charAt(i) == '1';
        return m;
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("x > 0", "000110"),
                Arguments.of("x>=0", "001110"),
                Arguments.of("x < -1", "100000"),
                Arguments.of("x<=-1", "110000"),
                Arguments.of("x == 0", "001000"),
                Arguments.of("x != 0", "110111"), // NaN != 0 is true, as in NumPy
                Arguments.of("x >= -1.0 & x <= 4.5", "011110"),
                Arguments.of("-1 <= x <= 1", "011100"),
                Arguments.of("x > 0 | y > 2", "100110"),
                Arguments.of("x > 0 | y > 2 & z == 1", "000110"), // & binds tighter than |
                Arguments.of("(x > 0 | y > 2) & z == 1", "000100"),
                Arguments.of("!(x > 0)", "111001"),
                Arguments.of("~(x > 0) & y >= 0", "111001"),
                Arguments.of("not x > 0 and y == 0 or z == 1 and y > 1", "011100"),
                Arguments.of("x < y", "110100"),
                Arguments.of("y > x", "110100"),
                Arguments.of("0 < x", "000110"),
                Arguments.of("x > nan", "000000"),
                Arguments.of("x < inf", "111110"),
                Arguments.of("x > -inf && y < 1e0", "011010"),
                Arguments.of("`odd name` >= 5", "000011"),
                Arguments.of("x>4.5|y<0", "000010"),
                Arguments.of("((x > -3))", "111110"),
                Arguments.of("1 < 2", "111111"),
                Arguments.of("x > 1e-3 & x < 4.5e+0", "000100"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void masksMatchHandComputed(String expr, String expected) {
        EventTable t = table();
        Selection s = Selection.parse(expr);
        assertArrayEquals(mask(expected), s.evaluate(t), expr);
        // A range evaluated into a reused buffer gives the same bits.
        boolean[] buf = new boolean[10];
        java.util.Arrays.fill(buf, true);
        s.evaluate(t, 2, 5, buf);
        for (int i = 2; i < 5; i++) {
            assertEquals(expected.charAt(i) == '1', buf[i - 2], expr + " event " + i + " in range [2, 5)");
        }
    }

    @Test
    void columnsReadAreListedInOrderOfUse() {
        assertEquals(Set.of("y", "x", "z"), Selection.parse("y > 1 & (x < 2 | z == x)").columns());
        assertEquals(List.of("y", "x", "z"), List.copyOf(Selection.parse("y > 1 & (x < 2 | z == x)").columns()));
        assertEquals(List.of("odd name"), List.copyOf(Selection.parse("`odd name` > 0").columns()));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomCutsAgreeWithAPerEventLoop(long seed) {
        Random rnd = new Random(seed);
        int n = 1000;
        double[] a = new double[n];
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = rnd.nextGaussian();
            b[i] = rnd.nextGaussian();
        }
        double c1 = rnd.nextGaussian();
        double c2 = rnd.nextGaussian();
        double c3 = rnd.nextGaussian();
        Map<String, double[]> cols = new LinkedHashMap<>();
        cols.put("a", a);
        cols.put("b", b);
        String expr = "a > " + c1 + " & (b <= " + c2 + " | !(a < " + c3 + "))";
        boolean[] m = Selection.parse(expr).evaluate(new EventTable("seed " + seed, cols));
        for (int i = 0; i < n; i++) {
            boolean e = a[i] > c1 && (b[i] <= c2 || !(a[i] < c3));
            assertEquals(e, m[i], "seed " + seed + " event " + i + ": " + expr);
        }
    }

    static Stream<Long> seeds() {
        return Stream.of(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void syntaxErrorsNameThePosition() {
        SelectionException e = assertThrows(SelectionException.class, () -> Selection.parse("x > > 3"));
        assertEquals(4, e.position());
        assertTrue(e.getMessage().contains("character 5 of 'x > > 3'"), e.getMessage());
        assertTrue(assertThrows(SelectionException.class, () -> Selection.parse("(x > 1")).getMessage().contains("missing ')'"));
        assertTrue(assertThrows(SelectionException.class, () -> Selection.parse("x = 1")).getMessage().contains("use '=='"));
        assertTrue(assertThrows(SelectionException.class, () -> Selection.parse("x > 1 y")).getMessage().contains("unexpected"));
        assertTrue(assertThrows(SelectionException.class, () -> Selection.parse("x")).getMessage().contains("expected a comparison"));
        assertTrue(assertThrows(SelectionException.class, () -> Selection.parse("x > 1.2.3")).getMessage().contains("not a number"));
        assertTrue(assertThrows(SelectionException.class, () -> Selection.parse(" ")).getMessage().contains("empty"));
        assertTrue(assertThrows(SelectionException.class, () -> Selection.parse("x > 1 &")).getMessage().contains("ends"));
    }

    @Test
    void unknownColumnNamesTheTableAndSuggests() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Selection.parse("xx > 1").evaluate(table()));
        assertTrue(e.getMessage().contains("hand-made") && e.getMessage().contains("'xx'"), e.getMessage());
    }
}
