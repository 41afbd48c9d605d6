package org.ratiofit.samplers.profile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratiofit.objective.StatisticalModel;
import org.ratiofit.samplers.toys.ToySeeds;

/**
 * {@link Toys} seeds toy i of a run seeded s with ToySeeds.seed(s, 0, i), like every other toy
 * path: runs seeded s and s + 1 share no toy (with the former seed + i, they shared all but one).
 */
class ToysSeedingTest {

    /** A counting model that records the seed of every pseudo-experiment drawn from it. */
    static final class Recording extends CountingModel {
        final Set<Long> seeds = ConcurrentHashMap.newKeySet();

        Recording() {
            super(5, 20, 0.1, 22, 0);
        }

        @Override
        public StatisticalModel pseudoExperiment(double[] truth, long seed) {
            seeds.add(seed);
            return super.pseudoExperiment(truth, seed);
        }
    }

    static Stream<Long> seeds() {
        SplittableRandom r = new SplittableRandom(20261204L);
        return Stream.concat(Stream.of(0L, 1L, -1L, Long.MAX_VALUE), LongStream.generate(r::nextLong).limit(4).boxed());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void toyIOfSeedSIsToySeedsSeedS0IAndNeighbouringSeedsShareNoToy(long seed) {
        int n = 40;
        double[] truth = {1, 0};
        Recording a = new Recording();
        Toys.ToyResult ra = new Toys(CountingStatisticsTest.TESTS).run(a, truth, TestStatistic.Q_TILDE_MU, 1, n, seed, null);
        Set<Long> expected = new HashSet<>();
        for (int i = 0; i < n; i++) {
            expected.add(ToySeeds.seed(seed, 0, i));
        }
        assertEquals(expected, a.seeds, "toy i must be seeded ToySeeds.seed(seed, 0, i)");

        Recording b = new Recording();
        new Toys(CountingStatisticsTest.TESTS).run(b, truth, TestStatistic.Q_TILDE_MU, 1, n, seed + 1, null);
        Set<Long> shared = new HashSet<>(a.seeds);
        shared.retainAll(b.seeds);
        assertTrue(shared.isEmpty(), "runs seeded " + seed + " and " + (seed + 1) + " share " + shared.size() + " of " + n + " toys");

        // the same seed replays the same values, in toy order, whatever the thread schedule
        Toys.ToyResult again = new Toys(CountingStatisticsTest.TESTS).run(new Recording(), truth, TestStatistic.Q_TILDE_MU, 1, n, seed, null);
        assertArrayEquals(ra.values(), again.values());
        // and each value is the statistic of the toy drawn with its own seed
        for (int i : new int[] {0, n / 2, n - 1}) {
            StatisticalModel toy = new CountingModel(5, 20, 0.1, 22, 0).pseudoExperiment(truth, ToySeeds.seed(seed, 0, i));
            double q = CountingStatisticsTest.TESTS.statistic(toy, CountingStatisticsTest.TESTS.fit(toy), TestStatistic.Q_TILDE_MU, 1);
            assertEquals(q, ra.values()[i], 0.0, "toy " + i);
        }
    }
}
