package org.ratiofit.ratio;

import java.util.stream.IntStream;

/** Event loops split into fixed blocks run on the common fork-join pool; block results are combined in block order, so sums are deterministic. */
final class Blocks {
    private Blocks() {}

    static final int SIZE = 8192;

    interface Body {
        void run(int block, int from, int to);
    }

    static int count(int n) {
        return (n + SIZE - 1) / SIZE;
    }

    static void forEach(int n, Body body) {
        int nb = count(n);
        if (nb <= 1) {
            if (n > 0) body.run(0, 0, n);
            return;
        }
        IntStream.range(0, nb).parallel().forEach(b -> body.run(b, b * SIZE, Math.min(n, (b + 1) * SIZE)));
    }
}
