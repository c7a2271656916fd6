package isptool.backends.target;

import static org.junit.jupiter.api.Assertions.assertEquals;

import isptool.backends.quant.Precision;
import isptool.backends.tflite.TfliteModel;
import isptool.backends.tflite.TfliteModel.TensorInfo;
import isptool.backends.tflite.TfliteRunner;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cpu rule table against the runtime: every testdata net at every precision runs in the TFLite
 * 2.19 interpreter with its default XNNPACK delegate, and each operator the delegate took must be
 * one the table accepts, each it left one the table refuses.
 */
class CpuRulesTest {
    @TempDir
    Path dir;

    @Test
    void tableAgreesWithXnnpackOnEveryTestdataNet() throws Exception {
        List<String> disagreements = new ArrayList<>();
        int checked = 0;
        for (Precision p : Precision.values()) {
            for (String name : TestdataModels.names()) {
                byte[] bytes = TestdataModels.bytes(name, p, dir);
                TfliteModel m = TfliteModel.of(bytes, name);
                Path file = dir.resolve(name + "." + p + ".run.tflite");
                Files.write(file, bytes);
                List<Integer> own;
                try (TfliteRunner runner = TfliteRunner.open(file)) {
                    runner.run(zeros(m));
                    own = runner.undelegatedOperators();
                }
                for (OpVerdict v : TargetCheck.run(m, Target.byName("cpu"), List.of()).operators()) {
                    checked++;
                    if (v.runs() == own.contains(v.index())) {
                        disagreements.add(p + " " + name + " operator " + v.index() + " " + v.op() + ": table "
                                + (v.runs() ? "XNNPACK" : "CPU") + ", runtime " + (v.runs() ? "CPU" : "XNNPACK"));
                    }
                }
            }
        }
        assertEquals(List.of(), disagreements, checked + " operators checked");
    }

    private static Map<String, Tensor> zeros(TfliteModel m) {
        Map<String, Tensor> feed = new LinkedHashMap<>();
        for (TensorInfo in : m.inputs()) {
            feed.put(in.name(), Tensor.of(in.type().dtype(), in.shape(),
                    new double[(int) Shape.of(in.shape()).elementCount()]));
        }
        return feed;
    }
}
