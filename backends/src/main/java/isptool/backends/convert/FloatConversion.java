package isptool.backends.convert;

import isptool.backends.layout.LayoutPlan;
import isptool.backends.tflite.TfliteBuilder;
import isptool.backends.tflite.lower.OnnxToTflite;
import isptool.graph.Graph;
import isptool.graph.shapes.ShapeInference;
import isptool.passes.PassReport;
import isptool.passes.Pipelines;
import java.util.ArrayList;
import java.util.List;

/**
 * convert's float half as one call: reparam (unless skipped), tflite-prep, shape inference, the
 * whole-graph layout plan and the lowering to a float32 TFLite model, in memory. The graph is
 * rewritten in place; it and the plan are what quantization and verification need afterwards.
 */
public record FloatConversion(Graph graph, LayoutPlan plan, TfliteBuilder model, PassReport report,
        List<String> pipelines) {

    /** Runs the steps on g; a graph that cannot be lowered fails with a ModelException naming the node. */
    public static FloatConversion run(Graph g, boolean reparam, boolean nhwcIo) {
        PassReport report = new PassReport();
        List<String> pipelines = new ArrayList<>();
        if (reparam) {
            Pipelines.reparam().run(g, report);
            pipelines.add("reparam");
        }
        Pipelines.tflitePrep().run(g, report);
        pipelines.add("tflite-prep");
        ShapeInference.run(g);
        OnnxToTflite.checkLowerable(g);
        LayoutPlan plan = LayoutPlan.of(g, nhwcIo);
        return new FloatConversion(g, plan, OnnxToTflite.lower(g, plan), report, List.copyOf(pipelines));
    }
}
