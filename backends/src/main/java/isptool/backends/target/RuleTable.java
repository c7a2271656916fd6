package isptool.backends.target;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The rules of one target family as data: general rows (every op) and per-op rows. An op with no
 * row is refused as unknown, and a test keeps every op isptool emits covered for every target.
 */
public final class RuleTable {
    private final String name;
    private final List<Rule> rules;

    private RuleTable(String name, List<Rule> rules) {
        this.name = name;
        this.rules = Collections.unmodifiableList(rules);
    }

    public String name() {
        return name;
    }

    public List<Rule> rules() {
        return rules;
    }

    /** Whether the table has a row of its own for this op (general rows do not count). */
    public boolean covers(String opName) {
        return rules.stream().anyMatch(r -> r.op().equals(opName));
    }

    /** Every refusal of the operator on the target; empty when it runs there. */
    public List<Refusal> refusals(OpView op, Target target) {
        List<Refusal> r = new ArrayList<>();
        if (!covers(op.op())) {
            r.add(new Refusal(op.op() + " has no row in the " + name + " rule table (not known to run there)",
                    "isptool rule table " + name));
        }
        for (Rule rule : rules) {
            if (rule.appliesTo(op.op())) {
                String why = rule.check().refusal(op, target);
                if (why != null) {
                    r.add(new Refusal(why, rule.source()));
                }
            }
        }
        return r;
    }

    static Builder builder(String name, String defaultSource) {
        return new Builder(name, defaultSource);
    }

    /** Builds a table: rows cite the table's default source unless given their own. */
    static final class Builder {
        private final String name;
        private final String defaultSource;
        private final List<Rule> rules = new ArrayList<>();

        private Builder(String name, String defaultSource) {
            this.name = name;
            this.defaultSource = defaultSource;
        }

        /** A general row: the check runs on every operator. */
        Builder all(String source, Check check) {
            rules.add(new Rule(Rule.ANY_OP, check, source));
            return this;
        }

        /** Rows for these ops (one or several names separated by spaces), citing the default source. */
        Builder op(String ops, Check... checks) {
            return op(defaultSource, ops, checks);
        }

        /** Rows for these ops citing their own source; no check means the op is taken as it is. */
        Builder op(String source, String ops, Check... checks) {
            for (String op : ops.trim().split("\\s+")) {
                if (checks.length == 0) {
                    rules.add(new Rule(op, Checks.ACCEPTED, source));
                }
                for (Check c : checks) {
                    rules.add(new Rule(op, c, source));
                }
            }
            return this;
        }

        RuleTable build() {
            return new RuleTable(name, new ArrayList<>(rules));
        }
    }
}
