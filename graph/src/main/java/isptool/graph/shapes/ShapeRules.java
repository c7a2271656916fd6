package isptool.graph.shapes;

import java.util.HashMap;
import java.util.Map;

/** The table of shape rules by ONNX op type; an op not listed here keeps whatever its outputs declare. */
final class ShapeRules {
    private static final Map<String, ShapeRule> RULES = new HashMap<>();

    static {
        // same type and shape as input 0
        all(ElementwiseShapes::unary,
                "Identity", "Relu", "LeakyRelu", "Clip", "Tanh", "Sigmoid", "HardSigmoid", "HardSwish",
                "Elu", "Selu", "Celu", "Gelu", "Erf", "Softplus", "Softsign", "Mish", "ThresholdedRelu", "Shrink",
                "Sqrt", "Reciprocal", "Abs", "Neg", "Exp", "Log", "Floor", "Ceil", "Round", "Sign",
                "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "BitwiseNot",
                "Softmax", "LogSoftmax", "Hardmax", "LRN", "MeanVarianceNormalization", "LpNormalization",
                "GroupNormalization", "CumSum", "Trilu", "ReverseSequence",
                "ScatterND", "ScatterElements", "Scatter");
        all(ElementwiseShapes::unaryBool, "Not", "IsNaN", "IsInf");
        put("Cast", ElementwiseShapes::cast);
        put("CastLike", ElementwiseShapes::castLike);
        put("EyeLike", ElementwiseShapes::eyeLike);
        put("Dropout", ElementwiseShapes::dropout);
        put("PRelu", ElementwiseShapes::prelu);
        put("BatchNormalization", ElementwiseShapes::batchNorm);
        put("InstanceNormalization", ElementwiseShapes::instanceNorm);
        put("LayerNormalization", ElementwiseShapes::layerNorm);
        put("QuantizeLinear", ElementwiseShapes::quantize);
        put("DequantizeLinear", ElementwiseShapes::dequantize);

        // broadcasting
        all(ElementwiseShapes::arithmetic, "Add", "Sub", "Mul", "Div", "Pow", "Mod", "BitShift",
                "BitwiseAnd", "BitwiseOr", "BitwiseXor", "Min", "Max", "Sum", "Mean");
        all(ElementwiseShapes::comparison, "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual",
                "And", "Or", "Xor");
        put("Where", ElementwiseShapes::where);

        // windows
        put("Conv", ConvShapes::conv);
        put("ConvTranspose", ConvShapes::convTranspose);
        all(ConvShapes::pool, "MaxPool", "AveragePool", "LpPool");
        all(ConvShapes::globalPool, "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool");

        // selection and assembly
        put("Concat", IndexingShapes::concat);
        put("Split", IndexingShapes::split);
        put("Slice", IndexingShapes::slice);
        put("Pad", IndexingShapes::pad);
        put("Gather", IndexingShapes::gather);
        put("GatherElements", IndexingShapes::gatherElements);
        put("GatherND", IndexingShapes::gatherND);
        put("Tile", IndexingShapes::tile);
        put("Expand", IndexingShapes::expand);

        // layout
        put("Reshape", LayoutShapes::reshape);
        put("Flatten", LayoutShapes::flatten);
        put("Squeeze", LayoutShapes::squeeze);
        put("Unsqueeze", LayoutShapes::unsqueeze);
        put("Transpose", LayoutShapes::transpose);
        put("DepthToSpace", LayoutShapes::depthToSpace);
        put("SpaceToDepth", LayoutShapes::spaceToDepth);
        put("Resize", ResizeShapes::resize);
        put("Upsample", ResizeShapes::upsample);

        // reductions
        all(ReduceShapes::reduce, "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1",
                "ReduceL2", "ReduceSumSquare", "ReduceLogSum", "ReduceLogSumExp");
        all(ReduceShapes::argReduce, "ArgMax", "ArgMin");
        put("TopK", ReduceShapes::topK);

        // products
        put("Gemm", MatMulShapes::gemm);
        put("MatMul", MatMulShapes::matMul);
        put("Einsum", MatMulShapes::einsum);

        // shapes from values
        put("Shape", GeneratorShapes::shape);
        put("Size", GeneratorShapes::size);
        put("ConstantOfShape", GeneratorShapes::constantOfShape);
        put("Range", GeneratorShapes::range);
        put("NonZero", GeneratorShapes::nonZero);
        put("Constant", GeneratorShapes::constant);
        all(GeneratorShapes::random, "RandomNormal", "RandomUniform");
        all(GeneratorShapes::randomLike, "RandomNormalLike", "RandomUniformLike");
    }

    private ShapeRules() {
    }

    private static void put(String op, ShapeRule rule) {
        RULES.put(op, rule);
    }

    private static void all(ShapeRule rule, String... ops) {
        for (String op : ops) {
            RULES.put(op, rule);
        }
    }

    static ShapeRule get(String op) {
        return RULES.get(op);
    }

    static boolean known(String op) {
        return RULES.containsKey(op);
    }
}
