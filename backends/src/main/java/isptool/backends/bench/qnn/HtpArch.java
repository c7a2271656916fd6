package isptool.backends.bench.qnn;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The Hexagon (HTP) version of a Snapdragon, which picks the {@code libQnnHtpV<NN>Stub.so} /
 * {@code Skel.so} pair to push: from {@code ro.soc.model} (SM8350 ...) or
 * {@code ro.board.platform} (lahaina ...), or given as {@code --htp-arch vNN}. The table holds the
 * flagship SoCs of the four HTP versions the project targets (v68 to v75); any other device needs
 * {@code --htp-arch}.
 */
public final class HtpArch {
    private static final Map<String, String> BY_SOC = Map.ofEntries(
            Map.entry("sm8350", "v68"), Map.entry("lahaina", "v68"),
            Map.entry("sm8450", "v69"), Map.entry("taro", "v69"),
            Map.entry("sm8475", "v69"), Map.entry("cape", "v69"),
            Map.entry("sm8550", "v73"), Map.entry("kalama", "v73"),
            Map.entry("sm8650", "v75"), Map.entry("pineapple", "v75"));
    private static final Pattern ARCH = Pattern.compile("v\\d\\d");

    private HtpArch() {
    }

    /** {@code v73} for {@code SM8550} or {@code kalama}; null when the table does not know it. */
    public static String of(String soc) {
        return soc == null ? null : BY_SOC.get(soc.strip().toLowerCase(Locale.ROOT));
    }

    /** {@code vNN} (also {@code VNN}) in lower case, or null when it is not that shape. */
    public static String parse(String arch) {
        String a = arch.strip().toLowerCase(Locale.ROOT);
        return ARCH.matcher(a).matches() ? a : null;
    }

    /** {@code V73} as the library names spell it: {@code libQnnHtpV73Stub.so}. */
    static String libraryInfix(String arch) {
        return "V" + arch.substring(1);
    }
}
