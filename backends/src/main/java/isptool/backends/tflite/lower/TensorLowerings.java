package isptool.backends.tflite.lower;

import static java.util.Map.entry;

import java.util.Map;
import org.tensorflow.lite.schema.BuiltinOperator;

/** Ops that slice, split, pad, reduce or rearrange tensors along axes, beyond the core table. */
final class TensorLowerings {
    static final Map<String, Lowering> TABLE = Map.ofEntries(
            entry("Slice", SliceLowering::slice),
            entry("Split", SliceLowering::split),
            entry("Pad", PadLowering::pad),
            entry("SpaceToDepth", AxisLowering::spaceToDepth),
            entry("ReduceMean", AxisLowering.reduction(BuiltinOperator.MEAN)),
            entry("ReduceSum", AxisLowering.reduction(BuiltinOperator.SUM)),
            entry("ReduceMax", AxisLowering.reduction(BuiltinOperator.REDUCE_MAX)),
            entry("ReduceMin", AxisLowering.reduction(BuiltinOperator.REDUCE_MIN)),
            entry("ReduceProd", AxisLowering.reduction(BuiltinOperator.REDUCE_PROD)),
            entry("Gather", AxisLowering::gather),
            entry("Tile", AxisLowering::tile),
            entry("Expand", AxisLowering::expand),
            entry("Upsample", ResizeLowering::upsample));

    private TensorLowerings() {
    }
}
