package isptool.backends.tflite;

import isptool.graph.ModelException;
import java.util.ArrayList;
import java.util.IllegalFormatException;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorflowlite.Reporter_Pointer_BytePointer_Pointer;
import org.bytedeco.tensorflowlite.global.tensorflowlite;

/**
 * The native side of the host TFLite runtime (bytedeco's build of TFLite 2.19 with XNNPACK):
 * loading it once, keeping its logger quiet, and turning its error reports into text.
 *
 * <p>TFLite reports errors through a callback {@code (user_data, format, va_list)}; Java cannot
 * call vsnprintf, so {@link #format} reads the arguments from the va_list itself. That follows the
 * x86-64 System V ABI (the only platform isptool ships the runtime for) and checks that what it
 * reads looks like a va_list; on anything else it returns the format string as it is.
 */
final class TfliteNative {
    /** {@code tflite::LogSeverity} values (tensorflow/lite/logger.h). */
    private static final int LOG_SILENT = 4;
    private static final String LOG_SEVERITY_SYMBOL =
            "_ZN6tflite16logging_internal13MinimalLogger21minimum_log_severity_E";

    private static boolean loaded;

    private TfliteNative() {
    }

    /** Loads the runtime (extracting it into javacpp's cache the first time). */
    static synchronized void load() {
        if (loaded) {
            return;
        }
        try {
            Loader.load(tensorflowlite.class);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            throw new ModelException("the TFLite runtime cannot be loaded on " + Loader.getPlatform() + ": "
                    + e.getMessage() + "; isptool ships it for linux-x86_64 (if the cache folder ~/.javacpp is"
                    + " not writable, set -Dorg.bytedeco.javacpp.cachedir=DIR)");
        }
        silenceLogger();
        loaded = true;
    }

    /**
     * Sets TFLite's minimum log severity to SILENT ({@code LoggerOptions::SetMinimumLogSeverity}
     * is not in the Java binding, so through its static variable). Without it the interpreter
     * prints "INFO: Created TensorFlow Lite XNNPACK delegate for CPU." and its errors to stderr;
     * isptool reports errors itself, in one line.
     */
    private static void silenceLogger() {
        Pointer p = Loader.addressof(LOG_SEVERITY_SYMBOL);
        if (p == null || p.isNull()) {
            return;
        }
        BytePointer severity = new BytePointer(p).capacity(4);
        int current = severity.getInt(0);
        if (current >= 0 && current <= LOG_SILENT) {
            severity.putInt(0, LOG_SILENT);
        }
    }

    /** Collects TFLite's error reports as text; pass it where the C API takes a reporter. */
    static final class ErrorCollector extends Reporter_Pointer_BytePointer_Pointer {
        private final List<String> messages = new ArrayList<>();

        @Override
        public void call(Pointer userData, BytePointer format, Pointer vaList) {
            messages.add(format(format, vaList));
        }

        List<String> messages() {
            return messages;
        }
    }

    /** printf-style formatting of a report; see the class comment for the limits. */
    static String format(BytePointer format, Pointer vaList) {
        String f = format == null || format.isNull() ? "" : format.getString();
        VaList args = "linux-x86_64".equals(Loader.getPlatform()) ? VaList.find(vaList) : null;
        if (args == null || f.indexOf('%') < 0) {
            return f.strip();
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < f.length()) {
            char c = f.charAt(i++);
            if (c != '%') {
                out.append(c);
                continue;
            }
            int start = i;
            while (i < f.length() && "-+ #0123456789.*hljztL".indexOf(f.charAt(i)) >= 0) {
                i++;
            }
            if (i >= f.length()) {
                break;
            }
            String spec = f.substring(start, i);
            char conversion = f.charAt(i++);
            if (conversion == '%') {
                out.append('%');
                continue;
            }
            try {
                out.append(args.next(spec, conversion));
            } catch (IllegalFormatException e) {
                out.append('%').append(spec).append(conversion);
            }
        }
        return out.toString().strip();
    }

    /**
     * An x86-64 System V va_list: {@code gp_offset} and {@code fp_offset} into the register save
     * area (6 general registers of 8 bytes, then 8 vector registers of 16), then the overflow area
     * on the stack, 8 bytes an argument.
     */
    private static final class VaList {
        private int gpOffset;
        private int fpOffset;
        private long overflowOffset;
        private final BytePointer overflow;
        private final BytePointer registers;

        private VaList(BytePointer tag) {
            gpOffset = tag.getInt(0);
            fpOffset = tag.getInt(4);
            overflow = new BytePointer(tag.getPointerValue(8));
            registers = new BytePointer(tag.getPointerValue(16));
        }

        /**
         * javacpp hands the callback a pointer to the va_list parameter, itself a pointer to the
         * {@code __va_list_tag}; accept either form, and nothing that does not look like one.
         */
        static VaList find(Pointer p) {
            if (p == null || p.isNull()) {
                return null;
            }
            BytePointer direct = new BytePointer(p);
            if (plausible(direct)) {
                return new VaList(direct);
            }
            Pointer inner = direct.getPointerValue(0);
            if (inner == null || inner.isNull()) {
                return null;
            }
            BytePointer tag = new BytePointer(inner);
            return plausible(tag) ? new VaList(tag) : null;
        }

        private static boolean plausible(BytePointer tag) {
            int gp = tag.getInt(0);
            int fp = tag.getInt(4);
            Pointer registers = tag.getPointerValue(16);
            return gp >= 0 && gp <= 48 && gp % 8 == 0 && fp >= 48 && fp <= 176 && (fp - 48) % 16 == 0
                    && registers != null && !registers.isNull();
        }

        String next(String spec, char conversion) {
            if (spec.indexOf('*') >= 0 || spec.contains("L")) {
                return "%" + spec + conversion;
            }
            boolean isLong = spec.contains("l") || spec.contains("z") || spec.contains("j") || spec.contains("t");
            String flags = spec.replaceAll("[hljztL]", "");
            switch (conversion) {
                case 'f', 'F', 'e', 'E', 'g', 'G', 'a', 'A' -> {
                    return String.format("%" + flags + Character.toLowerCase(conversion), nextDouble());
                }
                case 's' -> {
                    Pointer s = nextPointer();
                    return s == null || s.isNull() ? "(null)" : new BytePointer(s).getString();
                }
                case 'p' -> {
                    return "0x" + Long.toHexString(nextWord());
                }
                case 'c' -> {
                    return String.valueOf((char) (nextWord() & 0xff));
                }
                case 'd', 'i' -> {
                    long v = isLong ? nextWord() : (int) nextWord();
                    return String.format("%" + flags.replaceAll("\\.\\d*", "") + "d", v);
                }
                case 'u' -> {
                    long w = nextWord();
                    return isLong ? Long.toUnsignedString(w) : Long.toString(w & 0xffffffffL);
                }
                case 'x', 'X', 'o' -> {
                    long w = nextWord();
                    long v = isLong ? w : w & 0xffffffffL;
                    String s = conversion == 'o' ? Long.toOctalString(v) : Long.toHexString(v);
                    return conversion == 'X' ? s.toUpperCase() : s;
                }
                default -> {
                    return "%" + spec + conversion;
                }
            }
        }

        private long nextWord() {
            if (gpOffset < 48) {
                long v = registers.getLong(gpOffset);
                gpOffset += 8;
                return v;
            }
            long v = overflow.getLong(overflowOffset);
            overflowOffset += 8;
            return v;
        }

        private Pointer nextPointer() {
            if (gpOffset < 48) {
                Pointer v = registers.getPointerValue(gpOffset);
                gpOffset += 8;
                return v;
            }
            Pointer v = overflow.getPointerValue(overflowOffset);
            overflowOffset += 8;
            return v;
        }

        private double nextDouble() {
            if (fpOffset < 176) {
                double v = registers.getDouble(fpOffset);
                fpOffset += 16;
                return v;
            }
            double v = overflow.getDouble(overflowOffset);
            overflowOffset += 8;
            return v;
        }
    }
}
