package isptool.backends.bench;

/**
 * benchmark_model's output era, told from its formats (the tool prints no version of its own);
 * bounds are approximate (see docs on benchmark output by era).
 */
public enum ToolEra {
    /** Stat lines {@code curr= count= min= max= avg= std=}: up to about 1.8. */
    V1_8_AND_OLDER("<= 1.8"),
    /** {@code first=} in stat lines, summary {@code Average inference timings in us: Warmup: ...}. */
    V1_9_TO_1_13("1.9-1.13"),
    /** Summary {@code Inference timings in us: Init: ..., First inference: ...}, no percentiles. */
    V1_14_TO_2_X("1.14-2.x"),
    /** Stat lines with {@code p5= median= p95=}, tool lines prefixed {@code INFO: }. */
    NEWEST("2.1x and newer"),
    /** Nothing in the output told the era apart (e.g. it failed before timing). */
    UNKNOWN("unknown"),
    /** Not benchmark_model: isptool's in-process host bench. */
    HOST("isptool host bench"),
    /** Not benchmark_model: Qualcomm's qnn-net-run, read through qnn-profile-viewer. */
    QNN_NET_RUN("qnn-net-run");

    public final String label;

    ToolEra(String label) {
        this.label = label;
    }
}
