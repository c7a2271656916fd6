package isptool.backends.layout;

/** How the layout plan treats an ONNX op ({@link LayoutPlan}); each op's class is in the op table. */
public enum LayoutClass {
    /** Runs on NHWC when its data input is rank 4 (convs, pools, resizes, depth-to-space, norms over H, W). */
    SPATIAL,
    /** Keeps the layout of its widest variable input; every variable operand of that rank shares it. */
    ELEMENTWISE,
    /** Works along axes it renumbers: keeps its input's layout (outputs of fewer axes drop theirs). */
    AXES,
    /** A model's own Transpose: a relabelling of its input's layout, no data moves. */
    TRANSPOSE,
    /** Reinterprets row-major data (Reshape, Flatten, Squeeze, Unsqueeze): free when the stored order allows. */
    RESHAPE,
    /** Lowered in ONNX axis order: every variable input in the identity layout. */
    ONNX_ORDER
}
