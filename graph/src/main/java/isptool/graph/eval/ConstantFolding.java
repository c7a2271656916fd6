package isptool.graph.eval;

import isptool.graph.Graph;
import isptool.graph.ModelException;
import isptool.graph.Node;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.graph.shapes.IndexMath;
import isptool.graph.shapes.ShapeInference;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Constant folding: a node whose inputs are all constant (omitted optional inputs allowed) is
 * evaluated and its outputs become constants under the same value names, so graph outputs keep
 * their names. Shape and Size of a value whose shape is statically known fold too, without the
 * value being constant, and so does a Gather or Slice of Shape(x) that picks only static sizes
 * of a partly dynamic shape (x.size(1) under a dynamic batch). Outputs larger than the element limit stay computed at run time (so
 * weights are not materialized twice).
 *
 * <p>Never folded: ops with random results, Dropout in training mode, and Quantize/DequantizeLinear
 * (the quantization structure is what a quantized backend reads, not a value to precompute).
 */
public final class ConstantFolding {
    private static final Set<String> NEVER = Set.of("RandomNormal", "RandomUniform", "RandomNormalLike",
            "RandomUniformLike", "Multinomial", "Bernoulli", "QuantizeLinear", "DequantizeLinear");
    private static final int MAX_ROUNDS = 100;

    private static volatile OpKernel fallback;

    private ConstantFolding() {
    }

    /**
     * Installs an evaluator for ops without a Java kernel (e.g. one that runs the node in
     * onnxruntime); null removes it. It may return null to leave a node alone; an exception
     * from it also leaves the node alone.
     */
    public static void setFallback(OpKernel kernel) {
        fallback = kernel;
    }

    public static OpKernel fallback() {
        return fallback;
    }

    /** Folds what can be folded in one pass over the nodes (in order, so chains fold at once); returns the count. */
    public static int run(Graph g, long maxOutputElements) {
        int folded = 0;
        for (Node n : g.nodes()) {
            Tensor[] values = evaluate(g, n, maxOutputElements);
            if (values == null) {
                continue;
            }
            List<Value> outs = new ArrayList<>(n.outputs());
            g.removeNode(n);
            for (int i = 0; i < outs.size(); i++) {
                g.setConstant(outs.get(i), values[i]);
            }
            folded++;
        }
        if (folded > 0) {
            g.removeUnused();
        }
        return folded;
    }

    /**
     * Shape inference and folding feed each other (a Shape folds once its input's shape is known;
     * a Reshape's output shape is known once its shape input is folded): alternates the two until
     * nothing more folds.
     */
    public static void foldAndInfer(Graph g, long maxOutputElements) {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            ShapeInference.run(g);
            if (run(g, maxOutputElements) == 0) {
                return;
            }
        }
    }

    /**
     * The node's output values if it can be folded within the limit, else null. Weights are folded
     * whatever their size: a conv or dense layer needs them constant (the light ONNX zoo models
     * make every weight with ConstantOfShape, AlexNet's first dense one 37.7 M elements).
     */
    private static Tensor[] evaluate(Graph g, Node n, long maxElements) {
        long limit = feedsOnlyWeights(g, n) ? Long.MAX_VALUE : maxElements;
        boolean onnxDomain = n.domain().isEmpty() || n.domain().equals("ai.onnx");
        if (n.outputs().isEmpty() || onnxDomain && NEVER.contains(n.opType())) {
            return null;
        }
        if (onnxDomain && (n.opType().equals("Shape") || n.opType().equals("Size")) && !isConstant(n.input(0))) {
            return fromStaticShape(n);
        }
        if (onnxDomain && (n.opType().equals("Gather") || n.opType().equals("Slice")) && isShapeOutput(n.input(0))) {
            return fromPartlyStaticShape(n);
        }
        if (onnxDomain && n.opType().equals("CastLike") && isConstant(n.input(0)) && n.input(1) != null
                && n.input(1).dtype() != null) {
            // CastLike reads only the type of its second input (torch.export writes CastLike(0, x) for biases)
            Tensor c = n.input(0).constant();
            return c.elementCount() > limit ? null : new Tensor[] {c.cast(n.input(1).dtype())};
        }
        Tensor[] inputs = new Tensor[n.inputs().size()];
        for (int i = 0; i < inputs.length; i++) {
            Value v = n.input(i);
            if (v != null && !v.isConstant()) {
                return null;
            }
            inputs[i] = Graph.constant(v);
        }
        if (onnxDomain) {
            ShapeInference.infer(g, n); // to refuse over-limit outputs before computing them
            for (Value o : n.outputs()) {
                Shape s = o.shape();
                if (s != null && s.isStatic() && s.elementCount() > limit) {
                    return null;
                }
            }
        }
        Tensor[] r = onnxDomain ? runKernel(g, n, inputs) : null;
        if (r == null) {
            r = runFallback(n, inputs);
        }
        if (r == null || r.length != n.outputs().size()) {
            return null;
        }
        for (Tensor t : r) {
            if (t == null || t.elementCount() > limit) {
                return null;
            }
        }
        return r;
    }

    private static final Set<String> WEIGHT_READERS = Set.of("Conv", "ConvTranspose", "Gemm", "MatMul");

    /** True if every output of n is read only as a weight or bias (a non-first input) of a conv or dense layer. */
    private static boolean feedsOnlyWeights(Graph g, Node n) {
        for (Value o : n.outputs()) {
            if (g.isGraphOutput(o) || g.consumers(o).isEmpty()) {
                return false;
            }
            for (Node c : g.consumers(o)) {
                if (!WEIGHT_READERS.contains(c.opType()) || c.input(0) == o) {
                    return false;
                }
            }
        }
        return true;
    }

    private static Tensor[] runKernel(Graph g, Node n, Tensor[] inputs) {
        OpKernel k = Kernels.get(n.opType());
        if (k == null) {
            return null;
        }
        try {
            return k.evaluate(n, inputs);
        } catch (RuntimeException e) {
            throw new ModelException(g.source() + ": " + ModelException.where(n) + ": its inputs are constant but invalid for the op ("
                    + e.getMessage() + "); check the model export", e);
        }
    }

    private static Tensor[] runFallback(Node n, Tensor[] inputs) {
        OpKernel f = fallback;
        if (f == null) {
            return null;
        }
        try {
            return f.evaluate(n, inputs);
        } catch (RuntimeException e) {
            return null; // the runtime could not evaluate it either: the node stays
        }
    }

    /** Shape (the start/end part) or Size of a non-constant value whose needed sizes are static. */
    private static Tensor[] fromStaticShape(Node n) {
        Shape s = n.input(0) == null ? null : n.input(0).shape();
        if (s == null) {
            return null;
        }
        if (n.opType().equals("Size")) {
            return s.isStatic() ? new Tensor[] {Tensor.ofLongs(new long[0], new long[] {s.elementCount()})} : null;
        }
        long[] w = IndexMath.shapeWindow(n.getInt("start", 0), n.getInt("end", s.rank()), s.rank());
        long[] dims = new long[(int) (w[1] - w[0])];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = s.dim((int) w[0] + i);
            if (dims[i] < 0) {
                return null;
            }
        }
        return new Tensor[] {Tensor.ofLongs(new long[] {dims.length}, dims)};
    }

    private static boolean isShapeOutput(Value v) {
        Node p = Graph.producer(v);
        return p != null && p.opType().equals("Shape") && (p.domain().isEmpty() || p.domain().equals("ai.onnx"));
    }

    /**
     * Gather or Slice of Shape(x) when x's shape is only partly static (a dynamic batch): runs
     * the Gather/Slice on the positions in the shape vector, and folds if every selected size is
     * static, e.g. Gather(Shape(x), 1) = 3 for x of shape [N, 3, H, W].
     */
    private static Tensor[] fromPartlyStaticShape(Node n) {
        Node shapeNode = Graph.producer(n.input(0));
        Shape s = shapeNode.input(0) == null ? null : shapeNode.input(0).shape();
        if (s == null) {
            return null;
        }
        Tensor[] inputs = new Tensor[n.inputs().size()];
        for (int i = 1; i < inputs.length; i++) {
            Value v = n.input(i);
            if (v != null && !v.isConstant()) {
                return null;
            }
            inputs[i] = Graph.constant(v);
        }
        long[] w = IndexMath.shapeWindow(shapeNode.getInt("start", 0), shapeNode.getInt("end", s.rank()), s.rank());
        long[] positions = new long[(int) (w[1] - w[0])];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = w[0] + i;
        }
        inputs[0] = Tensor.ofLongs(new long[] {positions.length}, positions);
        Tensor selected;
        try {
            selected = Kernels.get(n.opType()).evaluate(n, inputs)[0];
        } catch (RuntimeException e) {
            return null; // an invalid index: the ordinary path reports it once the shape is known
        }
        long[] dims = selected.toLongs();
        for (int i = 0; i < dims.length; i++) {
            dims[i] = s.dim((int) dims[i]);
            if (dims[i] < 0) {
                return null;
            }
        }
        return new Tensor[] {Tensor.ofLongs(selected.shape(), dims)};
    }

    private static boolean isConstant(Value v) {
        return v != null && v.isConstant();
    }
}
