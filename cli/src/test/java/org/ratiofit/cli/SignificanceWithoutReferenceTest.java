package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.hipparchus.optim.univariate.UnivariatePointValuePair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.likelihood.Channel;
import org.ratiofit.likelihood.UnbinnedChannel;
import org.ratiofit.likelihood.workspace.Workspace;
import org.ratiofit.likelihood.workspace.WorkspaceWriter;
import org.ratiofit.validation.toys.ExactProfile;

/**
 * {@code ratiofit significance} on a workspace whose unbinned channel has no reference events: the
 * observed q_0 (which needs none) against an independent profile, and a message that the expected
 * one needs reference events.
 */
class SignificanceWithoutReferenceTest {

    @TempDir
    Path tmp;

    @Test
    void observedSignificanceWithoutReferenceEventsAndTheReasonForNoExpected() throws Exception {
        ToyWorkspace full = ToyWorkspace.write(tmp.resolve("full"), new double[] {1, 0, 0}, 11);
        List<Channel> stripped = full.model.channels().stream()
                .map(c -> c instanceof UnbinnedChannel u ? (Channel) new UnbinnedChannel(u.name(), u.samples(), u.data(), null) : c)
                .toList();
        Path ws = tmp.resolve("no-reference");
        new WorkspaceWriter().write(new Workspace(full.model.modelParameters(), stripped), ws);

        ToyWorkspace.Run r = ToyWorkspace.run("significance", ws.toString(), "--json");
        assertEquals(0, r.code(), r::toString);
        JsonNode j = new ObjectMapper().readTree(r.out());
        // the data likelihood does not use the reference events: q_0 is the full workspace's
        ExactProfile p = new ExactProfile(full.model, 0);
        UnivariatePointValuePair hat = p.bestFit(-2, 10);
        double q0 = 2 * (p.profile(0) - hat.getValue());
        assertTrue(q0 > 1, "seed 11 has a signal: q0 " + q0);
        assertEquals(q0, j.get("significance").get("q0").asDouble(), 1e-4 * q0, r::toString);
        assertEquals(Math.sqrt(q0), j.get("significance").get("significance").asDouble(), 1e-4 * Math.sqrt(q0), r::toString);
        assertTrue(j.get("expected").isNull(), r::toString);
        assertTrue(j.get("expectedUnavailable").asText().contains("reference events"), r::toString);

        ToyWorkspace.Run t = ToyWorkspace.run("significance", ws.toString());
        assertEquals(0, t.code(), t::toString);
        assertTrue(t.out().contains("observed") && t.out().contains("expected: not computed")
                && t.out().contains("reference events"), t::toString);
    }
}
