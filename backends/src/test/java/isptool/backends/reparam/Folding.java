package isptool.backends.reparam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import isptool.backends.ort.OrtRunner;
import isptool.backends.verify.Comparison;
import isptool.graph.DType;
import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.graph.io.OnnxExporter;
import isptool.passes.PassReport;
import isptool.passes.Pipeline;
import isptool.passes.Pipelines;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * One run of the reparam pipeline on a small graph, checked the way the reparam command checks
 * it: the original (exported before the passes) and the folded graph run in onnxruntime on the
 * same seeded input, and every output must agree to 1e-5 of its range, under the same name and
 * in the same order.
 */
record Folding(Graph graph, PassReport report, List<Comparison> comparisons) {
    static final double TOLERANCE = 1e-5;

    static Folding reparam(SmallGraph small) {
        return run(small, Pipelines.reparam(), TOLERANCE);
    }

    /** One run of the given pipeline, checked against the graph before it to tolerance (relative to range). */
    static Folding run(SmallGraph small, Pipeline pipeline, double tolerance) {
        Graph g = small.g;
        byte[] original = OnnxExporter.toBytes(g);
        Map<String, Tensor> inputs = seededInputs(g);
        Map<String, Tensor> expected;
        List<String> namesBefore;
        try (OrtRunner r = OrtRunner.open(original, g.source(), OrtRunner.Options.REFERENCE)) {
            expected = r.run(inputs);
            namesBefore = r.outputNames();
        }

        PassReport report = new PassReport();
        pipeline.run(g, report);

        Map<String, Tensor> actual;
        List<String> namesAfter;
        try (OrtRunner r = OrtRunner.open(g)) {
            actual = r.run(inputs);
            namesAfter = r.outputNames();
        }
        Folding f = new Folding(g, report, Comparison.compare(expected, actual));
        assertEquals(namesBefore, namesAfter, "graph outputs (names and order) changed\n" + f.describe());
        for (Comparison c : f.comparisons) {
            assertTrue(c.withinRelative(tolerance), "folded graph differs: " + c + "\n" + f.describe());
        }
        return f;
    }

    private static Map<String, Tensor> seededInputs(Graph g) {
        Random random = new Random(1234);
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (Value v : g.inputs()) {
            long[] dims = v.shape().dims();
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            double[] x = new double[Math.toIntExact(n)];
            for (int i = 0; i < x.length; i++) {
                x[i] = 2 * random.nextDouble() - 1;
            }
            in.put(v.name(), Tensor.of(DType.FLOAT, dims, x));
        }
        return in;
    }

    // ---- what the folded graph holds ----

    int count(String op) {
        return graph.count(op);
    }

    List<Node> nodes(String op) {
        return graph.nodes().stream().filter(n -> n.is(op)).collect(Collectors.toList());
    }

    /** The only node of this op type. */
    Node only(String op) {
        List<Node> ns = nodes(op);
        assertEquals(1, ns.size(), "expected exactly one " + op + "\n" + describe());
        return ns.get(0);
    }

    List<String> outputNames() {
        List<String> r = new ArrayList<>();
        for (Value v : graph.outputs()) {
            r.add(v.name());
        }
        return r;
    }

    /** Multiplications by a constant (what a folded scale must not leave behind). */
    int constantMuls() {
        int c = 0;
        for (Node n : nodes("Mul")) {
            if (n.inputs().stream().anyMatch(Value::isConstant)) {
                c++;
            }
        }
        return c;
    }

    // ---- report ----

    List<PassReport.Entry> applied(String pass) {
        return report.applied().stream().filter(e -> e.pass().equals(pass)).collect(Collectors.toList());
    }

    List<PassReport.Entry> refused(String pass) {
        return report.refused().stream().filter(e -> e.pass().equals(pass)).collect(Collectors.toList());
    }

    /** Asserts pass applied a fold whose text contains every fragment given. */
    void assertApplied(String pass, String... fragments) {
        for (PassReport.Entry e : applied(pass)) {
            if (containsAll(e.what(), fragments)) {
                return;
            }
        }
        fail(pass + " applied nothing containing " + List.of(fragments) + "\n" + describe());
    }

    /** Asserts pass refused a fold with a reason containing every fragment given. */
    void assertRefused(String pass, String... fragments) {
        for (PassReport.Entry e : refused(pass)) {
            if (containsAll(e.what(), fragments)) {
                return;
            }
        }
        fail(pass + " refused nothing with a reason containing " + List.of(fragments) + "\n" + describe());
    }

    void assertNothingRefused() {
        assertTrue(report.refused().isEmpty(), "unexpected refusals\n" + describe());
    }

    private static boolean containsAll(String text, String[] fragments) {
        for (String f : fragments) {
            if (!text.contains(f)) {
                return false;
            }
        }
        return true;
    }

    /** The folded graph, the report and the comparisons, for failure messages. */
    String describe() {
        StringBuilder b = new StringBuilder("ops after: ").append(graph.opHistogram()).append('\n');
        for (Node n : graph.nodes()) {
            b.append("  ").append(n).append(' ').append(n.inputs()).append(" -> ").append(n.outputs())
                    .append(' ').append(n.attrs()).append('\n');
        }
        report.applied().forEach(e -> b.append("  applied ").append(e).append('\n'));
        report.refused().forEach(e -> b.append("  refused ").append(e).append('\n'));
        if (comparisons != null) {
            comparisons.forEach(c -> b.append("  ").append(c).append('\n'));
        }
        return b.toString();
    }
}
