package org.ratiofit.workspace.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * YAML's special floats ({@code .inf}, {@code -.inf}, {@code +.inf}, {@code .nan} in any of YAML's
 * spellings): Jackson's YAML parser refuses them as "malformed numeric value". They are quoted
 * before parsing (line and column numbers unchanged but for the two quotes) and read back here:
 * infinite bounds are accepted, NaN is refused by name.
 */
final class YamlSpecialFloats {

    private static final Pattern SPECIAL = Pattern.compile(
            "(?<=^|[\\s\\[,:])([-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))(?=\\s*(?:$|[,\\]}#\\n\\r]))", Pattern.MULTILINE);

    private YamlSpecialFloats() {}

    /** The YAML text with every unquoted special float quoted. */
    static String quote(String yaml) {
        Matcher m = SPECIAL.matcher(yaml);
        return m.replaceAll(r -> Matcher.quoteReplacement("'" + r.group(1) + "'"));
    }

    /** +-infinity or NaN for a quoted special float, null for anything else. */
    static Double value(JsonNode n) {
        if (n == null || !n.isTextual()) {
            return null;
        }
        String t = n.asText();
        if (t.matches("\\.(?:nan|NaN|NAN)")) {
            return Double.NaN;
        }
        if (t.matches("\\+?\\.(?:inf|Inf|INF)")) {
            return Double.POSITIVE_INFINITY;
        }
        if (t.matches("-\\.(?:inf|Inf|INF)")) {
            return Double.NEGATIVE_INFINITY;
        }
        return null;
    }
}
