package isptool.graph.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.graph.DType;
import isptool.graph.Graph;
import isptool.graph.ModelException;
import isptool.graph.Node;
import isptool.graph.Shape;
import isptool.graph.TestPaths;
import isptool.graph.Value;
import isptool.graph.eval.ConstantFolding;
import isptool.graph.io.OnnxImporter;
import isptool.graph.onnx.OnnxProto.TensorProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * For every ONNX backend test model (pytorch-converted, pytorch-operator, light): import it,
 * forget every shape the file declares except the graph inputs', run shape inference with
 * constant folding, and compare each output's inferred shape and type with the stored
 * reference output of test_data_set_0.
 */
class ShapeConformanceTest {
    /** Shape arithmetic scale: folds index math and small weights, leaves big weights to run time. */
    private static final long FOLD_LIMIT = 1 << 16;

    /**
     * Models whose import must fail with a ModelException, and why. None at present: every model
     * of the three suites imports (opset 6 to 12, no control flow, no string tensors).
     */
    private static final Map<String, String> EXPECTED_IMPORT_FAILURES = Map.of();

    private static final Set<String> passed = new HashSet<>();
    private static final List<String> failed = new ArrayList<>();

    @TestFactory
    Stream<DynamicTest> inferredOutputShapesMatchReferenceOutputs() throws IOException {
        Path root = TestPaths.onnxBackendTests();
        List<DynamicTest> tests = new ArrayList<>();
        for (String suite : List.of("pytorch-converted", "pytorch-operator")) {
            try (Stream<Path> dirs = Files.list(root.resolve(suite))) {
                dirs.filter(d -> Files.isRegularFile(d.resolve("model.onnx"))).sorted().forEach(d -> tests.add(
                        test(suite + "/" + d.getFileName(), d.resolve("model.onnx"), k -> d.resolve("test_data_set_0/output_" + k + ".pb"))));
            }
        }
        try (Stream<Path> files = Files.list(root.resolve("light"))) {
            files.filter(f -> f.toString().endsWith(".onnx")).sorted().forEach(f -> {
                String base = f.getFileName().toString().replace(".onnx", "");
                tests.add(test("light/" + base, f, k -> f.resolveSibling(base + "_output_" + k + ".pb")));
            });
        }
        assertTrue(tests.size() > 100, "expected the ONNX backend test models under " + root);
        return tests.stream();
    }

    private interface OutputFile {
        Path of(int k);
    }

    private static DynamicTest test(String name, Path model, OutputFile output) {
        return DynamicTest.dynamicTest(name, () -> {
            try {
                check(name, model, output);
                passed.add(name);
            } catch (AssertionError | RuntimeException e) {
                failed.add(name + ": " + e.getMessage());
                throw e;
            }
        });
    }

    private static void check(String name, Path model, OutputFile output) throws IOException {
        String reason = EXPECTED_IMPORT_FAILURES.get(name);
        if (reason != null) {
            assertThrows(ModelException.class, () -> OnnxImporter.load(model), reason);
            return;
        }
        Graph g = OnnxImporter.load(model);
        forgetDeclaredShapes(g);
        ConstantFolding.foldAndInfer(g, FOLD_LIMIT);
        for (Node n : g.nodes()) {
            for (Value v : n.outputs()) {
                // every input is static, so every intermediate value must be too
                assertTrue(v.shape() != null && v.shape().isStatic() && v.dtype() != null,
                        name + ": " + ModelException.where(n) + " output " + v.name() + " has type " + v.dtype() + v.shape());
            }
        }
        for (int k = 0; k < g.outputs().size(); k++) {
            Path ref = output.of(k);
            if (!Files.exists(ref)) {
                continue;
            }
            TensorProto expected;
            try (InputStream in = Files.newInputStream(ref)) {
                expected = TensorProto.parseFrom(in);
            }
            Value out = g.outputs().get(k);
            long[] dims = expected.getDimsList().stream().mapToLong(Long::longValue).toArray();
            assertEquals(Shape.of(dims), out.shape(), name + " output " + k + " (" + out.name() + ") shape; graph: " + summary(g));
            assertEquals(DType.fromOnnx(expected.getDataType()), out.dtype(), name + " output " + k + " type");
        }
    }

    /** Leaves only the graph inputs' declared types, so every other shape has to be inferred. */
    private static void forgetDeclaredShapes(Graph g) {
        for (Node n : g.nodes()) {
            for (Value v : n.outputs()) {
                v.setType(null, null);
            }
        }
    }

    private static String summary(Graph g) {
        StringBuilder b = new StringBuilder();
        for (Node n : g.nodes()) {
            if (b.length() > 600) {
                b.append(" ...");
                break;
            }
            b.append(n.opType()).append(n.outputs().isEmpty() ? "" : n.output(0).shape()).append(' ');
        }
        return b.toString();
    }

    @AfterAll
    static void report() {
        System.out.println("shape conformance: " + passed.size() + " models pass, " + failed.size() + " fail");
        failed.forEach(f -> System.out.println("  FAIL " + f));
    }
}
