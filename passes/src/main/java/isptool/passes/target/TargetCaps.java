package isptool.passes.target;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What a target cannot run, as far as the target-swap passes care: each swap pass asks for the
 * capability it replaces and does nothing when the target has it. The per-target rule tables
 * (check) may build a TargetCaps of their own; the named factories here follow FACTS.md section 4
 * (NNAPI feature levels and the TFLite NNAPI delegate's rejections, GPU delegate rank limit, QNN
 * HTP rank limit) so that convert --target works alone.
 *
 * @param name        the target's name, e.g. "nnapi-29"
 * @param missing     the capabilities the target lacks
 * @param allowApprox whether approximate swaps (reported with their measured error) may run
 */
public record TargetCaps(String name, Set<Capability> missing, boolean allowApprox) {
    /** An op or op form a target may lack, named by the TFLite op (or option) it concerns. */
    public enum Capability {
        /** PRELU (NNAPI before API 29). */
        PRELU,
        /** LEAKY_RELU (NNAPI before API 29). */
        LEAKY_RELU,
        /** MINIMUM / MAXIMUM (NNAPI before API 29). */
        MIN_MAX,
        /** RELU_0_TO_1, which TFLite gives Clip(0, 1) and HardSigmoid (no NNAPI operation). */
        RELU_0_TO_1,
        /** HARD_SWISH (NNAPI before API 30). */
        HARD_SWISH,
        /** RESIZE_BILINEAR with half_pixel_centers (NNAPI before API 30). */
        HALF_PIXEL_RESIZE,
        /** SUB (NNAPI before API 28). */
        SUB,
        /** DIV (NNAPI before API 28). */
        DIV,
        /** MEAN (NNAPI before API 28). */
        MEAN,
        /** SUM, the reduction (NNAPI before API 29). */
        SUM,
        /** GELU (the NNAPI delegate rejects it at every level). */
        GELU,
        /** BATCH_MATMUL (NNAPI before feature level 6, API 33). */
        BATCH_MATMUL,
        /** Grouped CONV_2D (op version 6), which the NNAPI delegate refuses at every level. */
        GROUPED_CONV,
        /**
         * A quantized MEAN whose output scale differs from its input's (the NNAPI delegate refuses it
         * at every level); a mean over H, W as AVERAGE_POOL_2D keeps its input's scale.
         */
        QUANTIZED_MEAN
    }

    public TargetCaps {
        missing = Collections.unmodifiableSet(missing.isEmpty() ? EnumSet.noneOf(Capability.class)
                : EnumSet.copyOf(missing));
    }

    public boolean lacks(Capability c) {
        return missing.contains(c);
    }

    /**
     * True where an int8 model should have int8 inputs and outputs: NNAPI before API 30 takes int8
     * tensors only by converting them to uint8 itself, and refuses a QUANTIZE to int8 or a
     * DEQUANTIZE of asymmetric int8 (the float borders).
     */
    public boolean int8Io() {
        return name.startsWith("nnapi-") && Integer.parseInt(name.substring("nnapi-".length())) < 30;
    }

    public TargetCaps withApprox(boolean allow) {
        return new TargetCaps(name, missing, allow);
    }

    /** NNAPI at an Android API level (= feature level: 27 FL1, 28 FL2, 29 FL3, 30 FL4, 31-32 FL5, 33 FL6, 34+ FL7). */
    public static TargetCaps nnapi(int apiLevel) {
        Set<Capability> m = EnumSet.of(Capability.GELU, Capability.RELU_0_TO_1, Capability.GROUPED_CONV,
                Capability.QUANTIZED_MEAN);
        if (apiLevel < 28) {
            m.addAll(List.of(Capability.SUB, Capability.DIV, Capability.MEAN));
        }
        if (apiLevel < 29) {
            m.addAll(List.of(Capability.PRELU, Capability.LEAKY_RELU, Capability.MIN_MAX, Capability.SUM));
        }
        if (apiLevel < 30) {
            m.addAll(List.of(Capability.HARD_SWISH, Capability.HALF_PIXEL_RESIZE));
        }
        if (apiLevel < 33) {
            m.add(Capability.BATCH_MATMUL);
        }
        return new TargetCaps("nnapi-" + apiLevel, m, false);
    }

    /** TFLite GPU delegate: its limits (rank at most 4, no SQUEEZE/EXPAND_DIMS) need no swap here. */
    public static TargetCaps gpu() {
        return new TargetCaps("gpu", Set.of(), false);
    }

    /** Qualcomm HTP through QNN (v68 ... v75): ranks at most 4; nothing here needs a swap. */
    public static TargetCaps htp(String version) {
        return new TargetCaps(version.isEmpty() ? "htp" : "htp-" + version, Set.of(), false);
    }

    /** TFLite on the CPU (XNNPACK or reference kernels): runs every op convert writes. */
    public static TargetCaps cpu() {
        return new TargetCaps("cpu", Set.of(), false);
    }

    /** The names {@link #named} accepts. */
    public static List<String> names() {
        List<String> r = new ArrayList<>();
        for (int api = 27; api <= 35; api++) {
            r.add("nnapi-" + api);
        }
        r.addAll(List.of("gpu", "htp", "htp-v68", "htp-v69", "htp-v73", "htp-v75", "cpu"));
        return r;
    }

    /** The target of this name; IllegalArgumentException listing the valid names when unknown. */
    public static TargetCaps named(String name) {
        if (!names().contains(name)) {
            throw new IllegalArgumentException("unknown target \"" + name + "\"; valid targets: "
                    + String.join(", ", names()));
        }
        if (name.startsWith("nnapi-")) {
            return nnapi(Integer.parseInt(name.substring("nnapi-".length())));
        }
        if (name.startsWith("htp")) {
            return htp(name.equals("htp") ? "" : name.substring("htp-".length()));
        }
        return name.equals("gpu") ? gpu() : cpu();
    }
}
