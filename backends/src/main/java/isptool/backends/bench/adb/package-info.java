/**
 * The device side of {@code isptool bench --device}: the real {@code adb} client, driven as a child
 * process, and nothing of the benchmark itself (parsing and results live in
 * {@code isptool.backends.bench}).
 *
 * <h2>The seam: what the bench flow calls, in order</h2>
 * <ol>
 *   <li>{@link isptool.backends.bench.adb.AdbClient#locate AdbClient.locate(--adb, System.getenv())}:
 *       {@code --adb}, {@code $ADB}, {@code $PATH}; {@code $ANDROID_ADB_SERVER_PORT}. The serial
 *       defaults to {@code $ANDROID_SERIAL} (the bench command's job).</li>
 *   <li>A {@code HOST:PORT} serial that {@code devices()} does not list: {@code connect(HOST:PORT)}
 *       (adb exits 0 on failure; the method reads its words). {@code --device all}:
 *       {@code devices()} filtered by {@code ready()}, one thread per device.</li>
 *   <li>{@code AdbDevice device = adb.device(serial)}: unknown, unauthorized, offline and
 *       no-permissions devices end here with one line saying what to do.</li>
 *   <li>{@code DeviceFacts facts = device.facts()} (model, SoC, SDK, ABI: one shell round trip).</li>
 *   <li>With {@code --benchmark-binary}: {@code ElfMachine.requireRunsOn(binary, facts.abi(), serial)}
 *       before anything is pushed (ModelException, exit 2). Without it: use
 *       {@code /data/local/tmp/benchmark_model} if {@code device.remoteSha256(...)} finds it, else
 *       say how to get one.</li>
 *   <li>{@code try (RemoteRunFolder run = device.createRunFolder("/data/local/tmp"))}; {@code --keep}:
 *       {@code run.keep()}. {@code run.stage(binary, "benchmark_model", 0755)} and
 *       {@code run.stage(model, "model.tflite", 0644)} push only what the device cache
 *       ({@code /data/local/tmp/isptool-cache}, kept between runs) lacks.</li>
 *   <li>{@code ShellResult r = run.run("./benchmark_model --graph=model.tflite --use_xnnpack=...", timeout)}
 *       per delegate; parse {@code r.output()} (stdout then stderr; merged already on legacy
 *       devices) and judge {@code r.exitCode()} (1 = benchmark failed, 128+N = killed by signal N).
 *       A timeout throws {@link isptool.backends.bench.adb.DeviceTimeoutException} after killing the
 *       remote process. {@code --profile-ops}: the CSV file the run wrote, {@code run.take("ops.csv")}
 *       (null from tools that print only the text table).</li>
 *   <li>Leaving the try block stops what still runs and removes the folder, after failures too.
 *       Ctrl-C: a shutdown hook calls {@code run.stopProcess()} and {@code run.close()}.</li>
 * </ol>
 *
 * <h2>Errors</h2>
 * Device and adb failures (state, drop-off, push failed, no space, timeout) are
 * {@link isptool.backends.bench.adb.DeviceException}: one line naming the device; the cli's
 * ErrorHandler maps it to exit status 4.
 * A bad binary is a {@code ModelException} (exit 2).
 *
 * <h2>Facts the code relies on (BENCH.md §2, and observed with adb 29)</h2>
 * <ul>
 *   <li>Exit codes pass only with the device feature {@code shell_v2}; and even then adb 29 exits 0
 *       when the transport drops mid-command. So every command ends with a sentinel
 *       {@code __isptool_rc=N} on stderr: without shell_v2 it carries the status, always it proves
 *       the command finished; when it is missing, {@code get-state} tells a drop-off.</li>
 *   <li>Killing the local adb does not stop a remote process started without a pty: a run records
 *       its pid in the run folder and a timeout kills it with {@code kill -9}.</li>
 *   <li>adb's server outlives the command: tests use a private {@code -P} port and
 *       {@code kill-server} afterwards.</li>
 * </ul>
 *
 * <p>Tests: {@code DeviceStandIn} (backends/src/test) is a phone on loopback speaking the ADB
 * wire protocol for the real adb binary, with a sandbox folder as its file system and stand-in
 * benchmark_model scripts ({@code StandInBenchmarkModel}).
 */
package isptool.backends.bench.adb;
