package isptool.backends.target;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A named accelerator profile: the NNAPI delegate at an Android API level, the GPU delegate, the
 * Qualcomm HTP through QNN at a Hexagon architecture, or the CPU (XNNPACK against TFLite's
 * reference kernels). Its rules live in the family's {@link RuleTable}.
 */
public record Target(String name, Family family, int apiLevel, int htpArch, String description) {
    /** Where a model runs; each family has one rule table. */
    public enum Family {
        NNAPI("NNAPI delegate"), GPU("GPU delegate"), HTP("QNN HTP"), CPU("XNNPACK");

        /** What the accelerated side is called in reports ("partitions of the NNAPI delegate"). */
        public final String delegate;

        Family(String delegate) {
            this.delegate = delegate;
        }
    }

    /** The first and last Android API levels with an NNAPI profile. */
    public static final int FIRST_API = 27;
    public static final int LAST_API = 35;

    /** Hexagon architectures with an HTP profile; {@code htp} alone is the oldest (strictest) one. */
    public static final List<Integer> HTP_ARCHS = List.of(68, 69, 73, 75);

    private static final List<Target> ALL = build();

    /** Every profile, in the order {@code --target all} prints them. */
    public static List<Target> all() {
        return ALL;
    }

    /** The profile with this name; null if there is none (see {@link #names()}). */
    public static Target byName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return ALL.stream().filter(t -> t.name.equals(n)).findFirst().orElse(null);
    }

    /** The valid names, comma-separated, for messages. */
    public static String names() {
        return String.join(", ", ALL.stream().map(Target::name).toList());
    }

    /** An HTP architecture that runs float16 (v69 on); false for other families. */
    public boolean htpFloat16() {
        return family == Family.HTP && htpArch >= HtpRules.FIRST_FP16_ARCH;
    }

    /**
     * NNAPI feature level of this API level (FACTS.md §4: FL1 = API 27 ... FL4 = API 30, FL5 = API
     * 31 and 32; FL6, FL7, FL8 = API 33, 34, 35); 0 for other families.
     */
    public int featureLevel() {
        if (family != Family.NNAPI) {
            return 0;
        }
        return apiLevel <= 31 ? apiLevel - 26 : apiLevel == 32 ? 5 : apiLevel - 27;
    }

    /**
     * The most delegate partitions the delegate keeps by default; later (smaller) ones run on the
     * CPU. NNAPI: 3 (StatefulNnApiDelegate::Options max_number_delegated_partitions, FACTS.md §4);
     * GPU: 1 (TfLiteGpuDelegateOptionsV2Default max_delegated_partitions); HTP and XNNPACK: no limit.
     */
    public int maxPartitions() {
        return switch (family) {
            case NNAPI -> 3;
            case GPU -> 1;
            default -> Integer.MAX_VALUE;
        };
    }

    private static List<Target> build() {
        List<Target> r = new ArrayList<>();
        for (int api = FIRST_API; api <= LAST_API; api++) {
            r.add(new Target("nnapi-" + api, Family.NNAPI, api, 0, "TFLite NNAPI delegate on Android API " + api));
        }
        r.add(new Target("gpu", Family.GPU, 0, 0, "TFLite GPU delegate (OpenCL)"));
        r.add(new Target("htp", Family.HTP, 0, HTP_ARCHS.get(0), "Qualcomm HTP through QNN, rules every"
                + " architecture meets (as v" + HTP_ARCHS.get(0) + ")"));
        for (int arch : HTP_ARCHS) {
            r.add(new Target("htp-v" + arch, Family.HTP, 0, arch, "Qualcomm HTP v" + arch + " through QNN"));
        }
        r.add(new Target("cpu", Family.CPU, 0, 0, "TFLite CPU: XNNPACK, else TFLite's builtin kernels"));
        return Collections.unmodifiableList(r);
    }
}
