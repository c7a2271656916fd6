package isptool.backends.convert;

import isptool.backends.layout.LayoutPlan;
import isptool.backends.tflite.TfliteBuilder;
import isptool.backends.tflite.lower.OnnxToTflite;
import isptool.graph.Graph;
import isptool.graph.shapes.ShapeInference;
import isptool.passes.PassReport;
import isptool.passes.Pipelines;
import isptool.passes.target.TargetCaps;
import java.util.ArrayList;
import java.util.List;

/**
 * convert's float half as one call: reparam (unless skipped), tflite-prep, the target's swaps
 * (with a target), shape inference, the whole-graph layout plan and the lowering to a float32
 * TFLite model, in memory. The graph is rewritten in place; it and the plan are what quantization
 * and verification need afterwards. {@code swaps} reports the target swaps (empty without one).
 */
public record FloatConversion(Graph graph, LayoutPlan plan, TfliteBuilder model, PassReport report,
        List<String> pipelines, PassReport swaps) {

    /** Runs the steps on g without a target. */
    public static FloatConversion run(Graph g, boolean reparam, boolean nhwcIo) {
        return run(g, reparam, nhwcIo, null);
    }

    /**
     * Runs the steps on g, with caps' swaps when caps is not null; a graph that cannot be lowered
     * fails with a ModelException naming the node.
     */
    public static FloatConversion run(Graph g, boolean reparam, boolean nhwcIo, TargetCaps caps) {
        PassReport report = new PassReport();
        List<String> pipelines = new ArrayList<>();
        if (reparam) {
            Pipelines.reparam().run(g, report);
            pipelines.add("reparam");
        }
        Pipelines.tflitePrep().run(g, report);
        pipelines.add("tflite-prep");
        PassReport swaps = new PassReport();
        if (caps != null) {
            Pipelines.targetSwaps(caps).run(g, swaps);
            pipelines.add("target-swaps");
        }
        ShapeInference.run(g);
        OnnxToTflite.checkLowerable(g);
        LayoutPlan plan = LayoutPlan.of(g, nhwcIo);
        return new FloatConversion(g, plan, OnnxToTflite.lower(g, plan), report, List.copyOf(pipelines), swaps);
    }
}
