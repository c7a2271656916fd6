package isptool.backends.target;

import isptool.backends.tflite.TfliteModel;
import isptool.backends.tflite.TfliteModel.OperatorInfo;
import isptool.backends.tflite.TfliteModel.TensorInfo;
import isptool.graph.Shape;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a delegate splits a model: TFLite groups the operators the delegate supports into
 * independent subsets in execution order (a subset grows while operators of its kind have all
 * their inputs ready, then the other kind takes over), one delegate partition per supported subset;
 * a delegate that keeps at most N partitions keeps the N largest and the rest run on the CPU
 * (tensorflow/tensorflow tensorflow/lite/delegates/utils.cc GraphPartitionHelper, and
 * PartitionGraphIntoIndependentNodeSubsets in tensorflow/lite/graph_info.cc).
 */
public record PartitionPlan(List<Segment> segments, BitSet dropped, int crossingTensors, long crossingBytes) {
    /** Whether the whole model runs on the delegate, part of it, or none. */
    public enum Verdict {
        FULLY("fully delegated"), PARTIALLY("partially delegated"), NOT("not delegated");

        public final String words;

        Verdict(String words) {
            this.words = words;
        }
    }

    /** Operators run together, by the delegate or on the CPU, in execution order. */
    public record Segment(boolean delegated, List<Integer> operators) {
    }

    /** Plans the model for this support mask (operator index → the delegate takes it). */
    public static PartitionPlan of(TfliteModel m, BitSet supported, int maxPartitions) {
        List<Segment> segments = subsets(m, supported);
        BitSet dropped = new BitSet();
        List<Segment> delegated = segments.stream().filter(Segment::delegated).toList();
        if (delegated.size() > maxPartitions) {
            List<Segment> bySize = new ArrayList<>(delegated);
            bySize.sort(Comparator.comparingInt((Segment s) -> -s.operators().size()));
            BitSet kept = new BitSet();
            bySize.subList(0, maxPartitions).forEach(s -> s.operators().forEach(kept::set));
            BitSet now = (BitSet) supported.clone();
            for (int i = supported.nextSetBit(0); i >= 0; i = supported.nextSetBit(i + 1)) {
                if (!kept.get(i)) {
                    dropped.set(i);
                    now.clear(i);
                }
            }
            segments = subsets(m, now);
        }
        Map<Integer, Integer> segmentOf = new HashMap<>();
        for (int s = 0; s < segments.size(); s++) {
            for (int op : segments.get(s).operators()) {
                segmentOf.put(op, s);
            }
        }
        Set<Integer> crossing = new LinkedHashSet<>();
        Map<Integer, Integer> producer = producers(m);
        for (OperatorInfo op : m.operators()) {
            for (int t : op.inputs()) {
                Integer p = t < 0 ? null : producer.get(t);
                if (p != null && segments.get(segmentOf.get(p)).delegated()
                        != segments.get(segmentOf.get(op.index())).delegated()) {
                    crossing.add(t);
                }
            }
        }
        long bytes = 0;
        for (int t : crossing) {
            bytes += bytes(m.tensor(t));
        }
        return new PartitionPlan(List.copyOf(segments), dropped, crossing.size(), bytes);
    }

    public int delegatePartitions() {
        return (int) segments.stream().filter(Segment::delegated).count();
    }

    public int cpuIslands() {
        return (int) segments.stream().filter(s -> !s.delegated()).count();
    }

    public int delegatedOperators() {
        return segments.stream().filter(Segment::delegated).mapToInt(s -> s.operators().size()).sum();
    }

    public Verdict verdict() {
        if (cpuIslands() == 0) {
            return Verdict.FULLY;
        }
        return delegatePartitions() == 0 ? Verdict.NOT : Verdict.PARTIALLY;
    }

    public Map<String, Object> toJson() {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("verdict", verdict().words);
        j.put("delegate_partitions", delegatePartitions());
        j.put("cpu_islands", cpuIslands());
        j.put("delegated_operators", delegatedOperators());
        j.put("crossing_tensors", crossingTensors);
        j.put("crossing_bytes", crossingBytes);
        j.put("segments", segments.stream().map(s -> Map.of("on", s.delegated() ? "delegate" : "cpu",
                "operators", s.operators())).toList());
        return j;
    }

    /** TFLite's greedy split into independent subsets of one kind each, in execution order. */
    private static List<Segment> subsets(TfliteModel m, BitSet supported) {
        int n = m.operators().size();
        Map<Integer, Integer> producer = producers(m);
        BitSet done = new BitSet(n);
        List<Segment> r = new ArrayList<>();
        boolean kind = n > 0 && supported.get(0);
        int stalled = 0;
        while (done.cardinality() < n && stalled < 2) {
            List<Integer> subset = new ArrayList<>();
            boolean grew = true;
            while (grew) {
                grew = false;
                for (int i = done.nextClearBit(0); i < n; i = done.nextClearBit(i + 1)) {
                    if (supported.get(i) == kind && ready(m.operators().get(i), producer, done)) {
                        subset.add(i);
                        done.set(i);
                        grew = true;
                    }
                }
            }
            stalled = subset.isEmpty() ? stalled + 1 : 0;
            if (!subset.isEmpty()) {
                subset.sort(Integer::compare);
                r.add(new Segment(kind, List.copyOf(subset)));
            }
            kind = !kind;
        }
        return r;
    }

    private static boolean ready(OperatorInfo op, Map<Integer, Integer> producer, BitSet done) {
        for (int t : op.inputs()) {
            Integer p = t < 0 ? null : producer.get(t);
            if (p != null && !done.get(p)) {
                return false;
            }
        }
        return true;
    }

    private static Map<Integer, Integer> producers(TfliteModel m) {
        Map<Integer, Integer> r = new HashMap<>();
        for (OperatorInfo op : m.operators()) {
            op.outputs().forEach(t -> r.put(t, op.index()));
        }
        return r;
    }

    private static long bytes(TensorInfo t) {
        return t.type().hasDType() ? Shape.of(t.shape()).elementCount() * t.type().byteSize() : 0;
    }
}
