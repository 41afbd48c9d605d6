package org.ratiofit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The shift study run small: disjoint groups of 1, 2 and 4 of 4 members, finite shifts, the exact fit of the toy's data. */
class MulticlassShiftStudyTest {

    @Test
    void groupsPartitionTheMembersAndAverageToTheSameMean() {
        MulticlassShiftStudy.Result r = MulticlassShiftStudy.run(1500, 4, 2, 2, 5);
        assertEquals(3, r.groups().size());
        int[] sizes = {1, 2, 4};
        for (int g = 0; g < 3; g++) {
            MulticlassShiftStudy.Group grp = r.groups().get(g);
            assertEquals(sizes[g], grp.size());
            assertEquals(4 / sizes[g], grp.shifts().length);
            for (double v : grp.shifts()) {
                assertTrue(Double.isFinite(v), "shift " + v);
            }
        }
        // the exact fit of the MulticlassPnnToy data with seed 2: mu near its true value 1
        assertEquals(1.0, r.exactMu(), 3 * r.exactError());
        // members differ by their seeds: the single members' shifts are not all the same
        double[] one = r.groups().get(0).shifts();
        assertTrue(one[0] != one[1] || one[1] != one[2] || one[2] != one[3], java.util.Arrays.toString(one));
        assertTrue(r.groups().get(0).sd() > 0 && Double.isNaN(r.groups().get(2).sd()), "sd of one group is undefined");
    }
}
