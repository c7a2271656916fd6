package isptool.backends.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.bench.DelegateOutcome.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * benchmark_model logs of every era and the ways runs fail, each a fixture under
 * src/test/resources/bench/ whose header comment says which era and facts it follows.
 */
class BenchmarkModelParserTest {
    /** The fixture without its '#' header comment. */
    static String fixture(String name) throws IOException {
        try (InputStream in = BenchmarkModelParserTest.class.getResourceAsStream("/bench/" + name)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.lines().filter(l -> !l.startsWith("#")).collect(Collectors.joining("\n", "", "\n"));
        }
    }

    private static BenchResult parse(String name) throws IOException {
        return BenchmarkModelParser.parse(fixture(name));
    }

    private static void assertStats(BenchStats s, Integer count, Double first, Double curr, Double min, Double max,
            Double avg, Double std, Double p5, Double median, Double p95) {
        assertEquals(new BenchStats(count, first, curr, min, max, avg, std, p5, median, p95), s);
    }

    @Test
    void oldestEraHasStatLinesWithoutFirstAndTheAverageSummary() throws IOException {
        BenchResult r = parse("era_1_8.log");
        assertEquals(ToolEra.V1_8_AND_OLDER, r.era());
        assertEquals("4", r.flags().get("Num threads"));
        assertEquals("0", r.flags().get("Use nnapi"));
        assertEquals("/data/local/tmp/syenet_isp.tflite", r.flags().get("Graph"));
        assertEquals(12410.0, r.initUs());
        assertNull(r.firstInferenceUs());
        assertStats(r.warmup(), 1, null, 31522.0, 31522.0, 31522.0, 31522.0, 0.0, null, null, null);
        assertStats(r.inference(), 50, null, 18250.0, 17633.0, 21078.0, 18411.3, 612.0, null, null, null);
        assertEquals(18.4113, r.typicalMs(), 1e-9);
        assertTrue(r.ok());
        assertNull(r.problem());
        assertTrue(r.memory().isEmpty());
        assertNull(r.cpuFallback());
    }

    @Test
    void era113SummaryGivesInitAndAverages() throws IOException {
        BenchResult r = parse("era_1_13.log");
        assertEquals(ToolEra.V1_9_TO_1_13, r.era());
        assertEquals("0", r.flags().get("Use gpu"));
        assertEquals("0.5", r.flags().get("Min warmup runs duration (seconds)"));
        assertEquals(9933.0, r.initUs());
        assertStats(r.warmup(), 7, 76944.0, 76211.0, 75902.0, 77311.0, 76605.9, 462.0, null, null, null);
        assertStats(r.inference(), 50, 67012.0, 66540.0, 65311.0, 69903.0, 66767.6, 981.0, null, null, null);
        assertTrue(r.ok());
    }

    @Test
    void era2xHasFirstInferencePeakFootprintOldPartitionLineAndStartColumn() throws IOException {
        BenchResult r = parse("era_2_x.log");
        assertEquals(ToolEra.V1_14_TO_2_X, r.era());
        assertEquals(0.018728, r.modelSizeMb());
        assertEquals(870557.0, r.initUs());
        assertEquals(130565.0, r.firstInferenceUs());
        // the warm-up line has no avg=: the summary's "Warmup (avg)" fills it in
        assertStats(r.warmup(), 4, 130565.0, 119212.0, 118055.0, 130565.0, 122373.0, 4850.0, null, null, null);
        assertStats(r.inference(), 50, 119212.0, 118055.0, 113737.0, 124776.0, 119375.0, 1948.0, null, null, null);
        assertEquals(new BenchMemory(BenchMemory.Wording.FOOTPRINT, 4.92969, 138.809, null, null), r.memory());
        assertEquals(List.of("GPU"), r.delegatesCreated());
        assertEquals(List.of(new DelegateOutcome("GPU", Kind.FULL, null)), r.outcomes());
        assertEquals(List.of(new Partitioning(17, null, "TfLiteGpuDelegateV2", 1, null)), r.partitions());
        assertEquals(List.of(
                new OpProfileRow("TfLiteGpuDelegateV2", 0.0, 119.004, 118.870, 99.581, 99.581, 0.0, 1, "output"),
                new OpProfileRow("RESHAPE", 118.871, 0.512, 0.500, 0.419, 100.0, 0.0, 1, "output_flat")), r.ops());
        assertFalse(r.cpuFallback());
        assertTrue(r.ok());
    }

    @Test
    void newestEraHasPrefixesENotationAllSamePercentilesAndDeltaMemory() throws IOException {
        BenchResult r = parse("era_newest.log");
        assertEquals(ToolEra.NEWEST, r.era());
        assertEquals("2", r.flags().get("Num threads"));
        assertEquals("1", r.flags().get("Use xnnpack"));
        assertEquals(24113.0, r.initUs());
        assertEquals(1357602.0, r.firstInferenceUs());
        // "count=3 curr=1357602(all same)": every run took curr
        assertStats(r.warmup(), 3, 1357602.0, 1357602.0, 1357602.0, 1357602.0, 1357602.0, 0.0, null, null, null);
        assertStats(r.inference(), 50, 1249310.0, 1240027.0, 1236114.0, 1258840.0, 1.24027e6, 4213.0, 1238753.0,
                1239807.0, 1247415.0);
        assertEquals(1239.807, r.typicalMs(), 1e-9);
        assertEquals(new BenchMemory(BenchMemory.Wording.DELTA, 23.5469, 34.0781, 150.25, null), r.memory());
        assertEquals(List.of("XNNPACK"), r.delegatesCreated());
        assertEquals(List.of(new DelegateOutcome("XNNPACK", Kind.FULL, null)), r.outcomes());
        assertEquals(List.of(new Partitioning(17, 17, "TfLiteXNNPackDelegate", 1, 0)), r.partitions());
        assertEquals(Boolean.TRUE, r.partitions().get(0).complete());
        assertFalse(r.cpuFallback());
        assertTrue(r.ok());
    }

    @Test
    void newestOpProfileReadsOnlyTheRegularRunOrderAndNanIsMissing() throws IOException {
        BenchResult r = parse("newest_op_profile.log");
        assertEquals(ToolEra.NEWEST, r.era());
        assertEquals(1802.0, r.initUs());
        assertEquals(17320.0, r.firstInferenceUs());
        assertNull(r.warmup(), "zero warm-up runs: nan is no figure");
        assertStats(r.inference(), 61, 16850.0, 16402.0, 16011.0, 18877.0, 16453.2, 402.0, 16102.0, 16399.0, 17221.0);
        assertEquals(new BenchMemory(BenchMemory.Wording.DELTA, 1.125, 9.5, null, null), r.memory());
        assertEquals(expectedOps(), r.ops());
        assertTrue(r.delegatesCreated().isEmpty());
        assertNull(r.cpuFallback());
        assertTrue(r.ok());
    }

    private static List<OpProfileRow> expectedOps() {
        return List.of(
                new OpProfileRow("CONV_2D", null, 4.210, 4.102, 25.021, 25.021, 0.0, 1, "[/head/compress/Conv_output_0]:0"),
                new OpProfileRow("PRELU", null, 0.861, 0.844, 5.148, 30.169, 0.0, 1, "[/head_act/PRelu_output_0]:1"),
                new OpProfileRow("CONV_2D", null, 10.912, 10.795, 65.846, 96.015, 0.0, 1, "[/body/compress/Conv_output_0]:6"),
                new OpProfileRow("DEPTH_TO_SPACE", null, 0.660, 0.653, 3.985, 100.0, 0.0, 1, "[output]:16"));
    }

    @Test
    void opProfileCsvReadsTheFirstBlockWithQuotedNames() throws IOException {
        List<OpProfileRow> rows = BenchmarkModelParser.parseOpProfileCsv(fixture("op_profile.csv"));
        List<OpProfileRow> expected = new java.util.ArrayList<>(expectedOps());
        expected.set(3, new OpProfileRow("DEPTH_TO_SPACE", null, 0.660, 0.653, 3.985, 100.0, 0.0, 1, "[output, extra]:16"));
        assertEquals("output, extra", rows.get(3).name());
        assertEquals(16, rows.get(3).nodeIndex());
        assertEquals(expected, rows);
    }

    @Test
    void logcatPrefixesAndTheApkSummary() throws IOException {
        BenchResult r = parse("logcat_apk.log");
        assertEquals(ToolEra.NEWEST, r.era());
        assertEquals("/data/local/tmp/syenet_isp.tflite", r.flags().get("Graph"));
        assertEquals(88400.0, r.initUs());
        assertStats(r.warmup(), 62, 9870.0, 8011.0, 7950.0, 9870.0, 8102.5, 233.0, 7961.0, 8040.0, 8410.0);
        assertStats(r.inference(), 125, 8022.0, 7991.0, 7903.0, 8650.0, 7998.7, 101.0, 7921.0, 7980.0, 8190.0);
        assertEquals(List.of("NNAPI"), r.delegatesCreated());
        assertEquals(List.of(new DelegateOutcome("NNAPI", Kind.FULL, null)), r.outcomes());
        assertTrue(r.ok());
    }

    @Test
    void nnapiNotAppliedRunsOnTheCpu() throws IOException {
        BenchResult r = parse("fail_nnapi_not_applied.log");
        assertEquals(List.of(new DelegateOutcome("NNAPI", Kind.NONE, null)), r.outcomes());
        assertTrue(r.cpuFallback());
        assertEquals("none", r.outcomes().get(0).describe());
        assertEquals(41500.0, r.initUs());
        assertEquals(25311.0, r.firstInferenceUs());
        assertStats(r.warmup(), 21, 25311.0, 23998.0, 23850.0, 25311.0, 24102.0, 301.0, 23870.0, 24050.0, 24660.0);
        assertStats(r.inference(), 50, 24011.0, 23905.0, 23801.0, 24990.0, 24010.4, 190.0, 23833.0, 23975.0, 24408.0);
        assertTrue(r.ok(), "the run itself succeeded");
    }

    @Test
    void partialDelegationCountsKernelsNodesAndPartitions() throws IOException {
        BenchResult r = parse("fail_nnapi_partial.log");
        assertEquals("qti-dsp", r.flags().get("NNAPI accelerator name"));
        assertEquals(List.of(new DelegateOutcome("NNAPI", Kind.PARTIAL, 2)), r.outcomes());
        assertEquals("partial (2 kernels)", r.outcomes().get(0).describe());
        assertEquals(List.of(new Partitioning(12, 15, "TfLiteNnapiDelegate", 3, 0)), r.partitions());
        assertEquals(Boolean.FALSE, r.partitions().get(0).complete());
        assertTrue(r.cpuFallback());
        assertEquals(310200.0, r.initUs());
        assertEquals(15002.0, r.firstInferenceUs());
        assertStats(r.warmup(), 40, 15002.0, 12110.0, 11980.0, 15002.0, 12344.1, 512.0, 11990.0, 12150.0, 13020.0);
        assertStats(r.inference(), 83, 12101.0, 12055.0, 11902.0, 13377.0, 12087.9, 188.0, 11931.0, 12060.0, 12410.0);
        assertTrue(r.ok());
        assertEquals(List.of("qti-dsp", "qti-gpu", "nnapi-reference"), r.nnapiAccelerators());
    }

    @Test
    void anAcceleratorTheDeviceLacksFailsAndTheListIsKept() throws IOException {
        BenchResult r = parse("fail_nnapi_unknown_accelerator.log");
        assertFalse(r.ok());
        assertEquals(List.of("qti-dsp", "qti-gpu", "nnapi-reference"), r.nnapiAccelerators());
        assertEquals("Could not find the specified NNAPI accelerator: npu. Must be one of:"
                + " {qti-dsp,qti-gpu,nnapi-reference}. Failed to apply NNAPI delegate. Benchmarking failed.", r.problem());
    }

    /** Older tools print the list beside the chosen name (benchmark_tflite_model.cc of 1.15 to 2.2). */
    @Test
    void olderToolsPrintTheListBesideTheAcceleratorName() {
        BenchResult r = BenchmarkModelParser.parse("STARTING!\nUse nnapi : [1]\n"
                + "nnapi accelerator name: [] (Available: mtk-neuron,mtk-gpu,nnapi-reference)\n");
        assertEquals(List.of("mtk-neuron", "mtk-gpu", "nnapi-reference"), r.nnapiAccelerators());
        assertEquals(List.of(), BenchmarkModelParser.parse("INFO: STARTING!\nINFO: Use NNAPI: [0]\n").nnapiAccelerators());
    }

    @Test
    void delegateThatFailsToApplyIsAFailureWithoutTimings() throws IOException {
        BenchResult r = parse("fail_nnapi_failed.log");
        assertFalse(r.ok());
        assertFalse(r.hasTimings());
        assertEquals(List.of(new DelegateOutcome("NNAPI", Kind.FAILED, null)), r.outcomes());
        assertEquals(List.of("Failed to apply NNAPI delegate.", "Benchmarking failed."), r.failures());
        assertEquals("Benchmarking failed.", r.lastError());
        assertEquals("Failed to apply NNAPI delegate. Benchmarking failed.", r.problem());
    }

    @Test
    void disallowedCpuFallbackIsAFailure() throws IOException {
        BenchResult r = parse("fail_disallowed_fallback.log");
        assertFalse(r.ok());
        assertEquals("1", r.flags().get("Require full delegation"));
        assertEquals(List.of("Disallowed CPU fallback detected.", "Benchmarking failed."), r.failures());
        assertEquals(List.of(new Partitioning(40, 44, "TfLiteGpuDelegateV2", 3, 0)), r.partitions());
        assertTrue(r.cpuFallback());
    }

    @Test
    void truncatedOutputSaysTheRunEndedEarly() throws IOException {
        BenchResult r = parse("fail_crash_truncated.log");
        assertFalse(r.ok());
        assertFalse(r.hasTimings());
        assertStats(r.warmup(), 55, 14471.0, 8899.0, 8810.0, 14471.0, 9102.4, 760.0, 8830.0, 8920.0, 9900.0);
        assertNull(r.inference());
        assertNull(r.lastError());
        assertEquals(702900.0, r.initUs(), 1e-6);
        assertTrue(r.problem().contains("ends before the inference timings"), r.problem());
    }

    @Test
    void modelThatFailsToLoad() throws IOException {
        BenchResult r = parse("fail_load_model.log");
        assertFalse(r.ok());
        assertEquals(List.of("Failed to load model /data/local/tmp/isptool-1/missing.tflite", "Benchmarking failed."),
                r.failures());
        assertEquals(ToolEra.NEWEST, r.era());
    }

    @Test
    void oddInputNeverThrows() {
        for (String log : new String[] {null, "", "\n\n", "count=", "count=abc curr=(all same)", "Inference timings in us: ,,:,",
                "Replacing 99999999999 node(s) with delegate () node, yielding 1 partitions.", "====\n\t[node type]\n\tX\t\t",
                "Peak memory footprint (MB): init=nan overall=-nan", "\u0000\u00ff garbage ERROR: "}) {
            BenchResult r = BenchmarkModelParser.parse(log);
            assertFalse(r.ok());
            assertTrue(r.problem() != null && !r.problem().isEmpty());
        }
        assertEquals("something broke", BenchmarkModelParser.parse("ERROR: something broke\n").problem());
    }

    @Test
    void jsonHasEveryPart() throws IOException {
        Map<String, Object> j = parse("fail_nnapi_partial.log").toJson();
        assertEquals(true, j.get("ok"));
        assertEquals("2.1x and newer", j.get("tool_era"));
        @SuppressWarnings("unchecked")
        Map<String, Object> inf = (Map<String, Object>) j.get("inference");
        assertEquals(12060.0, inf.get("median_us"));
        assertEquals(List.of(Map.of("delegate", "NNAPI", "outcome", "partial", "kernels", 2)), j.get("delegate_outcomes"));
    }
}
