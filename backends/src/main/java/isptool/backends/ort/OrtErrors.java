package isptool.backends.ort;

import ai.onnxruntime.OrtException;
import isptool.graph.ModelException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns onnxruntime's errors (multi-line, with source paths and C++ signatures) into one-line
 * {@link ModelException}s that name the model and the node and say what to do.
 */
final class OrtErrors {
    /** "Could not find an implementation for Add(6) node with name 'plus'" */
    private static final Pattern NO_KERNEL = Pattern.compile(
            "Could not find an implementation for (\\w+)\\((\\d+)\\) node with name '([^']*)'");
    /** "In Node, ("blur1", FancyBlur, "", -1) : ... No Op registered for FancyBlur with domain_version of 17" */
    private static final Pattern NO_OP = Pattern.compile(
            "In Node, \\(\"([^\"]*)\", (\\w+), \"([^\"]*)\".*No Op registered for \\w+ with domain_version of (\\d+)");
    /** "com.acme:Blur(-1) is not a registered function/op" */
    private static final Pattern UNREGISTERED_OP = Pattern.compile(
            "([\\w.]*):(\\w+)\\((-?\\d+)\\) is not a registered function/op");
    /** "Non-zero status code returned while running Reshape node. Name:'rs' Status Message: ..." */
    private static final Pattern NODE_FAILED = Pattern.compile(
            "Non-zero status code returned while running (\\w+) node\\. Name:'([^']*)' Status Message: (.*)");
    /** The source location, C++ signature and failed condition that precede onnxruntime's own sentence. */
    private static final Pattern SOURCE_NOISE = Pattern.compile("\\S*onnxruntime_src\\S*:\\d+ .*? was false\\.\\s*");
    /** "... Failed to allocate memory for requested buffer of size 230400000000" */
    private static final Pattern ALLOCATION = Pattern.compile("Failed to allocate memory for requested buffer of size (\\d+)");
    private static final Pattern PREFIX = Pattern.compile("^Error code - \\w+ - message:\\s*");

    private OrtErrors() {
    }

    /** onnxruntime's message on one line, without its error-code prefix. */
    static String oneLine(OrtException e) {
        String m = e.getMessage() == null ? e.getCode().toString() : e.getMessage();
        return PREFIX.matcher(m).replaceFirst("").replaceAll("\\s+", " ").strip();
    }

    /** An error raised while onnxruntime loaded the model (graph checks, kernel lookup). */
    static ModelException load(String model, OrtException e) {
        String msg = oneLine(e);
        Matcher k = NO_KERNEL.matcher(msg);
        if (k.find()) {
            return new ModelException(model + ": " + node(k.group(3)) + " (" + k.group(1) + " from opset " + k.group(2)
                    + "): onnxruntime's CPU provider has no kernel for this op version; re-export the model"
                    + " with a newer opset (torch.onnx.export(..., opset_version=17))", e);
        }
        Matcher n = NO_OP.matcher(msg);
        if (n.find()) {
            String domain = n.group(3).isEmpty() ? "ONNX" : "domain " + n.group(3);
            return new ModelException(model + ": " + node(n.group(1)) + " (" + n.group(2) + "): there is no op "
                    + n.group(2) + " in " + domain + " opset " + n.group(4) + "; replace it with standard ONNX ops"
                    + " (or fix the op name) and re-export", e);
        }
        Matcher u = UNREGISTERED_OP.matcher(msg);
        if (u.find()) {
            String domain = u.group(1).isEmpty() ? "ai.onnx" : u.group(1);
            return new ModelException(model + ": op " + u.group(2) + " of domain " + domain + " is a custom op that"
                    + " onnxruntime does not know; export the model with standard ONNX ops", e);
        }
        return new ModelException(model + ": onnxruntime cannot load the model: " + msg, e);
    }

    /** An error raised while running the model. */
    static ModelException run(String model, OrtException e) {
        String msg = oneLine(e);
        Matcher f = NODE_FAILED.matcher(msg);
        if (f.find()) {
            Matcher a = ALLOCATION.matcher(f.group(3));
            if (a.find()) {
                return new ModelException(model + ": " + node(f.group(2)) + " (" + f.group(1) + "): onnxruntime cannot"
                        + " allocate " + gib(Long.parseLong(a.group(1))) + " for it; check the node's attributes and"
                        + " the input shape (--input-shape), or run on a machine with that much memory", e);
            }
            String why = SOURCE_NOISE.matcher(f.group(3)).replaceFirst("");
            return new ModelException(model + ": " + node(f.group(2)) + " (" + f.group(1) + ") failed in onnxruntime: "
                    + why, e);
        }
        return new ModelException(model + ": onnxruntime failed while running the model: " + msg, e);
    }

    private static String gib(long bytes) {
        return bytes >= 1L << 30 ? String.format("%.1f GiB", bytes / (double) (1L << 30))
                : String.format("%.1f MiB", bytes / (double) (1L << 20));
    }

    private static String node(String name) {
        return name.isEmpty() ? "an unnamed node" : "node \"" + name + "\"";
    }
}
