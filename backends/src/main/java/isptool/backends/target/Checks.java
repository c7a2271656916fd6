package isptool.backends.target;

import isptool.backends.tflite.TfliteType;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiPredicate;

/** The conditions rule tables are written with; each returns its refusal in the source's terms. */
final class Checks {
    /** Never refuses: a row saying the op runs as it is. */
    static final Check ACCEPTED = (op, t) -> null;

    private Checks() {
    }

    /** Always refuses, for ops the target does not have. */
    static Check unsupported(String why) {
        return (op, t) -> op.op() + ": " + why;
    }

    /** The op exists from this NNAPI API level on. */
    static Check minApi(int api) {
        return (op, t) -> t.apiLevel() < api ? op.op() + " is not in NNAPI before API " + api + " (feature level "
                + featureLevel(api) + "); this target is API " + t.apiLevel() : null;
    }

    /** A variant of the op (what) needs this API level. */
    static Check minApiWhen(int api, String what, BiPredicate<OpView, Target> variant) {
        return (op, t) -> t.apiLevel() < api && variant.test(op, t) ? what + " needs API " + api
                + "; this target is API " + t.apiLevel() : null;
    }

    static Check maxVersion(int v) {
        return (op, t) -> op.version() > v ? op.op() + " version " + op.version() + "; the delegate takes up to"
                + " version " + v : null;
    }

    /** Input 0 must have one of these types. */
    static Check inputTypes(TfliteType... types) {
        List<TfliteType> ok = Arrays.asList(types);
        return (op, t) -> ok.contains(op.inputType(0)) ? null : "input type " + op.inputType(0) + "; the delegate"
                + " takes " + names(types);
    }

    /** Input 0 must have one of these types from the API level on (before it the check does not apply). */
    static Check inputTypesFromApi(int api, TfliteType... types) {
        Check c = inputTypes(types);
        return (op, t) -> t.apiLevel() >= api ? c.refusal(op, t) : null;
    }

    /** Input 0 must have one of these types before the API level. */
    static Check inputTypesBeforeApi(int api, TfliteType... types) {
        Check c = inputTypes(types);
        return (op, t) -> t.apiLevel() < api ? prefix("before API " + api + ": ", c.refusal(op, t)) : null;
    }

    /** Input i must be a constant tensor. */
    static Check constant(int i, String what) {
        return (op, t) -> op.input(i) != null && !op.isConstant(i) ? "the " + what + " (input " + i + ") is not"
                + " constant" : null;
    }

    /** No tensor of the operator above this rank. */
    static Check maxRank(int rank) {
        return (op, t) -> op.maxRank() > rank ? "a " + op.maxRank() + "-D tensor; the target takes at most "
                + rank + "-D" : null;
    }

    /** The fused activation must be one of these. */
    static Check activations(String... allowed) {
        List<String> ok = Arrays.asList(allowed);
        return (op, t) -> ok.contains(op.fusedActivation()) ? null : "fused activation " + op.fusedActivation()
                + "; the delegate takes " + String.join(", ", allowed);
    }

    /** A boolean option that must be false (before an API level, or always with api = MAX_VALUE). */
    static Check flagOffBeforeApi(int api, String getter, String optionName) {
        return (op, t) -> t.apiLevel() < api && op.flag(getter) ? optionName + " = true"
                + (api == Integer.MAX_VALUE ? " is not supported" : " needs API " + api + "; this target is API "
                + t.apiLevel()) : null;
    }

    /** Refuses with the message when the condition holds. */
    static Check refuseIf(BiPredicate<OpView, Target> condition, String message) {
        return (op, t) -> condition.test(op, t) ? message : null;
    }

    static String names(TfliteType... types) {
        return String.join(", ", Arrays.stream(types).map(Enum::name).toList());
    }

    private static String prefix(String p, String s) {
        return s == null ? null : p + s;
    }

    private static int featureLevel(int api) {
        return new Target("x", Target.Family.NNAPI, api, 0, "").featureLevel();
    }
}
