package isptool.passes.target;

import isptool.graph.Node;
import isptool.passes.OpRewrite;
import isptool.passes.PassReport;

/** A swap for one target: matches its ops only where the target lacks what they lower to, and says why an op stays. */
abstract class TargetSwap extends OpRewrite {
    static final String FLOAT_ONLY = "only float32 tensors of static shape are rewritten";

    final TargetCaps caps;

    TargetSwap(TargetCaps caps, String... ops) {
        super(ops);
        this.caps = caps;
    }

    /** Records that n stays as it is although the target lacks what it needs; always false (nothing changed). */
    boolean keep(PassReport report, Node n, String needs, String why) {
        report.refused(name(), n.name(), "left as is (needs " + needs + "): " + why);
        return false;
    }
}
