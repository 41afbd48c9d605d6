package org.ratiofit.likelihood;

import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.ref.WeakReference;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A kernel used on a thread must not stay reachable through that thread's scratch buffers: pool
 * threads that fit thousands of pseudo-experiment models would otherwise keep every model's event
 * columns alive (this ran a 2000-toy coverage study out of a 6 GB heap).
 */
class KernelReleaseTest {

    @Test
    void kernelIsCollectedAfterUseOnThisThread() throws Exception {
        WeakReference<UnbinnedKernel> ref = useOnce();
        for (int i = 0; i < 50 && ref.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertNull(ref.get(), "the kernel is still reachable after use (thread-local scratch holds it)");
    }

    private static WeakReference<UnbinnedKernel> useOnce() {
        Model m = RandomModels.model(5, 1000, false, false);
        UnbinnedChannel u = (UnbinnedChannel) m.channels().get(0);
        Map<String, Integer> index = new java.util.HashMap<>();
        for (int i = 0; i < m.parameters().size(); i++) {
            index.put(m.parameters().get(i).name(), i);
        }
        UnbinnedKernel k = new UnbinnedKernel(u.samples(), u.data(), index, false);
        double[] c = new double[u.samples().size()];
        java.util.Arrays.fill(c, 1.0);
        k.mixture(m.initialValues(), c, new double[u.data().events()]);
        return new WeakReference<>(k);
    }
}
