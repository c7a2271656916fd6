package isptool.backends.target;

import isptool.backends.tflite.TfliteModel;
import isptool.backends.tflite.TfliteModel.OperatorInfo;
import isptool.backends.tflite.TfliteModel.TensorInfo;
import isptool.backends.tflite.TfliteType;
import java.lang.reflect.Method;
import java.util.Arrays;
import org.tensorflow.lite.schema.ActivationFunctionType;

/** One operator of a model as the rules see it: op, version, tensors, options. */
public final class OpView {
    private final TfliteModel model;
    private final OperatorInfo op;

    public OpView(TfliteModel model, OperatorInfo op) {
        this.model = model;
        this.op = op;
    }

    public String op() {
        return op.opName();
    }

    public int version() {
        return op.version();
    }

    public int index() {
        return op.index();
    }

    /** Input i, or null when the operator has fewer inputs or omits it. */
    public TensorInfo input(int i) {
        return i < op.inputs().size() && op.inputs().get(i) >= 0 ? model.tensor(op.inputs().get(i)) : null;
    }

    public TensorInfo output(int i) {
        return i < op.outputs().size() ? model.tensor(op.outputs().get(i)) : null;
    }

    /** Inputs present (omitted optional inputs not counted). */
    public int inputCount() {
        return (int) op.inputs().stream().filter(i -> i >= 0).count();
    }

    /** Inputs that are present and computed (not constant). */
    public int runtimeInputs() {
        return (int) op.inputs().stream().filter(i -> i >= 0 && !model.tensor(i).isConstant()).count();
    }

    /** Inputs that are constant tensors. */
    public int constantInputs() {
        return (int) op.inputs().stream().filter(i -> i >= 0 && model.tensor(i).isConstant()).count();
    }

    /** Whether input i is present and constant. */
    public boolean isConstant(int i) {
        TensorInfo t = input(i);
        return t != null && t.isConstant();
    }

    /** The values of constant input i as integers (axes, shapes, permutations); null if it is not constant. */
    public long[] constantLongs(int i) {
        return isConstant(i) ? model.constant(op.inputs().get(i)).toLongs() : null;
    }

    /** The type of input i (null if absent). */
    public TfliteType inputType(int i) {
        TensorInfo t = input(i);
        return t == null ? null : t.type();
    }

    public TfliteType outputType() {
        return output(0).type();
    }

    /** Whether input 0's type is one of these. */
    public boolean inputIs(TfliteType... types) {
        return Arrays.asList(types).contains(inputType(0));
    }

    /** The largest rank among the operator's tensors. */
    public int maxRank() {
        int r = 0;
        for (int i : op.inputs()) {
            r = i >= 0 ? Math.max(r, model.tensor(i).shape().length) : r;
        }
        for (int o : op.outputs()) {
            r = Math.max(r, model.tensor(o).shape().length);
        }
        return r;
    }

    /** Whether any tensor of the operator (input or output) has this type. */
    public boolean anyTensorIs(TfliteType type) {
        for (int i : op.inputs()) {
            if (i >= 0 && model.tensor(i).type() == type) {
                return true;
            }
        }
        for (int o : op.outputs()) {
            if (model.tensor(o).type() == type) {
                return true;
            }
        }
        return false;
    }

    /** Whether a non-constant tensor of the operator has this type (activations, not weights). */
    public boolean activationIs(TfliteType type) {
        for (int i : op.inputs()) {
            if (i >= 0 && !model.tensor(i).isConstant() && model.tensor(i).type() == type) {
                return true;
            }
        }
        return model.tensor(op.outputs().get(0)).type() == type;
    }

    /** The builtin options ({@code Conv2DOptionsT} ...), null when the op has none. */
    public Object options() {
        return op.options();
    }

    /** The fused activation's name ({@code RELU6}), or NONE when the op has none. */
    public String fusedActivation() {
        Object v = option("getFusedActivationFunction");
        return v == null ? "NONE" : ActivationFunctionType.name((Byte) v);
    }

    /** A boolean option by getter name ({@code getHalfPixelCenters}); false when the op has no such option. */
    public boolean flag(String getter) {
        return Boolean.TRUE.equals(option(getter));
    }

    /** An int option by getter name ({@code getDilationHFactor}); the fallback when absent. */
    public int intOption(String getter, int fallback) {
        Object v = option(getter);
        return v instanceof Number n ? n.intValue() : fallback;
    }

    private Object option(String getter) {
        Object o = op.options();
        if (o == null) {
            return null;
        }
        try {
            Method m = o.getClass().getMethod(getter);
            return m.invoke(o);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }
}
