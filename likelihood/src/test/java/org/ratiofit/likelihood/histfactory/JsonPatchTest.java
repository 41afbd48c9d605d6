package org.ratiofit.likelihood.histfactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratiofit.likelihood.Model;

/** JSON Patch (RFC 6902, the RFC's own examples from its appendix A) and pyhf patchsets. */
class JsonPatchTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode j(String s) throws Exception {
        return JSON.readTree(s.replace('\'', '"'));
    }

    static void rfc(String doc, String patch, String expected) throws Exception {
        assertEquals(j(expected), JsonPatch.apply(j(patch), j(doc)), patch);
    }

    @Test
    void rfc6902AppendixA() throws Exception {
        rfc("{'foo':'bar'}", "[{'op':'add','path':'/baz','value':'qux'}]", "{'baz':'qux','foo':'bar'}");
        rfc("{'foo':['bar','baz']}", "[{'op':'add','path':'/foo/1','value':'qux'}]", "{'foo':['bar','qux','baz']}");
        rfc("{'baz':'qux','foo':'bar'}", "[{'op':'remove','path':'/baz'}]", "{'foo':'bar'}");
        rfc("{'foo':['bar','qux','baz']}", "[{'op':'remove','path':'/foo/1'}]", "{'foo':['bar','baz']}");
        rfc("{'baz':'qux','foo':'bar'}", "[{'op':'replace','path':'/baz','value':'boo'}]", "{'baz':'boo','foo':'bar'}");
        rfc("{'foo':{'bar':'baz','waldo':'fred'},'qux':{'corge':'grault'}}", "[{'op':'move','from':'/foo/waldo','path':'/qux/thud'}]",
                "{'foo':{'bar':'baz'},'qux':{'corge':'grault','thud':'fred'}}");
        rfc("{'foo':['all','grass','cows','eat']}", "[{'op':'move','from':'/foo/1','path':'/foo/3'}]", "{'foo':['all','cows','eat','grass']}");
        rfc("{'baz':'qux','foo':['a',2,'c']}", "[{'op':'test','path':'/baz','value':'qux'},{'op':'test','path':'/foo/1','value':2}]",
                "{'baz':'qux','foo':['a',2,'c']}");
        rfc("{'foo':'bar'}", "[{'op':'add','path':'/child','value':{'grandchild':{}}}]", "{'foo':'bar','child':{'grandchild':{}}}");
        rfc("{'foo':['bar']}", "[{'op':'add','path':'/foo/-','value':['abc','def']}]", "{'foo':['bar',['abc','def']]}");
        rfc("{'/':9,'~1':10}", "[{'op':'test','path':'/~01','value':10}]", "{'/':9,'~1':10}");
        rfc("{'foo':'bar'}", "[{'op':'copy','from':'/foo','path':'/baz'}]", "{'foo':'bar','baz':'bar'}");
        rfc("{'foo':1}", "[{'op':'test','path':'/foo','value':1.0}]", "{'foo':1}");
    }

    @Test
    void failuresNameTheOperationAndPath() throws Exception {
        JsonPatch.PatchException e = assertThrows(JsonPatch.PatchException.class,
                () -> JsonPatch.apply(j("[{'op':'replace','path':'/channels/3/name','value':'x'}]"), j("{'channels':[{'name':'a'}]}")));
        assertTrue(e.getMessage().contains("patch operation 0 (replace /channels/3/name)") && e.getMessage().contains("does not exist"), e.getMessage());
        assertThrows(JsonPatch.PatchException.class, () -> JsonPatch.apply(j("[{'op':'add','path':'/baz/bat','value':'qux'}]"), j("{'foo':'bar'}")));
        assertThrows(JsonPatch.PatchException.class, () -> JsonPatch.apply(j("[{'op':'test','path':'/baz','value':'bar'}]"), j("{'baz':'qux'}")));
        assertThrows(JsonPatch.PatchException.class, () -> JsonPatch.apply(j("[{'op':'frobnicate','path':'/baz'}]"), j("{'baz':'qux'}")));
        assertThrows(JsonPatch.PatchException.class, () -> JsonPatch.apply(j("[{'op':'add','path':'/foo/01','value':1}]"), j("{'foo':[1,2]}")));
        JsonNode doc = j("{'a':[1,2]}");
        JsonNode copy = doc.deepCopy();
        JsonPatch.apply(j("[{'op':'remove','path':'/a/0'}]"), doc);
        assertEquals(copy, doc, "the input document is not changed");
    }

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 10);
    }

    /** A random sequence of replace/add operations on a workspace, then their inverses in reverse order, gives the original back. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void patchThenRevertGivesTheOriginal(long seed) {
        JsonNode ws = SyntheticWorkspace.generate(seed, 2, 3, 2, 2, 2, 0.5, false);
        SplittableRandom rng = new SplittableRandom(seed);
        ArrayNode forward = JsonNodeFactory.instance.arrayNode();
        ArrayNode back = JsonNodeFactory.instance.arrayNode();
        JsonNode cur = ws;
        for (int k = 0; k < 6; k++) {
            int c = rng.nextInt(2);
            int s = rng.nextInt(3);
            String base = "/channels/" + c + "/samples/" + s;
            ArrayNode op = JsonNodeFactory.instance.arrayNode();
            ArrayNode inv = JsonNodeFactory.instance.arrayNode();
            if (rng.nextBoolean()) {
                String path = base + "/data/" + rng.nextInt(2);
                op.addObject().put("op", "replace").put("path", path).put("value", rng.nextDouble(1, 50));
                inv.addObject().put("op", "replace").put("path", path).set("value", JsonPatch.get(cur, path, "").deepCopy());
            } else {
                String path = base + "/modifiers/0";
                op.addObject().put("op", "add").put("path", path).putObject("value").put("name", "extra" + k).put("type", "normfactor").putNull("data");
                inv.addObject().put("op", "remove").put("path", path);
            }
            cur = JsonPatch.apply(op, cur);
            forward.addAll(op);
            ArrayNode nb = JsonNodeFactory.instance.arrayNode();
            nb.addAll(inv);
            nb.addAll(back);
            back = nb;
        }
        JsonNode patched = JsonPatch.apply(forward, ws);
        assertEquals(cur, patched, "seed " + seed);
        assertTrue(!patched.equals(ws), "seed " + seed + ": the patch changed something");
        assertEquals(ws, JsonPatch.apply(back, patched), "seed " + seed + ": reverted");
    }

    @Test
    void patchsetsAreCheckedAsPyhfChecksThem() throws Exception {
        for (String good : List.of("patchset_good_2_patches.json", "patchset_good_stringvalues.json", "example_patchset.json")) {
            PatchSet.of(JSON.readTree(PyhfReferenceLogPdfTest.resource("patchsets/" + good).toFile()), good);
        }
        String[][] bad = {
            {"patchset_bad_duplicate_patch_name.json", "$.patches[1].metadata.name: duplicate patch name 'Gtt_2100_5000_800'"},
            {"patchset_bad_duplicate_patch_values.json", "$.patches[1].metadata.values: duplicate values [2100,800]"},
            {"patchset_bad_wrong_values_multiplicity.json", "$.patches[1].metadata.values: 3 values for 2 labels"},
            {"patchset_bad_wrong_valuetype.json", "$.patches[0].metadata.values[1]"},
        };
        for (String[] b : bad) {
            HistFactoryException e = assertThrows(HistFactoryException.class,
                    () -> PatchSet.of(JSON.readTree(PyhfReferenceLogPdfTest.resource("patchsets/" + b[0]).toFile()), b[0]));
            assertTrue(e.getMessage().contains(b[1]), b[0] + ": " + e.getMessage());
        }
        HistFactoryException empty = assertThrows(HistFactoryException.class,
                () -> PatchSet.of(j("{'metadata':{'labels':[]},'patches':[]}"), "e.json"));
        assertTrue(empty.getMessage().contains("$.version: missing") && empty.getMessage().contains("$.patches: must be a non-empty array"),
                empty.getMessage());
        HistFactoryException notJson = assertThrows(HistFactoryException.class,
                () -> PyhfWorkspace.readJson(PyhfReferenceLogPdfTest.resource("patchsets/patchset_bad_empty_patches.json")));
        assertTrue(notJson.getMessage().contains("malformed JSON"), notJson.getMessage());
    }

    @Test
    void theExamplePatchsetAppliesToItsBackgroundWorkspace() throws Exception {
        PyhfWorkspace bkg = PyhfWorkspace.read(PyhfReferenceLogPdfTest.resource("patchsets/example_bkgonly.json"));
        JsonNode set = JSON.readTree(PyhfReferenceLogPdfTest.resource("patchsets/example_patchset.json").toFile());
        PyhfWorkspace sig = bkg.patched(set, null, "example_patchset.json");
        assertEquals(1.2, sig.json().at("/channels/0/samples/0/modifiers/0/data/hi").asDouble());
        Model before = bkg.model();
        Model after = sig.model();
        assertEquals(before.parameterNames(), after.parameterNames());
        double[] x = before.modelParameters().stream().mapToDouble(p -> p.initial()).toArray();
        x[before.parameterNames().indexOf(sig.json().at("/channels/0/samples/0/modifiers/0/name").asText())] = 1;
        assertTrue(before.value(x) != after.value(x));
        HistFactoryException e = assertThrows(HistFactoryException.class, () -> bkg.patched(set, "nope", "example_patchset.json"));
        assertTrue(e.getMessage().contains("no patch named 'nope'") && e.getMessage().contains("patch_channel1_signal_syst1"), e.getMessage());
        HistFactoryException e2 = assertThrows(HistFactoryException.class,
                () -> bkg.patched(j("[{'op':'replace','path':'/channels/9/name','value':'x'}]"), null, "p.json"));
        assertTrue(e2.getMessage().startsWith("p.json: patch operation 0 (replace /channels/9/name)"), e2.getMessage());
        HistFactoryException e3 = assertThrows(HistFactoryException.class,
                () -> bkg.patched(j("[{'op':'add','path':'/channels/0/samples/0/data/-','value':1}]"), null, "p.json"));
        assertTrue(e3.getMessage().contains("$.channels[0].samples[0].data"), e3.getMessage());
    }
}
