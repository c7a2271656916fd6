package isptool.backends.bench.adb;

/**
 * What a benchmark row says about the phone, read with {@code getprop}.
 *
 * @param soc {@code ro.soc.model} (Android 12+), else {@code ro.board.platform}
 * @param sdk {@code ro.build.version.sdk}, e.g. 34
 * @param abi {@code ro.product.cpu.abi}, e.g. {@code arm64-v8a}
 */
public record DeviceFacts(String serial, String model, String soc, int sdk, String abi) {
}
