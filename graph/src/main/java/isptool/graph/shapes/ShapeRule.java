package isptool.graph.shapes;

/** How one op's output types follow from its inputs and attributes. */
@FunctionalInterface
interface ShapeRule {
    /** Sets the outputs it can, leaves the others; throws (via {@link InferContext#fail}) on inconsistent shapes. */
    void infer(InferContext c);
}
