package isptool.backends.bench.adb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark_model command lines and exit wording of {@link DeviceBench}; the runs themselves are tested in cli. */
class DeviceBenchTest {
    private static final DeviceBench.Options OPTIONS = new DeviceBench.Options(List.of("cpu"), 2, 30, 3, 0.5,
            Duration.ofSeconds(60), false, null, false);

    @Test
    void delegatesParseAllAndAcceleratorNames() {
        assertEquals(List.of("cpu", "xnnpack", "gpu", "nnapi"), DeviceBench.parseDelegates("all"));
        assertEquals(List.of("nnapi:qti-dsp", "cpu"), DeviceBench.parseDelegates("nnapi:qti-dsp,CPU,cpu"));
        assertNull(DeviceBench.parseDelegates("hexagon"));
        assertNull(DeviceBench.parseDelegates("nnapi:"));
    }

    @Test
    void everyRunSaysXnnpackExplicitly() {
        assertEquals("./benchmark_model --graph=model.tflite --num_threads=2 --num_runs=30 --warmup_runs=3 --min_secs=0.5"
                + " --use_xnnpack=false", DeviceBench.commandLine("./benchmark_model", "cpu", OPTIONS));
        assertEquals("--use_xnnpack=true", DeviceBench.delegateFlags("xnnpack"));
        assertEquals("--use_gpu=true --use_xnnpack=false", DeviceBench.delegateFlags("gpu"));
        assertEquals("--use_nnapi=true --use_xnnpack=false", DeviceBench.delegateFlags("nnapi"));
        assertEquals("--use_nnapi=true --nnapi_accelerator_name=google-edgetpu --use_xnnpack=false",
                DeviceBench.delegateFlags("nnapi:google-edgetpu"));
        assertEquals("--use_nnapi=true --nnapi_accelerator_name='a b' --use_xnnpack=false",
                DeviceBench.delegateFlags("nnapi:a b"));
    }

    @Test
    void exitStatusesAreSaidInWords() {
        assertEquals("failed (exit 1)", DeviceBench.exitWords(1));
        assertEquals("was killed by signal 11 (SIGSEGV) (exit 139)", DeviceBench.exitWords(139));
        assertEquals("was killed by signal 9 (SIGKILL) (exit 137)", DeviceBench.exitWords(137));
    }
}
