package isptool.cli;

import isptool.graph.Graph;
import isptool.graph.ModelException;
import isptool.graph.io.OnnxImporter;
import isptool.graph.shapes.ShapeInference;
import isptool.passes.PassReport;
import isptool.passes.cleanup.UpgradeOpset;
import java.nio.file.Path;
import java.util.List;

/**
 * Loading a model the way every command does: import, bring opsets onnxruntime no longer runs
 * (below 7) up to 7, fix the shapes the user gave, infer the rest.
 */
final class ModelLoading {
    /** The graph and the opset its file declared (below 7: the graph was upgraded on load). */
    record Loaded(Graph graph, long fileOpset) {
        boolean upgraded() {
            return graph.opset() != fileOpset;
        }
    }

    private ModelLoading() {
    }

    static Loaded load(Path file, List<String> inputShapes) {
        Graph g = OnnxImporter.load(file);
        long opset = g.opset();
        PassReport upgrade = new PassReport();
        new UpgradeOpset().run(g, upgrade);
        if (!upgrade.refused().isEmpty()) {
            PassReport.Entry why = upgrade.refused().get(0);
            throw new ModelException(file + ": node \"" + why.node() + "\": " + why.what()
                    + "; onnxruntime no longer runs opset " + opset + ", so re-export the model with opset 7 or later");
        }
        if (!inputShapes.isEmpty()) {
            ShapeInference.fixInputShapes(g, ShapeInference.parseInputShapes(inputShapes, g));
        }
        ShapeInference.run(g);
        return new Loaded(g, opset);
    }
}
