package org.ratiofit.likelihood.histfactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON Patch (RFC 6902) on Jackson trees: add, remove, replace, copy, move, test, with JSON
 * Pointers (RFC 6901: "~1" is "/", "~0" is "~", "-" appends to an array). {@link #apply} works on a
 * deep copy, so the input is never changed, and a failing operation names its index, op and path.
 */
public final class JsonPatch {

    private JsonPatch() {
    }

    /** A patch that cannot be applied: the message names the operation's index, op and path. */
    public static final class PatchException extends IllegalArgumentException {
        public PatchException(String message) {
            super(message);
        }
    }

    /** The document with every operation of {@code patch} (a JSON array) applied in order. */
    public static JsonNode apply(JsonNode patch, JsonNode document) {
        if (patch == null || !patch.isArray()) {
            throw new PatchException("a JSON Patch must be an array of operations");
        }
        JsonNode doc = document.deepCopy();
        for (int i = 0; i < patch.size(); i++) {
            JsonNode op = patch.get(i);
            String where = "patch operation " + i;
            if (!op.isObject() || !op.hasNonNull("op") || !op.hasNonNull("path")) {
                throw new PatchException(where + ": needs 'op' and 'path'");
            }
            String name = op.get("op").asText();
            String path = op.get("path").asText();
            where += " (" + name + " " + path + ")";
            doc = switch (name) {
                case "add" -> add(doc, path, value(op, where), where);
                case "remove" -> remove(doc, path, where);
                case "replace" -> {
                    JsonNode v = value(op, where);
                    JsonNode d = remove(doc, path, where);
                    yield add(d, path, v, where);
                }
                case "copy" -> add(doc, path, get(doc, from(op, where), where).deepCopy(), where);
                case "move" -> {
                    String from = from(op, where);
                    if (path.startsWith(from + "/")) {
                        throw new PatchException(where + ": cannot move '" + from + "' into its own child");
                    }
                    JsonNode v = get(doc, from, where);
                    JsonNode d = remove(doc, from, where);
                    yield add(d, path, v, where);
                }
                case "test" -> {
                    JsonNode v = value(op, where);
                    JsonNode actual = get(doc, path, where);
                    if (!equalJson(actual, v)) {
                        throw new PatchException(where + ": test failed, the document holds " + actual + ", the patch expects " + v);
                    }
                    yield doc;
                }
                default -> throw new PatchException(where + ": unknown op '" + name + "' (add, remove, replace, copy, move, test)");
            };
        }
        return doc;
    }

    /** JSON equality with numbers compared by value (1 equals 1.0). */
    static boolean equalJson(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!equalJson(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            var it = a.fieldNames();
            while (it.hasNext()) {
                String f = it.next();
                if (!b.has(f) || !equalJson(a.get(f), b.get(f))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    private static JsonNode value(JsonNode op, String where) {
        if (!op.has("value")) {
            throw new PatchException(where + ": needs 'value'");
        }
        return op.get("value").deepCopy();
    }

    private static String from(JsonNode op, String where) {
        if (!op.hasNonNull("from")) {
            throw new PatchException(where + ": needs 'from'");
        }
        return op.get("from").asText();
    }

    /** The reference tokens of a JSON Pointer, unescaped. */
    public static List<String> tokens(String pointer, String where) {
        List<String> out = new ArrayList<>();
        if (pointer.isEmpty()) {
            return out;
        }
        if (!pointer.startsWith("/")) {
            throw new PatchException(where + ": path '" + pointer + "' is not a JSON Pointer (must start with '/')");
        }
        for (String t : pointer.substring(1).split("/", -1)) {
            out.add(t.replace("~1", "/").replace("~0", "~"));
        }
        return out;
    }

    /** The node at a JSON Pointer; an error naming the pointer when it does not exist. */
    public static JsonNode get(JsonNode doc, String pointer, String where) {
        JsonNode n = doc;
        for (String t : tokens(pointer, where)) {
            n = child(n, t, pointer, where);
        }
        return n;
    }

    private static JsonNode child(JsonNode n, String t, String pointer, String where) {
        if (n.isObject()) {
            if (!n.has(t)) {
                throw new PatchException(where + ": path '" + pointer + "' does not exist (no member '" + t + "')");
            }
            return n.get(t);
        }
        if (n.isArray()) {
            int i = index(t, n.size() - 1, pointer, where);
            return n.get(i);
        }
        throw new PatchException(where + ": path '" + pointer + "' does not exist ('" + t + "' below a value that is neither object nor array)");
    }

    private static int index(String t, int max, String pointer, String where) {
        if (!t.matches("0|[1-9][0-9]*")) {
            throw new PatchException(where + ": path '" + pointer + "': '" + t + "' is not an array index");
        }
        long i = Long.parseLong(t);
        if (i > max) {
            throw new PatchException(where + ": path '" + pointer + "' does not exist (index " + t + " beyond the array's end)");
        }
        return (int) i;
    }

    private static JsonNode add(JsonNode doc, String pointer, JsonNode value, String where) {
        List<String> tk = tokens(pointer, where);
        if (tk.isEmpty()) {
            return value;
        }
        JsonNode parent = doc;
        for (int k = 0; k < tk.size() - 1; k++) {
            parent = child(parent, tk.get(k), pointer, where);
        }
        String last = tk.get(tk.size() - 1);
        if (parent instanceof ObjectNode o) {
            o.set(last, value);
        } else if (parent instanceof ArrayNode a) {
            if ("-".equals(last)) {
                a.add(value);
            } else {
                a.insert(index(last, a.size(), pointer, where), value);
            }
        } else {
            throw new PatchException(where + ": path '" + pointer + "' does not exist (its parent is neither object nor array)");
        }
        return doc;
    }

    private static JsonNode remove(JsonNode doc, String pointer, String where) {
        List<String> tk = tokens(pointer, where);
        if (tk.isEmpty()) {
            throw new PatchException(where + ": cannot remove the whole document");
        }
        JsonNode parent = doc;
        for (int k = 0; k < tk.size() - 1; k++) {
            parent = child(parent, tk.get(k), pointer, where);
        }
        String last = tk.get(tk.size() - 1);
        if (parent instanceof ObjectNode o) {
            if (!o.has(last)) {
                throw new PatchException(where + ": path '" + pointer + "' does not exist (no member '" + last + "')");
            }
            o.remove(last);
        } else if (parent instanceof ArrayNode a) {
            a.remove(index(last, a.size() - 1, pointer, where));
        } else {
            throw new PatchException(where + ": path '" + pointer + "' does not exist");
        }
        return doc;
    }
}
