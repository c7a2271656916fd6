package isptool.backends.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Memory figures of a run in MB. benchmark_model has printed them in two wordings: earlier 2.x
 * {@code Peak memory footprint (MB): init= overall=} ({@link Wording#FOOTPRINT}, absolute), later
 * {@code Memory footprint delta from the start of the tool (MB): init= overall=} ({@link
 * Wording#DELTA}); with {@code --report_peak_memory_footprint} also a peak sampled by a monitor.
 * The host bench fills the same fields: deltas of the process's resident set, its high-water mark
 * as the peak, and the Java heap's peak. Any field may be missing (null).
 */
public record BenchMemory(Wording wording, Double initMb, Double overallMb, Double peakMb, Double heapPeakMb) {
    public enum Wording {
        /** {@code Peak memory footprint (MB): init=... overall=...}: absolute footprints. */
        FOOTPRINT,
        /** {@code Memory footprint delta from the start of the tool (MB): ...}: growth since start. */
        DELTA
    }

    public static final BenchMemory NONE = new BenchMemory(null, null, null, null, null);

    public BenchMemory withPeak(Double mb) {
        return new BenchMemory(wording, initMb, overallMb, mb, heapPeakMb);
    }

    public BenchMemory withFootprint(Wording w, Double init, Double overall) {
        return new BenchMemory(w, init, overall, peakMb, heapPeakMb);
    }

    public boolean isEmpty() {
        return equals(NONE);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("wording", wording == null ? null : wording.name().toLowerCase(java.util.Locale.ROOT));
        m.put("init_mb", initMb);
        m.put("overall_mb", overallMb);
        m.put("peak_mb", peakMb);
        m.put("heap_peak_mb", heapPeakMb);
        return m;
    }
}
