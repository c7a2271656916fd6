package isptool.backends.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import isptool.graph.Graph;
import isptool.graph.io.OnnxImporter;
import isptool.graph.shapes.ShapeInference;
import isptool.passes.PassReport;
import isptool.passes.Pipelines;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the plan records at an NCHW boundary (--io-layout nchw): a transpose after each rank-4
 * input and before each rank-4 output of a conv net, nothing in between, and a reshape instead
 * where the data order is the same (one channel).
 */
class LayoutPlanBoundaryTest {
    private static Graph prepared(String file) {
        Graph g = OnnxImporter.load(LayoutPlanTest.testdata().resolve(file));
        Pipelines.reparam().run(g, new PassReport());
        Pipelines.tflitePrep().run(g, new PassReport());
        ShapeInference.run(g);
        return g;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"syenet_isp.onnx", "mai_isp.onnx", "unet_small.onnx"})
    void nchwConvNetTransposesOnlyAtItsInputAndOutput(String file) {
        Graph g = prepared(file);
        LayoutPlan plan = LayoutPlan.of(g, false);
        assertEquals(2, plan.transposes().size(), plan.describeTransposes().toString());
        LayoutPlan.Transpose in = plan.transposes().get(0);
        LayoutPlan.Transpose out = plan.transposes().get(1);
        assertEquals(g.inputs().get(0), in.value());
        assertEquals(List.of(Layout.identity(4), Layout.NHWC), List.of(in.from(), in.to()));
        assertEquals(g.outputs().get(0), out.value());
        assertEquals(null, out.node());
        assertEquals(List.of(Layout.NHWC, Layout.identity(4)), List.of(out.from(), out.to()));
        assertEquals(List.of(), plan.reshapes());
    }

    @Test
    void oneChannelBoundaryIsAReshapeNotATranspose() {
        Graph g = prepared("fsrcnn.onnx");
        LayoutPlan plan = LayoutPlan.of(g, false);
        assertEquals(List.of(), plan.transposes());
        assertEquals(2, plan.reshapes().size());
    }
}
