package org.ratiofit.likelihood.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ratiofit.likelihood.Evaluation;
import org.ratiofit.likelihood.Interpolation;
import org.ratiofit.likelihood.Model;

/** pyhf JSON workspaces read into binned channels; -ln L against the HistFactory formula by hand. */
class PyhfReaderTest {

    static Path resource(String name) throws Exception {
        return Path.of(PyhfReaderTest.class.getResource("/pyhf/" + name).toURI());
    }

    static double poisson(double lambda, double n) {
        return lambda - n * Math.log(lambda);
    }

    @Test
    void normsysWorkspace() throws Exception {
        Model m = PyhfReader.read(resource("1bin_normsys.json"));
        assertEquals(List.of("mu", "bkg_norm"), m.parameterNames());
        assertEquals(0, m.parameterOfInterest().getAsInt());
        for (double[] x : new double[][] {{1, 0}, {0.5, 0.7}, {2, -1.4}}) {
            double f = Interpolation.code4(x[1], 1.1, 0.9)[0];
            double expected = poisson(30 * x[0] + 100 * f, 120) + poisson(95 * x[0] + 150 * f, 180) + 0.5 * x[1] * x[1];
            assertEquals(expected, m.value(x), 1e-12 * Math.abs(expected), "at mu=" + x[0] + " alpha=" + x[1]);
        }
    }

    @Test
    void histosysWorkspaceUsesCode4p() throws Exception {
        Model m = PyhfReader.read(resource("2bin_histosys.json"));
        for (double a : new double[] {-1.7, -0.4, 0.3, 1.0, 2.2}) {
            double[] lam = new double[2];
            double[] nom = {100, 150};
            double[] hi = {102, 190};
            double[] lo = {98, 100};
            double[] sig = {30, 95};
            for (int b = 0; b < 2; b++) {
                double du = hi[b] - nom[b];
                double dd = nom[b] - lo[b];
                double shift;
                if (a > 1) {
                    shift = a * du;
                } else if (a < -1) {
                    shift = a * dd;
                } else {
                    shift = a * (du + dd) / 2 + a * a * (15 - 10 * a * a + 3 * a * a * a * a) * (du - dd) / 16;
                }
                lam[b] = 1.3 * sig[b] + nom[b] + shift;
            }
            double expected = poisson(lam[0], 120) + poisson(lam[1], 180) + 0.5 * a * a;
            assertEquals(expected, m.value(new double[] {1.3, a}), 1e-12 * Math.abs(expected), "alpha " + a);
        }
    }

    @Test
    void lumiTakesAuxAndSigmaFromTheMeasurement() throws Exception {
        Model m = PyhfReader.read(resource("1bin_lumi.json"));
        int lumi = m.indexOf("lumi");
        double[] x = m.initialValues();
        x[m.indexOf("mu")] = 1.5;
        x[lumi] = 1.07;
        double expected = poisson(1.5 * 20 + 1.07 * 100, 55) + 0.5 * Math.pow((1.07 - 1) / 0.1, 2);
        assertEquals(expected, m.value(x), 1e-12 * Math.abs(expected));
    }

    @Test
    void staterrorLumiAndNormsysTogetherHaveExactGradients() throws Exception {
        Model m = PyhfReader.read(resource("example_bkgonly.json"));
        assertTrue(m.parameterNames().stream().anyMatch(n -> n.startsWith("staterror_")), m.parameterNames().toString());
        double[] x = m.initialValues();
        for (int i = 0; i < x.length; i++) {
            x[i] += 0.01 * (i % 5) * (m.parameters().get(i).fixed() ? 0 : 1);
        }
        Evaluation e = m.evaluate(x, true);
        assertTrue(e.isValid(), e.reason());
        for (int i = 0; i < x.length; i++) {
            double h = 1e-6;
            double[] y = x.clone();
            y[i] += h;
            double up = m.value(y);
            y[i] -= 2 * h;
            double fd = (up - m.value(y)) / (2 * h);
            assertEquals(fd, e.gradient()[i], 1e-5 * Math.max(1, Math.abs(fd)), m.parameters().get(i).name());
        }
    }

    @Test
    void shapesysIsReadWithItsPoissonConstraint() throws Exception {
        Model m = PyhfReader.read(resource("1bin_shapesys.json"));
        assertTrue(m.parameterNames().stream().anyMatch(n -> n.endsWith("[0]")), m.parameterNames().toString());
        assertEquals(org.ratiofit.likelihood.Parameter.Kind.POISSON, m.modelParameters().get(1).kind());
    }
}
