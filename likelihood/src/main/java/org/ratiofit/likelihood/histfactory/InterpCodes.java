package org.ratiofit.likelihood.histfactory;

/**
 * The interpolation codes a pyhf workspace is read with: normsys (multiplicative, code 1 or 4) and
 * histosys (additive, code 0 or 4p). pyhf's defaults are code 4 and code 4p; pyhf's own
 * validation suite uses code 1 and code 0 ({@code --interp normsys=code1,histosys=code0}).
 *
 * @param normsys 1 or 4
 * @param histosys "0" or "4p"
 */
public record InterpCodes(int normsys, String histosys) {

    /** pyhf's defaults: normsys code 4, histosys code 4p. */
    public static final InterpCodes PYHF_DEFAULT = new InterpCodes(4, "4p");

    public InterpCodes {
        if (normsys != 1 && normsys != 4) {
            throw new IllegalArgumentException("normsys interpolation code " + normsys + " is not supported (code1 or code4)");
        }
        if (!"0".equals(histosys) && !"4p".equals(histosys)) {
            throw new IllegalArgumentException("histosys interpolation code '" + histosys + "' is not supported (code0 or code4p)");
        }
    }

    /**
     * Parses {@code normsys=code1,histosys=code0} (either part may be left out; "code" is
     * optional: {@code normsys=1}). Unknown keys or codes are errors that say what is accepted.
     */
    public static InterpCodes parse(String text) {
        int normsys = PYHF_DEFAULT.normsys;
        String histosys = PYHF_DEFAULT.histosys;
        if (text == null || text.isBlank()) {
            return PYHF_DEFAULT;
        }
        for (String part : text.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("--interp: '" + part + "' is not TYPE=CODE (e.g. normsys=code1,histosys=code0)");
            }
            String key = kv[0].trim().toLowerCase(java.util.Locale.ROOT);
            String code = kv[1].trim().toLowerCase(java.util.Locale.ROOT);
            if (code.startsWith("code")) {
                code = code.substring(4);
            }
            switch (key) {
                case "normsys" -> {
                    if (!code.equals("1") && !code.equals("4")) {
                        throw new IllegalArgumentException("--interp: normsys code '" + kv[1].trim() + "' is not supported (code1 or code4)");
                    }
                    normsys = Integer.parseInt(code);
                }
                case "histosys" -> {
                    if (!code.equals("0") && !code.equals("4p")) {
                        throw new IllegalArgumentException("--interp: histosys code '" + kv[1].trim() + "' is not supported (code0 or code4p)");
                    }
                    histosys = code;
                }
                default -> throw new IllegalArgumentException("--interp: unknown modifier type '" + kv[0].trim() + "' (normsys or histosys)");
            }
        }
        return new InterpCodes(normsys, histosys);
    }

    @Override
    public String toString() {
        return "normsys=code" + normsys + ",histosys=code" + histosys;
    }
}
