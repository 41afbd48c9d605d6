package org.ratiofit.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratiofit.samplers.profile.TestStatistic;
import org.ratiofit.samplers.toys.FitSettings;
import org.ratiofit.samplers.toys.ToyEnsemble;
import org.ratiofit.samplers.toys.ToyStudy;

/**
 * The tapered cut of a study into tasks, over seeded random study shapes: every toy of every
 * ensemble in exactly one task, in order; every task between the smallest size (except an
 * ensemble's remainder) and {@link TaskSizes#MAX_FACTOR} x it; no task larger than one before it
 * by more than an ensemble boundary's remainder allows; the last tasks the smallest; and far fewer
 * tasks than the uniform cut when the study is large.
 */
class TaskSizesTest {

    static ToyStudy study(int ensembles, long from, long to) {
        List<ToyEnsemble> es = new ArrayList<>();
        for (int e = 0; e < ensembles; e++) {
            es.add(new ToyEnsemble("e" + e, e, new double[] {e}, null, TestStatistic.Q_TILDE_MU, new double[] {1}));
        }
        return new ToyStudy(3, FitSettings.defaults(), es, from, to);
    }

    static Stream<Arguments> shapes() {
        SplittableRandom r = new SplittableRandom(15);
        Stream<Arguments> fixed = Stream.of(Arguments.of(3, 0L, 2000L, 50, 2), Arguments.of(1, 0L, 1L, 50, 2),
                Arguments.of(2, 10_000L, 10_007L, 3, 8), Arguments.of(50, 0L, 10_000L, 50, 100));
        Stream<Arguments> random = IntStream.range(0, 12).mapToObj(i -> {
            long from = r.nextLong(0, 5000);
            return Arguments.of(r.nextInt(1, 6), from, from + r.nextLong(1, 5000), r.nextInt(1, 120), r.nextInt(1, 64));
        });
        return Stream.concat(fixed, random);
    }

    @ParameterizedTest(name = "{0} ensembles [{1}, {2}), smallest {3}, {4} slots")
    @MethodSource("shapes")
    void theTaperedCutTilesTheStudyLargeTasksFirst(int ensembles, long from, long to, int smallest, int slots) {
        ToyStudy s = study(ensembles, from, to);
        List<ToyStudy.Batch> tasks = TaskSizes.tapered(s, smallest, slots);
        // tiling, in the study's order
        int k = 0;
        for (int e = 0; e < ensembles; e++) {
            long next = from;
            while (next < to) {
                ToyStudy.Batch b = tasks.get(k++);
                assertEquals(e, b.ensemble());
                assertEquals(next, b.from(), "tasks must tile ensemble " + e);
                assertTrue(b.to() > b.from() && b.to() <= to);
                next = b.to();
            }
        }
        assertEquals(k, tasks.size(), "no task beyond the study");
        long remaining = s.totalToys();
        for (int i = 0; i < tasks.size(); i++) {
            ToyStudy.Batch b = tasks.get(i);
            long n = b.to() - b.from();
            boolean ensembleEnd = b.to() == to;
            assertTrue(n <= (long) smallest * TaskSizes.MAX_FACTOR, "task " + i + " has " + n + " toys");
            assertTrue(n >= smallest || ensembleEnd, "task " + i + " has " + n + " toys, below the smallest " + smallest);
            // about a 1/(2 slots) share of what is left
            long share = (remaining + 2L * slots - 1) / (2L * slots);
            assertTrue(n <= Math.max(smallest, share), "task " + i + ": " + n + " toys of " + remaining + " left on " + slots + " slots");
            remaining -= n;
        }
        // the last wave: the final tasks are no larger than the smallest size
        int lastWave = Math.min(slots, tasks.size());
        for (int i = tasks.size() - lastWave; i < tasks.size(); i++) {
            ToyStudy.Batch b = tasks.get(i);
            assertTrue(b.to() - b.from() <= smallest, "task " + i + " of the last wave has " + (b.to() - b.from()) + " toys");
        }
        // a large study needs far fewer tasks than the uniform cut
        int uniform = s.batches(smallest).size();
        if (s.totalToys() >= 40L * smallest * slots) {
            assertTrue(tasks.size() * 2 < uniform, tasks.size() + " tapered tasks against " + uniform + " uniform ones");
        }
        assertTrue(tasks.size() <= uniform, tasks.size() + " tapered tasks against " + uniform + " uniform ones");
    }
}
