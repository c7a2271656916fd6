package isptool.backends.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class TargetTest {
    @Test
    void profilesByName() {
        assertEquals(16, Target.all().size());
        assertEquals(29, Target.byName("NNAPI-29").apiLevel());
        assertEquals(68, Target.byName("htp").htpArch());
        assertEquals(Target.Family.CPU, Target.byName("cpu").family());
        assertNull(Target.byName("nnapi-26"));
        assertNull(Target.byName("tpu"));
        assertEquals("nnapi-27, nnapi-28, nnapi-29, nnapi-30, nnapi-31, nnapi-32, nnapi-33, nnapi-34, nnapi-35, gpu,"
                + " htp, htp-v68, htp-v69, htp-v73, htp-v75, cpu", Target.names());
    }

    /** convert --target names a target for its swaps (passes' TargetCaps) and checks it here: one list of names. */
    @Test
    void theSwapsKnowTheSameTargets() {
        assertEquals(Target.all().stream().map(Target::name).toList(), isptool.passes.target.TargetCaps.names());
    }

    @Test
    void featureLevelsFollowFacts() {
        // FACTS.md §4: FL1 = API 27 ... FL4 = API 30, FL5 = API 31 (and 32), FL6 / FL7 after
        List<Integer> levels = Target.all().stream().filter(t -> t.family() == Target.Family.NNAPI)
                .map(Target::featureLevel).toList();
        assertEquals(List.of(1, 2, 3, 4, 5, 5, 6, 7, 8), levels);
        assertEquals(3, Target.byName("nnapi-30").maxPartitions());
        assertEquals(1, Target.byName("gpu").maxPartitions());
    }
}
