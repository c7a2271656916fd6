package isptool.backends.tflite.lower;

import isptool.graph.Node;

/** How one ONNX op becomes TFLite operators; throws a refusal (ModelException) for what it cannot do exactly. */
@FunctionalInterface
interface Lowering {
    void lower(Node n, LoweringContext cx);
}
