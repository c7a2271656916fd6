package isptool.cli;

import isptool.backends.calib.BayerPattern;
import isptool.backends.calib.CalibrationInputs;
import isptool.backends.calib.ImageOptions;
import isptool.backends.quant.CalibrationMethod;
import isptool.backends.quant.IoType;
import isptool.backends.quant.Precision;
import isptool.backends.quant.QuantOptions;
import isptool.backends.quant.Quantizer;
import isptool.graph.Graph;
import isptool.graph.ModelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** convert's quantization options: the precision, the calibration data and how to read it, the quality checks. */
final class QuantOptionsMixin {
    /** PSNR floor of an FP16 model against float32 when --min-psnr is not given. */
    static final double FP16_MIN_PSNR = 60;

    @Option(names = "--precision", defaultValue = "fp32", paramLabel = "fp32|fp16|int8|int16x8|auto",
            description = "Number format of the written model: fp32 (default), fp16 (float16 weights), int8 (full"
                    + " integer) or int16x8 (int16 activations, int8 weights); int8 and int16x8 need --calibration;"
                    + " auto: the cheapest plan (int8, then a few float layers, int16x8, fp16) reaching --min-psnr on"
                    + " the calibration samples.")
    String precision;

    @Option(names = "--io-type", paramLabel = "float32|int8|uint8",
            description = "Type of an integer model's inputs and outputs (default float32: QUANTIZE/DEQUANTIZE at the"
                    + " borders inside the model; int8 for int8 with --target nnapi-27..29).")
    String ioType;

    @Option(names = "--calibration", arity = "1..*", paramLabel = "[NAME=]DIR|FILE",
            description = "Representative inputs: folders or files of .npy tensors (ONNX layout; [N, ...] holds N"
                    + " samples) or 8/16-bit PNG and JPEG images at the input's size, read in sorted name order;"
                    + " NAME= picks the input of a multi-input model.")
    List<String> calibration = new ArrayList<>();

    @Option(names = "--calib-scale", paramLabel = "S",
            description = "Multiply image samples by S (default 1/255 for 8-bit, 1/65535 for 16-bit images).")
    Double calibScale;

    @Option(names = "--mean", split = ",", paramLabel = "a,b,c",
            description = "Subtract per channel after scaling (one value, or one per channel).")
    double[] mean;

    @Option(names = "--std", split = ",", paramLabel = "a,b,c",
            description = "Divide per channel after subtracting the mean (one value, or one per channel).")
    double[] std;

    @Option(names = "--bayer", paramLabel = "RGGB|BGGR|GRBG|GBRG",
            description = "Pack single-channel RAW images into 4 half-resolution channels R, G1, G2, B (G1 on the red"
                    + " rows, G2 on the blue rows) whatever the pattern.")
    String bayer;

    @Option(names = "--calib-method", paramLabel = "minmax|percentile|mse",
            description = "How activation ranges are chosen from the calibration data (default: the quantizer's"
                    + " measured best, mse). Products of two activations always keep their full range.")
    String calibMethod;

    @Option(names = "--no-bias-correction", description = "Do not correct the biases for the mean quantization error.")
    boolean noBiasCorrection;

    @Option(names = "--float-ops", paramLabel = "REGEX",
            description = "ONNX nodes whose name matches stay float32 (mixed precision).")
    String floatOps;

    @Option(names = "--int16-ops", paramLabel = "REGEX",
            description = "int8: ONNX nodes whose name matches get int16 activations (16x8 kernels; QUANTIZE from"
                    + " int16 to int8 after them, DEQUANTIZE + QUANTIZE from int8 to int16 before them); float32 I/O.")
    String int16Ops;

    @Option(names = "--strict-int8", description = "int8: keep every op integer, also a final sigmoid/tanh whose fixed"
            + " int8 output scale caps the output's PSNR (kept float32 by default, and reported).")
    boolean strictInt8;

    @Option(names = "--cle", description = "int8/int16x8: cross-layer equalization before quantizing (balances the"
            + " weight ranges of conv -> ReLU/PReLU -> conv pairs; exact). Off by default: it helps some nets and"
            + " costs others (see the README's quantization table).")
    boolean cle;

    @Option(names = "--adaround", description = "int8/int16x8: round each conv weight down or up, whichever keeps"
            + " the layer's output on the calibration samples closest to float (AdaRound's objective, searched"
            + " greedily).")
    boolean adaround;

    @Option(names = "--per-layer", description = "Also compare every intermediate tensor with onnxruntime.")
    boolean perLayer;

    @Option(names = "--min-psnr", paramLabel = "DB",
            description = "Fail (exit 3, no output) if an output's PSNR against float32 is below DB (fp16 default: "
                    + "60 dB).")
    Double minPsnr;

    /** The precision asked for; int8 (where auto starts) for --precision auto. */
    Precision precision(CommandLine cl) {
        return auto() ? Precision.INT8 : parse(cl, Precision.class, precision, "--precision");
    }

    /** --precision auto: AutoPrecision picks the plan. */
    boolean auto() {
        return "auto".equalsIgnoreCase(precision);
    }

    /** Refuses options that do not fit the precision, before any work. */
    void check(CommandLine cl) {
        check(cl, false);
    }

    /**
     * The same; calibrationUsedElsewhere: --calibration is also used by something other than the
     * written model's quantization (convert --compare-precisions), so fp32 may take it.
     */
    void check(CommandLine cl, boolean calibrationUsedElsewhere) {
        Precision p = precision(cl);
        IoType io = ioType(cl);
        if (minPsnr != null && !Double.isFinite(minPsnr)) {
            throw new CommandLine.ParameterException(cl, "--min-psnr must be a finite number of dB (e.g. 45), not "
                    + minPsnr);
        }
        if (int16Ops != null && p != Precision.INT8) {
            throw new CommandLine.ParameterException(cl, "--int16-ops gives chosen nodes of an int8 model int16"
                    + " activations: use it with --precision int8 or auto, not " + precision);
        }
        if (!p.isInteger() && (cle || adaround)) {
            throw new CommandLine.ParameterException(cl, (cle ? "--cle" : "--adaround") + " applies to --precision"
                    + " int8, int16x8 or auto, not " + precision);
        }
        if (p == Precision.FP32 && (!calibration.isEmpty() && !calibrationUsedElsewhere || perLayer || minPsnr != null || floatOps != null)) {
            throw new CommandLine.ParameterException(cl, "--calibration, --per-layer, --min-psnr and --float-ops apply"
                    + " to --precision fp16, int8 or int16x8, not fp32");
        }
        if (!p.isInteger() && io != IoType.FLOAT32) {
            throw new CommandLine.ParameterException(cl, "--io-type " + ioType + " needs an integer model:"
                    + " --precision int8 or int16x8");
        }
        method(cl);
        if (bayer != null) {
            parse(cl, BayerPattern.class, bayer, "--bayer");
        }
        if (auto() && minPsnr == null) {
            throw new CommandLine.ParameterException(cl, "--precision auto needs --min-psnr DB: the PSNR against"
                    + " float32 the cheapest plan must reach (e.g. 45)");
        }
        if (p.isInteger() && calibration.isEmpty()) {
            throw new ModelException("--precision " + precision + " needs calibration data to choose activation"
                    + " ranges: pass --calibration DIR with a few dozen representative inputs (PNG/JPEG images at the"
                    + " model's input size or .npy tensors in its input layout), or use --precision fp16");
        }
    }

    QuantOptions options(CommandLine cl) {
        return new QuantOptions(precision(cl), ioType(cl), method(cl), !noBiasCorrection,
                regex(cl, "--float-ops", floatOps), strictInt8, cle, adaround, regex(cl, "--int16-ops", int16Ops));
    }

    private static Pattern regex(CommandLine cl, String option, String value) {
        try {
            return value == null ? null : Pattern.compile(value);
        } catch (PatternSyntaxException e) {
            throw new CommandLine.ParameterException(cl, option + " " + value + " is not a regular expression: "
                    + e.getDescription());
        }
    }

    /** --io-type, float32 when not given. */
    private IoType ioType(CommandLine cl) {
        return ioType == null ? IoType.FLOAT32 : parse(cl, IoType.class, ioType, "--io-type");
    }

    /** Whether --io-type was given. */
    boolean ioTypeGiven() {
        return ioType != null;
    }

    private CalibrationMethod method(CommandLine cl) {
        return calibMethod == null ? Quantizer.DEFAULT_METHOD
                : parse(cl, CalibrationMethod.class, calibMethod, "--calib-method");
    }

    /** The calibration samples, checked against g's inputs; null when none were given. */
    CalibrationInputs calibration(Graph g, CommandLine cl) {
        if (calibration.isEmpty()) {
            return null;
        }
        return CalibrationInputs.open(g, calibration, imageOptions(cl));
    }

    /** How an image becomes an input sample: --calib-scale, --mean, --std, --bayer. */
    ImageOptions imageOptions(CommandLine cl) {
        return new ImageOptions(calibScale, mean, std, bayer == null ? null : parse(cl, BayerPattern.class, bayer,
                "--bayer"));
    }

    /** The PSNR every output must reach, or NaN for none. */
    double psnrFloor(CommandLine cl) {
        if (minPsnr != null) {
            return minPsnr;
        }
        return precision(cl) == Precision.FP16 ? FP16_MIN_PSNR : Double.NaN;
    }

    private static <E extends Enum<E>> E parse(CommandLine cl, Class<E> type, String value, String option) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value)) {
                return e;
            }
        }
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            names.add(type == BayerPattern.class ? e.name() : e.name().toLowerCase(Locale.ROOT));
        }
        throw new CommandLine.ParameterException(cl, option + " must be " + String.join(", ", names) + ", not \""
                + value + "\"");
    }
}
