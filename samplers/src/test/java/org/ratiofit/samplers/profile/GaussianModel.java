package org.ratiofit.samplers.profile;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.objective.StatisticalModel;

/** A correlated Gaussian −ln L, ½ (x − m)ᵀ C⁻¹ (x − m), with the first parameter as POI: the profile tests' exact model. */
final class GaussianModel {
    private GaussianModel() {
    }

    /** Free parameters {@code names} starting at {@code start} with step {@code step}; {@code ci} is C⁻¹. */
    static StatisticalModel of(List<String> names, double[] start, double step, double[] m, double[][] ci) {
        int n = m.length;
        return new StatisticalModel() {
            @Override
            public List<ParameterSpec> parameters() {
                List<ParameterSpec> p = new ArrayList<>();
                for (int i = 0; i < n; i++) p.add(ParameterSpec.free(names.get(i), start[i], step));
                return p;
            }

            @Override
            public double value(double[] x) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        s += (x[i] - m[i]) * ci[i][j] * (x[j] - m[j]);
                    }
                }
                return 0.5 * s;
            }

            @Override
            public double errorDef() {
                return 0.5;
            }

            @Override
            public OptionalInt parameterOfInterest() {
                return OptionalInt.of(0);
            }

            @Override
            public StatisticalModel asimov(double[] point) {
                throw new UnsupportedOperationException();
            }
        };
    }
}
