package isptool.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Map;

/** Peak Java heap use so far, for reports (the sum of each heap pool's peak: an upper bound). */
final class MemoryUse {
    private MemoryUse() {
    }

    static long peakHeapBytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    static Map<String, Object> toJson() {
        return Map.of("peak_heap_bytes", peakHeapBytes(), "max_heap_bytes", Runtime.getRuntime().maxMemory());
    }
}
