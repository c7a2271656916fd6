package isptool.cli;

import isptool.graph.Graph;
import isptool.graph.io.OnnxImporter;
import isptool.graph.shapes.ShapeInference;
import java.nio.file.Path;
import java.util.List;

/** Loading a model the way every command does: import, fix the shapes the user gave, infer the rest. */
final class ModelLoading {
    private ModelLoading() {
    }

    static Graph load(Path file, List<String> inputShapes) {
        Graph g = OnnxImporter.load(file);
        if (!inputShapes.isEmpty()) {
            ShapeInference.fixInputShapes(g, ShapeInference.parseInputShapes(inputShapes, g));
        }
        ShapeInference.run(g);
        return g;
    }
}
