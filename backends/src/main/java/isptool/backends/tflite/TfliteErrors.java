package isptool.backends.tflite;

import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterAllocateTensors;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterCreate;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterDelete;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterGetInputTensor;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterInvoke;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterOptionsCreate;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterOptionsDelete;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterOptionsSetErrorReporter;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterOptionsSetNumThreads;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteInterpreterResizeInputTensor;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteModelCreateFromFileWithErrorReporter;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteModelDelete;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteOk;

import isptool.graph.ModelException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.tensorflowlite.TfLiteInterpreter;
import org.bytedeco.tensorflowlite.TfLiteInterpreterOptions;
import org.bytedeco.tensorflowlite.TfLiteModel;
import org.bytedeco.tensorflowlite.TfLiteTensor;

/**
 * What TFLite said when a step failed, as one line.
 *
 * <p>The runner uses TFLite's C++ API, the one through which the XNNPACK delegate applies by
 * default, but whose error reporter cannot be replaced from Java: its messages would go to stderr.
 * TFLite's C API takes a reporter callback but never applies XNNPACK. So when a step fails, it is
 * replayed through the C API (same file, threads, input shapes and data) to collect the messages;
 * a step that fails only with XNNPACK is reported as such.
 */
final class TfliteErrors {
    enum Stage {
        LOAD("load"), BUILD("build an interpreter for"), ALLOCATE("allocate tensors for"), INVOKE("run");

        final String verb;

        Stage(String verb) {
            this.verb = verb;
        }
    }

    private TfliteErrors() {
    }

    /**
     * The error for a failed step.
     *
     * @param shapes input dims by input position (the shapes the failing run used)
     * @param data input bytes by input position (for a failed invoke)
     */
    static ModelException failure(String label, Path file, boolean xnnpack, int threads, Stage stage,
            Map<Integer, int[]> shapes, Map<Integer, ByteBuffer> data) {
        List<String> messages = replay(file, threads, stage, shapes, data);
        if (messages.isEmpty()) {
            // the XNNPACK delegate is applied when tensors are first allocated, so only later steps can be its fault
            boolean delegateStep = stage == Stage.ALLOCATE || stage == Stage.INVOKE;
            String how = xnnpack && delegateStep
                    ? " with the XNNPACK delegate (it can without it); run with XNNPACK off"
                    : "; TFLite gave no reason";
            return new ModelException(label + ": TFLite could not " + stage.verb + " the model" + how);
        }
        return new ModelException(label + ": TFLite could not " + stage.verb + " the model: " + join(messages));
    }

    /** Runs the C API up to {@code stage} and returns the errors it reported. */
    static List<String> replay(Path file, int threads, Stage stage, Map<Integer, int[]> shapes,
            Map<Integer, ByteBuffer> data) {
        TfliteNative.ErrorCollector errors = new TfliteNative.ErrorCollector();
        TfLiteModel model = TfLiteModelCreateFromFileWithErrorReporter(new BytePointer(file.toString()), errors, null);
        if (model == null || model.isNull()) {
            return errors.messages();
        }
        TfLiteInterpreterOptions options = TfLiteInterpreterOptionsCreate();
        TfLiteInterpreter interpreter = null;
        try {
            TfLiteInterpreterOptionsSetErrorReporter(options, errors, null);
            TfLiteInterpreterOptionsSetNumThreads(options, threads);
            interpreter = TfLiteInterpreterCreate(model, options);
            if (interpreter == null || interpreter.isNull() || stage == Stage.LOAD || stage == Stage.BUILD) {
                return errors.messages();
            }
            for (Map.Entry<Integer, int[]> e : shapes.entrySet()) {
                int[] dims = e.getValue();
                if (TfLiteInterpreterResizeInputTensor(interpreter, e.getKey(), dims, dims.length) != kTfLiteOk) {
                    return errors.messages();
                }
            }
            if (TfLiteInterpreterAllocateTensors(interpreter) != kTfLiteOk || stage == Stage.ALLOCATE) {
                return errors.messages();
            }
            for (Map.Entry<Integer, ByteBuffer> e : data.entrySet()) {
                TfLiteTensor t = TfLiteInterpreterGetInputTensor(interpreter, e.getKey());
                TfliteTensors.write(t, e.getValue());
            }
            TfLiteInterpreterInvoke(interpreter);
            return errors.messages();
        } finally {
            if (interpreter != null && !interpreter.isNull()) {
                TfLiteInterpreterDelete(interpreter);
            }
            TfLiteInterpreterOptionsDelete(options);
            TfLiteModelDelete(model);
        }
    }

    /** "a.; b." → "a; b": TFLite's messages joined into one line. */
    static String join(List<String> messages) {
        StringBuilder sb = new StringBuilder();
        for (String m : messages) {
            // TF_LITE_ENSURE messages start with the build machine's path: keep it from tensorflow/lite/ on
            String line = m.replaceAll("\\s+", " ").replaceAll("\\S*/(tensorflow/lite/)", "$1").strip();
            while (line.endsWith(".")) {
                line = line.substring(0, line.length() - 1);
            }
            if (!line.isEmpty()) {
                sb.append(sb.length() > 0 ? "; " : "").append(line);
            }
        }
        return sb.toString();
    }
}
