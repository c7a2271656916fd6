package isptool.backends.bench.adb;

import isptool.backends.bench.BenchRun;
import isptool.backends.bench.qnn.HtpArch;
import isptool.backends.bench.qnn.QnnInputs;
import isptool.backends.bench.qnn.QnnProfile;
import isptool.backends.bench.qnn.QnnSdkFiles;
import isptool.graph.ModelException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One device's part of {@code isptool bench out/NAME --qnn-sdk DIR} (QNN.md §8): facts, the HTP
 * version (from the SoC, or {@code --htp-arch}), a run folder with the SDK's aarch64-android
 * {@code qnn-net-run}, {@code qnn-profile-viewer} and libraries, the built model and random
 * inputs; {@code qnn-net-run} on the HTP backend with basic profiling, then
 * {@code qnn-profile-viewer} on the device too (it is one of the SDK's aarch64-android tools, so
 * the profile never has to be pulled), parsed. Both run with {@code LD_LIBRARY_PATH=.} and
 * {@code ADSP_LIBRARY_PATH=.}. The folder is removed on every path, as for {@link DeviceBench}.
 */
public final class QnnDeviceBench {
    /** The output folder of qnn-net-run inside the run folder. */
    static final String OUTPUT = "out";
    static final String ENV = "LD_LIBRARY_PATH=. ADSP_LIBRARY_PATH=. ";

    /** What {@code bench --qnn-sdk} asks of a run; {@code htpArch} null = from the device's SoC. */
    public record Options(QnnSdkFiles sdk, List<QnnInputs.Input> inputs, String htpArch, int inferences, long seed,
            Duration timeout, boolean keep) {
    }

    /** A device's QNN bench: facts, the HTP version used, the viewer's figures and the row. */
    public record Result(DeviceFacts facts, String htpArch, QnnProfile profile, DeviceBench.Row row, double seconds) {
    }

    private QnnDeviceBench() {
    }

    /** The qnn-net-run command line, as the device receives it inside the run folder. */
    public static String netRunCommand(QnnSdkFiles sdk, int inferences) {
        String model = sdk.model().getFileName().toString();
        return ENV + "./qnn-net-run --backend libQnnHtp.so " + (sdk.context() ? "--retrieve_context " : "--model ")
                + AdbDevice.quote(model) + " --input_list " + QnnInputs.LIST + " --perf_profile burst"
                + " --profiling_level basic --num_inferences " + inferences + " --output_dir " + OUTPUT;
    }

    /** The qnn-profile-viewer command line. */
    public static String viewerCommand() {
        return ENV + "./qnn-profile-viewer --input_log " + OUTPUT + "/qnn-profiling-data_0.log";
    }

    public static Result run(AdbDevice device, Options o, Consumer<String> progress) {
        long t0 = System.nanoTime();
        DeviceFacts facts = device.facts();
        String arch = o.htpArch() != null ? o.htpArch() : HtpArch.of(facts.soc());
        if (arch == null) {
            throw new ModelException(device.name() + " has SoC '" + facts.soc() + "', whose HTP version isptool's table"
                    + " does not know; pass --htp-arch vNN (v68, v69, v73, v75) for its libQnnHtpV<NN>Stub/Skel pair");
        }
        List<QnnSdkFiles.Staged> staged = o.sdk().staged(arch);
        DeviceBench.Row[] row = new DeviceBench.Row[1];
        QnnProfile[] profile = new QnnProfile[1];
        Path inputs = null;
        try (RemoteRunFolder folder = device.createRunFolder("/data/local/tmp")) {
            inputs = Files.createTempDirectory("isptool-qnn-inputs");
            List<Path> inputFiles = QnnInputs.write(inputs, o.inputs(), o.seed());
            folder.guarded(() -> {
                if (o.keep()) {
                    folder.keep();
                }
                progress.accept(device.serial() + ": staging qnn-net-run, the HTP " + arch + " libraries and "
                        + o.sdk().model().getFileName() + " in " + folder.path());
                for (QnnSdkFiles.Staged s : staged) {
                    folder.stage(s.local(), s.name(), s.mode());
                }
                for (Path f : inputFiles) {
                    folder.stage(f, f.getFileName().toString(), 0644);
                }
                progress.accept(device.serial() + ": qnn-net-run --num_inferences " + o.inferences() + " on the HTP ("
                        + arch + ")");
                long t1 = System.nanoTime();
                String command = netRunCommand(o.sdk(), o.inferences());
                ShellResult net = folder.run(command, o.timeout());
                if (!net.ok()) {
                    throw new DeviceException(device.name() + ": qnn-net-run " + DeviceBench.exitWords(net.exitCode())
                            + errorLine(net.output()) + "; run again with --keep and look in the run folder");
                }
                ShellResult viewer = folder.run(viewerCommand(), o.timeout());
                if (!viewer.ok()) {
                    throw new DeviceException(device.name() + ": qnn-profile-viewer " + DeviceBench.exitWords(viewer.exitCode())
                            + " reading " + OUTPUT + "/qnn-profiling-data_0.log" + errorLine(viewer.output()));
                }
                profile[0] = QnnProfile.parse(viewer.output());
                if (profile[0].netRunUs() == null) {
                    throw new DeviceException(device.name() + ": qnn-profile-viewer printed no 'NetRun: N us' after"
                            + " 'Execute Stats (Average):'; run again with --keep and look at " + OUTPUT
                            + "/qnn-profiling-data_0.log");
                }
                Map<String, String> flags = new LinkedHashMap<>();
                flags.put("backend", "libQnnHtp.so");
                flags.put(o.sdk().context() ? "retrieve_context" : "model", o.sdk().model().getFileName().toString());
                flags.put("perf_profile", "burst");
                flags.put("profiling_level", "basic");
                flags.put("num_inferences", Integer.toString(o.inferences()));
                BenchRun run = new BenchRun(device.serial(), "htp-" + arch, profile[0].toResult(o.inferences(), flags, null));
                row[0] = new DeviceBench.Row(run, command, (System.nanoTime() - t1) / 1e9, null);
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteTree(inputs);
        }
        return new Result(facts, arch, profile[0], row[0], (System.nanoTime() - t0) / 1e9);
    }

    /** {@code : LINE}, the last line saying ERROR (else the last line) of a failed tool's output; empty if none. */
    static String errorLine(String output) {
        List<String> lines = output.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        String error = lines.stream().filter(l -> l.toUpperCase(java.util.Locale.ROOT).contains("ERROR"))
                .reduce((a, b) -> b).orElse(lines.isEmpty() ? null : lines.get(lines.size() - 1));
        return error == null ? "" : ": " + error;
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder left behind is harmless
        }
    }
}
