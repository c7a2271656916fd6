package isptool.backends.convert;

import isptool.backends.convert.ConvertResult.Failure;
import isptool.backends.quant.AutoPrecision;
import isptool.backends.quant.IoType;
import isptool.backends.quant.Precision;
import isptool.backends.quant.PrecisionCosts;
import isptool.backends.quant.Progress;
import isptool.backends.quant.QuantOptions;
import isptool.backends.target.Target;
import isptool.backends.target.TargetCheck;
import isptool.backends.target.TargetReport;
import isptool.backends.tflite.TfliteModel;
import isptool.backends.verify.Verification;
import isptool.graph.Graph;
import isptool.graph.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * convert as one call: fold → prep → target swaps → layout plan → lower ({@link FloatConversion}),
 * verify the float32 TFLite model against onnxruntime, choose a precision plan (auto), quantize and
 * measure ({@link QuantizedStage}), check the written model on the target, and emit the QNN files
 * ({@link QnnStage}) or the encodings for Qualcomm's converter ({@link EncodingsStage}). A stage runs
 * only if every stage before it passed; the first failure is the result's failure. The TFLite model
 * is left in tmp (the float32 one, rewritten by quantization); the QNN files stay in memory. The
 * caller writes them where they belong only if the result has no failure.
 */
public final class Conversion {
    private Conversion() {
    }

    /**
     * Converts g (rewritten in place) as r asks. startNanos: when the command began (loading
     * included), for the report's seconds. Bad input fails with a ModelException naming the node.
     */
    public static ConvertResult run(Graph g, ConvertRequest r, Path tmp, Progress progress, long startNanos)
            throws IOException {
        Run run = new Run(g, r, tmp, progress);
        run.before = GraphStats.of(g);
        run.conversion = FloatConversion.run(g, r.reparam(), r.nhwcIo(), r.caps());
        run.after = GraphStats.of(g);
        run.conversion.model().write(tmp);
        long t1 = System.nanoTime();
        TfliteModel written = TfliteModel.open(tmp);
        run.floatModel = new ConvertResult.ModelSummary(written.operators().size(), written.opHistogram(),
                written.count("TRANSPOSE"));
        if (!r.verify().skip()) {
            run.verification = Verification.compareOnnxWithTflite(r.reference(), tmp, r.verify().inputs(),
                    r.verify().described(), r.verify().tolerance(), r.nhwcIo());
        }
        long tVerified = System.nanoTime();
        run.rest();
        long t2 = System.nanoTime();
        return run.result(new ConvertResult.Seconds((t1 - startNanos) / 1e9, (tVerified - t1) / 1e9,
                (t2 - startNanos) / 1e9));
    }

    /**
     * The float model of a finished conversion quantized again at another precision p, into file,
     * with the options the written model was quantized with (float32 I/O; --int16-ops only for
     * int8, --float-ops only for the integer precisions), then measured as the conversion measures
     * its own (on the given input, no floor): what {@code --compare-precisions} shows beside the
     * written model. Integer precisions need the conversion's calibration samples.
     */
    public static QuantizedStage requantize(ConvertResult r, Precision p, Path file, Map<String, Tensor> input,
            String described, Progress progress) throws IOException {
        if (p.isInteger() && r.request().calibration() == null) {
            throw new IllegalArgumentException(p + " needs calibration samples");
        }
        QuantOptions base = r.quantized() != null ? r.quantized().options() : r.request().quant();
        QuantOptions options = base.with(p, IoType.FLOAT32, p.isInteger() ? base.floatOps() : null,
                p == Precision.INT8 ? base.int16Ops() : null);
        r.conversion().model().write(file);
        return QuantizedStage.run(file, r.conversion().graph(), r.conversion().plan(), r.request().calibration(),
                options, false, Double.NaN, input, described, progress);
    }

    /**
     * --precision auto's costs for the model's target (null: none given): a precision the target's
     * accelerator does not run is charged as CPU work ({@link PrecisionCosts#CPU}). NNAPI and the GPU
     * delegate take no int16 tensors (FACTS.md §4; the target rules refuse them); the GPU delegate
     * computes in float whatever the model's type, so int8 saves nothing there; HTP runs int16x8, and
     * float16 only from v69; XNNPACK has no int16x8 kernels (TFLite's reference ones run it).
     */
    static PrecisionCosts costs(Target t) {
        if (t == null) {
            return PrecisionCosts.NPU;
        }
        return switch (t.family()) {
            case NNAPI -> new PrecisionCosts(PrecisionCosts.CPU, 4, t.name() + ": int16x8 on the CPU");
            case GPU -> new PrecisionCosts(PrecisionCosts.CPU, 1, t.name() + ": the GPU computes int8 in float;"
                    + " int16x8 on the CPU");
            case HTP -> t.htpFloat16() ? new PrecisionCosts(2, 4, t.name() + ": int16x8 and float16 on the HTP")
                    : new PrecisionCosts(2, PrecisionCosts.CPU, t.name() + ": no float16, float on the CPU");
            case CPU -> new PrecisionCosts(4, 2, t.name() + ": XNNPACK float, int16x8 in reference kernels");
        };
    }

    /** One conversion's stages so far. */
    private static final class Run {
        final Graph g;
        final ConvertRequest r;
        final Path tmp;
        final Progress progress;
        /** --target's profile, or null. */
        final Target target;
        GraphStats before;
        GraphStats after;
        FloatConversion conversion;
        ConvertResult.ModelSummary floatModel;
        Verification.Result verification;
        AutoPrecision.Plan auto;
        boolean int8Io;
        Precision precision;
        QuantizedStage quantized;
        TargetReport targetCheck;
        QnnStage qnn;
        EncodingsStage encodings;
        Failure failure;

        Run(Graph g, ConvertRequest r, Path tmp, Progress progress) {
            this.g = g;
            this.r = r;
            this.tmp = tmp;
            this.progress = progress;
            this.target = r.caps() == null ? null : Target.byName(r.caps().name());
            this.precision = r.quant().precision();
        }

        /** The stages after float verification, each only if everything before it passed. */
        void rest() throws IOException {
            if (verification != null && !verification.ok()) {
                failure = new Failure(Failure.Kind.FLOAT_MISMATCH, verification.worst());
                return;
            }
            QuantOptions options = r.quant();
            if (r.auto()) {
                auto = AutoPrecision.choose(tmp, g, conversion.plan(), r.calibration(), options, r.minPsnr(),
                        costs(target), progress);
                if (auto.chosen() == null) {
                    failure = new Failure(Failure.Kind.NO_PLAN, String.format(java.util.Locale.ROOT,
                            "no precision plan reaches %.2f dB on the calibration samples", auto.targetDb()));
                    return;
                }
                options = auto.chosen().options();
                precision = options.precision();
            }
            // int8 borders only for an all-int8 model: a mixed plan's int16 layers may sit at the borders
            if (r.caps() != null && precision == Precision.INT8 && !r.ioTypeGiven() && r.caps().int8Io()
                    && options.int16Ops() == null) {
                options = options.withIoType(IoType.INT8);
                int8Io = true;
            }
            if (precision != Precision.FP32) {
                quantized = QuantizedStage.run(tmp, g, conversion.plan(), r.calibration(), options, r.perLayer(),
                        r.minPsnr(), r.heldOut().inputs(), r.heldOut().described(), progress);
                if (!quantized.ok()) {
                    failure = new Failure(Failure.Kind.QUANT_QUALITY, quantized.failure());
                    return;
                }
            }
            if (target != null && !(r.backend() == ConvertRequest.Backend.QNN
                    && target.family() == Target.Family.HTP)) {
                // For --backend qnn on an HTP target the QNN graph itself is judged (QnnStage), not its TFLite form.
                TfliteModel m = TfliteModel.open(tmp);
                targetCheck = TargetCheck.run(m, target, m.operatorOrigins());
            }
            if (r.backend() == ConvertRequest.Backend.QNN_ENCODINGS) {
                encodings = EncodingsStage.run(r.reference(), tmp, g, r.qnn(), r.verify(), tmp,
                        precision.isInteger() && options.biasCorrection());
                if (encodings.failure() != null) {
                    failure = new Failure(Failure.Kind.ENCODINGS, encodings.failure());
                }
            } else if (r.backend() == ConvertRequest.Backend.QNN) {
                qnn = QnnStage.run(r.input(), tmp, g, conversion.plan(), precision, r.qnn(), r.minPsnr(),
                        r.perLayer(), r.heldOut().inputs(), target);
                if (qnn.failure() != null) {
                    failure = new Failure(Failure.Kind.QNN_QUALITY, qnn.failure());
                }
            }
        }

        ConvertResult result(ConvertResult.Seconds seconds) {
            return new ConvertResult(r, before, after, conversion, floatModel, verification, auto, int8Io, precision,
                    quantized, targetCheck, qnn, encodings, failure, seconds);
        }
    }
}
