package isptool.backends.tflite.lower;

import static isptool.backends.layout.LayoutClass.AXES;
import static isptool.backends.layout.LayoutClass.ELEMENTWISE;
import static isptool.backends.layout.LayoutClass.ONNX_ORDER;
import static isptool.backends.layout.LayoutClass.RESHAPE;
import static isptool.backends.layout.LayoutClass.SPATIAL;
import static isptool.backends.layout.LayoutClass.TRANSPOSE;

import isptool.backends.layout.LayoutClass;
import java.util.Map;
import java.util.TreeSet;
import org.tensorflow.lite.schema.BuiltinOperator;

/**
 * Every ONNX op isptool knows, one row each: how the layout plan treats it and how it becomes
 * TFLite operators. A row without a lowering is an op the plan can place but convert refuses
 * (named, with the ops it does support). A new op is one row here, one lowering method and one
 * test. What a TFLite operator may do on each target is in the target rule tables, keyed by the
 * TFLite op the lowering emits.
 */
public final class OpTable {
    /** One op: its layout class and its lowering (null: not lowered yet). */
    public record Row(String op, LayoutClass layout, Lowering lowering) {
    }

    private static final Map<String, Row> ROWS = rows(
            // spatial: NHWC when rank 4
            row("Conv", SPATIAL, ConvLowering::lower),
            row("ConvTranspose", SPATIAL, ConvTransposeLowering::lower),
            row("MaxPool", SPATIAL, PoolLowering::maxPool),
            row("AveragePool", SPATIAL, PoolLowering::averagePool),
            row("GlobalAveragePool", SPATIAL, AxisLowering::globalAveragePool),
            row("GlobalMaxPool", SPATIAL, PoolLowering::globalMaxPool),
            row("Resize", SPATIAL, ResizeLowering::lower),
            row("Upsample", SPATIAL, ResizeLowering::upsample),
            row("DepthToSpace", SPATIAL, AxisLowering::depthToSpace),
            row("SpaceToDepth", SPATIAL, AxisLowering::spaceToDepth),
            row("BatchNormalization", SPATIAL, NormLowerings::batchNorm),
            row("InstanceNormalization", SPATIAL, NormLowerings::instanceNorm),
            row("LRN", SPATIAL, LrnLowering::lower),
            // elementwise: the operands' shared layout
            row("Relu", ELEMENTWISE, ElementwiseLowering::clamp),
            row("Clip", ELEMENTWISE, ElementwiseLowering::clamp),
            row("PRelu", ELEMENTWISE, ElementwiseLowering::prelu),
            row("LeakyRelu", ELEMENTWISE, ElementwiseLowering::leakyRelu),
            row("Tanh", ELEMENTWISE, ElementwiseLowering.unary(BuiltinOperator.TANH)),
            row("Sigmoid", ELEMENTWISE, ElementwiseLowering.unary(BuiltinOperator.LOGISTIC)),
            row("HardSigmoid", ELEMENTWISE, ActivationLowerings::hardSigmoid),
            row("HardSwish", ELEMENTWISE, ElementwiseLowering.unary(BuiltinOperator.HARD_SWISH)),
            row("Elu", ELEMENTWISE, ActivationLowerings::elu),
            row("Selu", ELEMENTWISE, ActivationLowerings::selu),
            row("Gelu", ELEMENTWISE, ActivationLowerings::gelu),
            row("Erf", ELEMENTWISE, ErfLowering::lower),
            row("Softplus", ELEMENTWISE, ActivationLowerings::softplus),
            row("Softsign", ELEMENTWISE, ActivationLowerings::softsign),
            row("Sqrt", ELEMENTWISE, ElementwiseLowering.unary(BuiltinOperator.SQRT)),
            row("Reciprocal", ELEMENTWISE, ActivationLowerings::reciprocal),
            row("Abs", ELEMENTWISE, ElementwiseLowering.unary(BuiltinOperator.ABS)),
            row("Neg", ELEMENTWISE, ElementwiseLowering.unary(BuiltinOperator.NEG)),
            row("Exp", ELEMENTWISE, ElementwiseLowering.unary(BuiltinOperator.EXP)),
            row("Log", ELEMENTWISE, ElementwiseLowering.unary(BuiltinOperator.LOG)),
            row("Floor", ELEMENTWISE, ElementwiseLowering.unary(BuiltinOperator.FLOOR)),
            row("Ceil", ELEMENTWISE, ElementwiseLowering.unary(BuiltinOperator.CEIL)),
            row("Sign", ELEMENTWISE, ElementwiseLowering.unary(BuiltinOperator.SIGN)),
            row("Add", ELEMENTWISE, ElementwiseLowering.binary(BuiltinOperator.ADD)),
            row("Sub", ELEMENTWISE, ElementwiseLowering.binary(BuiltinOperator.SUB)),
            row("Mul", ELEMENTWISE, ElementwiseLowering.binary(BuiltinOperator.MUL)),
            row("Div", ELEMENTWISE, ElementwiseLowering.binary(BuiltinOperator.DIV)),
            row("Pow", ELEMENTWISE, PowLowering::lower),
            row("Min", ELEMENTWISE, VariadicLowering.of(BuiltinOperator.MINIMUM)),
            row("Max", ELEMENTWISE, VariadicLowering.of(BuiltinOperator.MAXIMUM)),
            row("Sum", ELEMENTWISE, VariadicLowering.of(BuiltinOperator.ADD)),
            row("Mean", ELEMENTWISE, VariadicLowering::mean),
            row("Identity", ELEMENTWISE, (n, cx) -> cx.alias(n, n.output(0), n.input(0))),
            row("Cast", ELEMENTWISE, null),
            row("Round", ELEMENTWISE, null),
            row("Not", ELEMENTWISE, null),
            row("Equal", ELEMENTWISE, null),
            row("Less", ELEMENTWISE, null),
            row("Greater", ELEMENTWISE, null),
            row("Where", ELEMENTWISE, null),
            row("And", ELEMENTWISE, null),
            row("Or", ELEMENTWISE, null),
            row("Dropout", ELEMENTWISE, null),
            row("Sin", ELEMENTWISE, null),
            row("Cos", ELEMENTWISE, null),
            // along axes: the input's layout, axes renumbered
            row("Concat", AXES, AxisLowering::concat),
            row("Split", AXES, SliceLowering::split),
            row("Slice", AXES, SliceLowering::slice),
            row("Pad", AXES, PadLowering::pad),
            row("Softmax", AXES, SoftmaxLowering::softmax),
            row("LogSoftmax", AXES, SoftmaxLowering::logSoftmax),
            row("LayerNormalization", AXES, NormLowerings::layerNorm),
            row("ReduceMean", AXES, AxisLowering.reduction(BuiltinOperator.MEAN)),
            row("ReduceSum", AXES, AxisLowering.reduction(BuiltinOperator.SUM)),
            row("ReduceMax", AXES, AxisLowering.reduction(BuiltinOperator.REDUCE_MAX)),
            row("ReduceMin", AXES, AxisLowering.reduction(BuiltinOperator.REDUCE_MIN)),
            row("ReduceProd", AXES, AxisLowering.reduction(BuiltinOperator.REDUCE_PROD)),
            row("ReduceL2", AXES, null),
            row("ArgMax", AXES, null),
            row("ArgMin", AXES, null),
            row("Gather", AXES, AxisLowering::gather),
            row("Tile", AXES, AxisLowering::tile),
            row("Expand", AXES, AxisLowering::expand),
            // a model's own Transpose: a relabelling where no data moves
            row("Transpose", TRANSPOSE, ShapeLowering::transpose),
            // row-major reinterpretations: the plan stores input and output in ONNX's row-major order
            row("Reshape", RESHAPE, ShapeLowering::reshape),
            row("Flatten", RESHAPE, ShapeLowering::reshape),
            row("Squeeze", RESHAPE, ShapeLowering::reshape),
            row("Unsqueeze", RESHAPE, ShapeLowering::reshape),
            // ONNX axis order
            row("Gemm", ONNX_ORDER, DenseLowering::gemm),
            row("MatMul", ONNX_ORDER, DenseLowering::matMul));

    private OpTable() {
    }

    private static Row row(String op, LayoutClass layout, Lowering lowering) {
        return new Row(op, layout, lowering);
    }

    private static Map<String, Row> rows(Row... rows) {
        return isptool.backends.tflite.TfliteOpTable.byOp(Row::op, rows);
    }


    /** The row of an ONNX op, or null for an op isptool does not know. */
    public static Row find(String op) {
        return ROWS.get(op);
    }

    /** How the layout plan treats op; an unknown op is lowered in ONNX axis order. */
    public static LayoutClass layoutClass(String op) {
        Row r = ROWS.get(op);
        return r == null ? ONNX_ORDER : r.layout();
    }

    /** The lowering of op, or null when convert cannot lower it. */
    static Lowering lowering(String op) {
        Row r = ROWS.get(op);
        return r == null ? null : r.lowering();
    }

    /** Every row, in table order. */
    public static java.util.Collection<Row> rows() {
        return ROWS.values();
    }

    /** The ONNX ops convert can lower, sorted. */
    public static TreeSet<String> loweredOps() {
        TreeSet<String> s = new TreeSet<>();
        ROWS.values().stream().filter(r -> r.lowering() != null).forEach(r -> s.add(r.op()));
        return s;
    }
}
