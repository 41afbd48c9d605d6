package org.ratiofit.workspace.selection;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.ratiofit.ratio.data.EventTable;

/**
 * An event selection: comparisons of columns and numbers joined with {@code &} and {@code |},
 * negated with {@code !}, grouped with parentheses, evaluated over whole columns at once.
 *
 * <pre>
 *   expr       := or
 *   or         := and ( ('|' | '||' | 'or') and )*
 *   and        := unary ( ('&amp;' | '&amp;&amp;' | 'and') unary )*
 *   unary      := ('!' | '~' | 'not') unary | '(' or ')' | comparison
 *   comparison := operand ( op operand )+          chained: a &lt; x &lt;= b means a &lt; x and x &lt;= b
 *   op         := '&lt;' | '&lt;=' | '&gt;' | '&gt;=' | '==' | '!='
 *   operand    := column | `column name` | number (with sign, exponent, inf, nan)
 * </pre>
 *
 * Comparisons bind tighter than {@code &}, which binds tighter than {@code |}, so the pandas-style
 * filters of the NSBI toolkits ({@code presel_score>=-1.0 & presel_score<=4.5}) mean what they
 * say. Comparisons with NaN are false except {@code !=}, as in NumPy.
 */
public final class Selection {

    private final String text;
    private final Node root;

    private Selection(String text, Node root) {
        this.text = text;
        this.root = root;
    }

    /** Parses an expression; a {@link SelectionException} names the character where it fails. */
    public static Selection parse(String text) {
        if (text == null || text.isBlank()) {
            throw new SelectionException(text == null ? "" : text, 0, "empty selection");
        }
        Parser p = new Parser(text);
        Node n = p.or();
        p.skipSpace();
        if (p.pos < text.length()) {
            throw new SelectionException(text, p.pos, "unexpected '" + text.substring(p.pos) + "'");
        }
        return new Selection(text, n);
    }

    public String text() {
        return text;
    }

    /** The column names the expression reads, in order of first use. */
    public Set<String> columns() {
        Set<String> out = new LinkedHashSet<>();
        root.columns(out);
        return Collections.unmodifiableSet(out);
    }

    /** The mask of selected events of a table. */
    public boolean[] evaluate(EventTable events) {
        boolean[] out = new boolean[events.size()];
        evaluate(events, 0, events.size(), out);
        return out;
    }

    /** Writes the selection of events {@code [from, to)} into {@code out[0 .. to - from)}. */
    public void evaluate(EventTable events, int from, int to, boolean[] out) {
        root.eval(events, from, to, out);
    }

    @Override
    public String toString() {
        return text;
    }

    // ---------------------------------------------------------------- tree

    private interface Node {
        void eval(EventTable t, int from, int to, boolean[] out);

        void columns(Set<String> out);
    }

    private record Operand(String column, double value) {
        double[] values(EventTable t) {
            return column == null ? null : t.column(column);
        }
    }

    private enum Op {
        LT, LE, GT, GE, EQ, NE;

        boolean test(double a, double b) {
            return switch (this) {
                case LT -> a < b;
                case LE -> a <= b;
                case GT -> a > b;
                case GE -> a >= b;
                case EQ -> a == b;
                case NE -> a != b;
            };
        }
    }

    private record Compare(Operand left, Op op, Operand right) implements Node {
        @Override
        public void eval(EventTable t, int from, int to, boolean[] out) {
            double[] a = left.values(t);
            double[] b = right.values(t);
            int n = to - from;
            // One tight loop per shape of operands: column vs number is the common case.
            if (a != null && b == null) {
                double v = right.value();
                switch (op) {
                    case LT -> { for (int i = 0; i < n; i++) out[i] = a[from + i] < v; }
                    case LE -> { for (int i = 0; i < n; i++) out[i] = a[from + i] <= v; }
                    case GT -> { for (int i = 0; i < n; i++) out[i] = a[from + i] > v; }
                    case GE -> { for (int i = 0; i < n; i++) out[i] = a[from + i] >= v; }
                    case EQ -> { for (int i = 0; i < n; i++) out[i] = a[from + i] == v; }
                    case NE -> { for (int i = 0; i < n; i++) out[i] = a[from + i] != v; }
                }
            } else if (a != null) {
                for (int i = 0; i < n; i++) out[i] = op.test(a[from + i], b[from + i]);
            } else if (b != null) {
                double v = left.value();
                for (int i = 0; i < n; i++) out[i] = op.test(v, b[from + i]);
            } else {
                java.util.Arrays.fill(out, 0, n, op.test(left.value(), right.value()));
            }
        }

        @Override
        public void columns(Set<String> out) {
            if (left.column() != null) out.add(left.column());
            if (right.column() != null) out.add(right.column());
        }
    }

    private record Junction(boolean and, List<Node> terms) implements Node {
        @Override
        public void eval(EventTable t, int from, int to, boolean[] out) {
            int n = to - from;
            terms.get(0).eval(t, from, to, out);
            boolean[] tmp = new boolean[n];
            for (int k = 1; k < terms.size(); k++) {
                terms.get(k).eval(t, from, to, tmp);
                if (and) {
                    for (int i = 0; i < n; i++) out[i] &= tmp[i];
                } else {
                    for (int i = 0; i < n; i++) out[i] |= tmp[i];
                }
            }
        }

        @Override
        public void columns(Set<String> out) {
            for (Node n : terms) n.columns(out);
        }
    }

    private record Not(Node inner) implements Node {
        @Override
        public void eval(EventTable t, int from, int to, boolean[] out) {
            inner.eval(t, from, to, out);
            for (int i = 0; i < to - from; i++) out[i] = !out[i];
        }

        @Override
        public void columns(Set<String> out) {
            inner.columns(out);
        }
    }

    // ---------------------------------------------------------------- parser

    private static final class Parser {
        final String s;
        int pos;

        Parser(String s) {
            this.s = s;
        }

        void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
        }

        boolean word(String w) {
            skipSpace();
            int end = pos + w.length();
            if (s.regionMatches(pos, w, 0, w.length())
                    && (end == s.length() || !(Character.isLetterOrDigit(s.charAt(end)) || s.charAt(end) == '_'))) {
                pos = end;
                return true;
            }
            return false;
        }

        boolean symbol(String sym) {
            skipSpace();
            if (s.startsWith(sym, pos)) {
                pos += sym.length();
                return true;
            }
            return false;
        }

        Node or() {
            List<Node> terms = new ArrayList<>();
            terms.add(and());
            while (symbol("||") || symbol("|") || word("or")) {
                terms.add(and());
            }
            return terms.size() == 1 ? terms.get(0) : new Junction(false, terms);
        }

        Node and() {
            List<Node> terms = new ArrayList<>();
            terms.add(unary());
            while (symbol("&&") || symbol("&") || word("and")) {
                terms.add(unary());
            }
            return terms.size() == 1 ? terms.get(0) : new Junction(true, terms);
        }

        Node unary() {
            skipSpace();
            if (s.startsWith("!=", pos)) {
                throw new SelectionException(s, pos, "expected a column or a number");
            }
            if (symbol("!") || symbol("~") || word("not")) {
                return new Not(unary());
            }
            int open = pos;
            if (symbol("(")) {
                Node n = or();
                if (!symbol(")")) {
                    throw new SelectionException(s, pos, pos >= s.length() ? "missing ')' for the '(' at character " + (open + 1)
                            : "expected ')'");
                }
                return n;
            }
            return comparison();
        }

        Node comparison() {
            Operand left = operand();
            List<Node> parts = new ArrayList<>();
            Op op;
            while ((op = op()) != null) {
                Operand right = operand();
                parts.add(new Compare(left, op, right));
                left = right;
            }
            if (parts.isEmpty()) {
                skipSpace();
                if (pos < s.length() && s.charAt(pos) == '=') {
                    throw new SelectionException(s, pos, "'=' is not a comparison; use '=='");
                }
                throw new SelectionException(s, pos, "expected a comparison (<, <=, >, >=, ==, !=)");
            }
            return parts.size() == 1 ? parts.get(0) : new Junction(true, parts);
        }

        Op op() {
            skipSpace();
            if (symbol("<=")) return Op.LE;
            if (symbol(">=")) return Op.GE;
            if (symbol("==")) return Op.EQ;
            if (symbol("!=")) return Op.NE;
            if (symbol("<")) return Op.LT;
            if (symbol(">")) return Op.GT;
            return null;
        }

        Operand operand() {
            skipSpace();
            if (pos >= s.length()) {
                throw new SelectionException(s, pos, "expected a column or a number but the expression ends");
            }
            char c = s.charAt(pos);
            if (c == '`') {
                int end = s.indexOf('`', pos + 1);
                if (end < 0) {
                    throw new SelectionException(s, pos, "unclosed `quoted column name`");
                }
                String name = s.substring(pos + 1, end);
                pos = end + 1;
                return new Operand(name, 0);
            }
            int start = pos;
            if (c == '+' || c == '-' || c == '.' || Character.isDigit(c)) {
                pos++;
                while (pos < s.length()) {
                    char d = s.charAt(pos);
                    boolean exponentSign = (d == '+' || d == '-') && (s.charAt(pos - 1) == 'e' || s.charAt(pos - 1) == 'E');
                    if (Character.isLetterOrDigit(d) || d == '.' || exponentSign) {
                        pos++;
                    } else {
                        break;
                    }
                }
                String t = s.substring(start, pos);
                String lower = t.toLowerCase(Locale.ROOT);
                switch (lower.replaceFirst("^[+-]", "")) {
                    case "inf", "infinity" -> { return new Operand(null, lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY); }
                    case "nan" -> { return new Operand(null, Double.NaN); }
                    default -> { }
                }
                try {
                    return new Operand(null, Double.parseDouble(t));
                } catch (NumberFormatException e) {
                    throw new SelectionException(s, start, "'" + t + "' is not a number");
                }
            }
            if (Character.isLetter(c) || c == '_') {
                while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_' || s.charAt(pos) == '.')) {
                    pos++;
                }
                String name = s.substring(start, pos);
                switch (name) {
                    case "inf" -> { return new Operand(null, Double.POSITIVE_INFINITY); }
                    case "nan" -> { return new Operand(null, Double.NaN); }
                    case "and", "or", "not" -> throw new SelectionException(s, start, "expected a column or a number, found '" + name + "'");
                    default -> { return new Operand(name, 0); }
                }
            }
            throw new SelectionException(s, pos, "unexpected '" + c + "'");
        }
    }
}
