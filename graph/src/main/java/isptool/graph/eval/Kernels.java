package isptool.graph.eval;

import static isptool.graph.eval.ElementwiseKernels.binary;
import static isptool.graph.eval.ElementwiseKernels.compare;
import static isptool.graph.eval.ElementwiseKernels.unary;
import static isptool.graph.eval.ElementwiseKernels.variadic;

import isptool.graph.eval.ReduceKernels.Reduction;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The Java kernels by ONNX op type (default domain): what constant folding can evaluate without a runtime. */
public final class Kernels {
    private static final Map<String, OpKernel> TABLE = new LinkedHashMap<>();

    static {
        // shape arithmetic
        put("Constant", ShapeKernels::constant);
        put("Shape", ShapeKernels::shape);
        put("Size", ShapeKernels::size);
        put("Reshape", ShapeKernels::reshape);
        put("Flatten", ShapeKernels::flatten);
        put("Squeeze", ShapeKernels::squeeze);
        put("Unsqueeze", ShapeKernels::unsqueeze);
        put("ConstantOfShape", ShapeKernels::constantOfShape);
        put("Range", ShapeKernels::range);
        put("Expand", ShapeKernels::expand);
        put("Identity", ElementwiseKernels::identity);
        put("Dropout", ElementwiseKernels::dropout);
        put("Cast", ElementwiseKernels::cast);

        // moving elements
        put("Gather", IndexingKernels::gather);
        put("GatherElements", IndexingKernels::gatherElements);
        put("Slice", IndexingKernels::slice);
        put("Concat", AssemblyKernels::concat);
        put("Split", AssemblyKernels::split);
        put("Transpose", AssemblyKernels::transpose);
        put("Tile", AssemblyKernels::tile);
        put("Pad", AssemblyKernels::pad);
        put("ScatterND", IndexingKernels::scatterND);
        put("NonZero", IndexingKernels::nonZero);

        // arithmetic (double for float types, long for integer types)
        put("Add", binary(Double::sum, Long::sum));
        put("Sub", binary((a, b) -> a - b, (a, b) -> a - b));
        put("Mul", binary((a, b) -> a * b, (a, b) -> a * b));
        put("Div", binary((a, b) -> a / b, ElementwiseKernels::divide));
        put("Pow", ElementwiseKernels::pow);
        put("Mod", ElementwiseKernels::mod);
        put("Min", variadic(Math::min, Math::min));
        put("Max", variadic(Math::max, Math::max));
        put("Sum", variadic(Double::sum, Long::sum));
        put("Mean", ElementwiseKernels::mean);
        put("Neg", unary(v -> -v, v -> -v));
        put("Abs", unary(Math::abs, Math::abs));
        put("Relu", unary(v -> Math.max(v, 0), v -> Math.max(v, 0)));
        put("Sign", unary(Math::signum, Long::signum));
        put("Sqrt", unary(Math::sqrt));
        put("Reciprocal", unary(v -> 1 / v));
        put("Exp", unary(Math::exp));
        put("Log", unary(Math::log));
        put("Floor", unary(Math::floor));
        put("Ceil", unary(Math::ceil));
        put("Round", unary(Math::rint)); // halves to even, as ONNX specifies
        put("Sigmoid", unary(v -> 1 / (1 + Math.exp(-v))));
        put("Tanh", unary(Math::tanh));
        put("Clip", ElementwiseKernels::clip);

        // comparison and logic (bool results)
        put("Equal", compare((a, b) -> a == b ? 1 : 0, (a, b) -> a == b ? 1 : 0));
        put("Less", compare((a, b) -> a < b ? 1 : 0, (a, b) -> a < b ? 1 : 0));
        put("Greater", compare((a, b) -> a > b ? 1 : 0, (a, b) -> a > b ? 1 : 0));
        put("LessOrEqual", compare((a, b) -> a <= b ? 1 : 0, (a, b) -> a <= b ? 1 : 0));
        put("GreaterOrEqual", compare((a, b) -> a >= b ? 1 : 0, (a, b) -> a >= b ? 1 : 0));
        put("Not", ElementwiseKernels::not);
        put("And", compare((a, b) -> a != 0 && b != 0 ? 1 : 0, (a, b) -> a != 0 && b != 0 ? 1 : 0));
        put("Or", compare((a, b) -> a != 0 || b != 0 ? 1 : 0, (a, b) -> a != 0 || b != 0 ? 1 : 0));
        put("Xor", compare((a, b) -> (a != 0) != (b != 0) ? 1 : 0, (a, b) -> (a != 0) != (b != 0) ? 1 : 0));
        put("Where", ElementwiseKernels::where);

        // reductions
        put("ReduceSum", ReduceKernels.reduce(Reduction.SUM));
        put("ReduceMean", ReduceKernels.reduce(Reduction.MEAN));
        put("ReduceProd", ReduceKernels.reduce(Reduction.PROD));
        put("ReduceMax", ReduceKernels.reduce(Reduction.MAX));
        put("ReduceMin", ReduceKernels.reduce(Reduction.MIN));
        put("ReduceL1", ReduceKernels.reduce(Reduction.L1));
        put("ReduceL2", ReduceKernels.reduce(Reduction.L2));
        put("ReduceSumSquare", ReduceKernels.reduce(Reduction.SUM_SQUARE));
        put("ReduceLogSum", ReduceKernels.reduce(Reduction.LOG_SUM));
        put("ReduceLogSumExp", ReduceKernels.reduce(Reduction.LOG_SUM_EXP));
        put("ArgMax", ReduceKernels.argReduce(true));
        put("ArgMin", ReduceKernels.argReduce(false));
        put("Softmax", ReduceKernels.softmax(false));
        put("LogSoftmax", ReduceKernels.softmax(true));
    }

    private Kernels() {
    }

    private static void put(String op, OpKernel k) {
        TABLE.put(op, k);
    }

    /** The Java kernel for a default-domain op, or null. */
    public static OpKernel get(String opType) {
        return TABLE.get(opType);
    }

    public static Set<String> ops() {
        return Collections.unmodifiableSet(TABLE.keySet());
    }
}
