package org.ratiofit.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ratiofit.likelihood.Evaluation;
import org.ratiofit.likelihood.Model;
import org.ratiofit.objective.ParameterSpec;

/**
 * {@code fit --eval}, and {@code fit} when every parameter is fixed: -ln L and its gradient at the
 * start point (the workspace's initial values with --set and --fix), no minimisation. Exit code 0,
 * or 3 when -ln L is not finite there (with the reason: which channel, how many events).
 */
final class PointEvaluation {

    private PointEvaluation() {}

    static int run(Output out, org.ratiofit.objective.StatisticalModel statisticalModel, Path workspace, boolean asked) throws IOException {
        List<ParameterSpec> specs = statisticalModel.parameters();
        double[] x = statisticalModel.initialValues();
        Evaluation e;
        if (statisticalModel instanceof Model model) {
            e = model.evaluate(x, true);
        } else {
            // an estimator likelihood: -ln L and its exact gradient from the networks' theta-gradients
            double[] g = new double[specs.size()];
            double v = statisticalModel.valueAndGradient(x, g);
            String why = statisticalModel.whyNotFinite(x);
            e = new Evaluation(v, g, 0, Double.isFinite(v) ? null : why != null ? why
                    : "a parameter is outside its bounds or a network's ln r is not finite there");
        }
        boolean finite = Double.isFinite(e.value());
        out.paragraph("ratiofit fit " + workspace + ": -ln L at " + (asked ? "the start point (--eval)"
                : "the given point: every parameter is fixed, so there is nothing to minimise") + "; no fit");
        List<List<String>> rows = new ArrayList<>();
        List<Map<String, Object>> params = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            ParameterSpec p = specs.get(i);
            String g = finite ? Output.num4(e.gradient()[i]) : "-";
            rows.add(List.of(p.name(), Output.num(x[i]), p.fixed() ? "fixed" : "", g));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", p.name());
            m.put("value", x[i]);
            m.put("fixed", p.fixed());
            m.put("gradient", finite ? e.gradient()[i] : null);
            params.add(m);
        }
        out.table(List.of("parameter", "value", "", "d(-ln L)/d parameter"), rows);
        if (finite) {
            out.paragraph("-ln L = " + String.format(java.util.Locale.ROOT, "%.10g", e.value()));
        } else {
            out.paragraph("-ln L is not finite here: " + e.reason());
        }
        Map<String, Object> json = Output.result("fit", workspace);
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("nll", finite ? e.value() : null);
        ev.put("finite", finite);
        if (!finite) {
            ev.put("reason", e.reason());
        }
        ev.put("parameters", params);
        json.put("evaluation", ev);
        out.finish(json);
        return finite ? 0 : 3;
    }
}
