package org.ratiofit.workspace.train;

import java.nio.file.Path;
import java.util.List;
import org.ratiofit.workspace.config.FitConfig;

/**
 * One ensemble a fit configuration names and how to train it: the numerator hypothesis's events
 * against the denominator's, written to {@code folder}.
 *
 * @param yamlPath    where the configuration names the ensemble ({@code Samples[1].Ensemble})
 * @param name        the ensemble's name (its folder's name)
 * @param numerator   what the numerator is (a basis sample, or a sample's systematic variation)
 * @param numeratorEvents its event files
 * @param denominator what the denominator is (the reference sample(s), or the nominal sample)
 * @param denominatorEvents its event files (several reference samples form a mixture)
 * @param folder      the ensemble folder to write
 */
public record EnsembleJob(String yamlPath, String name, String numerator, List<FitConfig.EventFiles> numeratorEvents,
        String denominator, List<FitConfig.EventFiles> denominatorEvents, Path folder) {

    public EnsembleJob {
        numeratorEvents = List.copyOf(numeratorEvents);
        denominatorEvents = List.copyOf(denominatorEvents);
    }
}
