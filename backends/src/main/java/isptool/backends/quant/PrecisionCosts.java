package isptool.backends.quant;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What --precision auto charges per unit of work (MACs, else output elements) in each precision,
 * relative to int8 on the accelerator: {@code int16} for int16 activations with int8 weights,
 * {@code floatOp} for a node kept in float. These are stated assumptions about relative throughput,
 * not measurements; {@code basis} says which target they describe. A precision the target's
 * accelerator does not run is charged {@link #CPU}: it falls back to the CPU and splits the
 * accelerated graph (a MAI 2021 model ran 10x slower on the NPU for such ops).
 */
public record PrecisionCosts(double int16, double floatOp, String basis) {
    /** Relative cost of work that leaves the accelerator for the CPU. */
    public static final double CPU = 16;
    /** An NPU that runs int8, int16x8 and float16: int16 at half, float at a quarter of int8's rate. */
    public static final PrecisionCosts NPU = new PrecisionCosts(2, 4, "an NPU running int8, int16x8 and float16");

    /** "1 int8, 2 int16x8, 4 float". */
    public String weights() {
        return "1 int8, " + number(int16) + " int16x8, " + number(floatOp) + " float";
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("int8", 1);
        m.put("int16x8", int16);
        m.put("float", floatOp);
        m.put("basis", basis);
        return m;
    }

    private static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
