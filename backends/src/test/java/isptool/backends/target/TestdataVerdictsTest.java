package isptool.backends.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.quant.Precision;
import isptool.backends.tflite.TfliteModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every testdata net, converted at fp32 and int8 (before any target swap), checked on nnapi-29,
 * nnapi-30, gpu and htp-v73: the verdict and the refused ops of each, as a real run gave them.
 */
class TestdataVerdictsTest {
    /** net, precision, target, verdict, refused ops (op=count). */
    private static final String EXPECTED = """
            acnet         fp32 nnapi-29 fully     {}
            acnet         fp32 nnapi-30 fully     {}
            acnet         fp32 gpu      fully     {}
            acnet         fp32 htp-v73  fully     {}
            csanet_like   fp32 nnapi-29 fully     {}
            csanet_like   fp32 nnapi-30 fully     {}
            csanet_like   fp32 gpu      fully     {}
            csanet_like   fp32 htp-v73  fully     {}
            dbb           fp32 nnapi-29 fully     {}
            dbb           fp32 nnapi-30 fully     {}
            dbb           fp32 gpu      fully     {}
            dbb           fp32 htp-v73  fully     {}
            ecbsr         fp32 nnapi-29 fully     {}
            ecbsr         fp32 nnapi-30 fully     {}
            ecbsr         fp32 gpu      fully     {}
            ecbsr         fp32 htp-v73  fully     {}
            fsrcnn        fp32 nnapi-29 fully     {}
            fsrcnn        fp32 nnapi-30 fully     {}
            fsrcnn        fp32 gpu      fully     {}
            fsrcnn        fp32 htp-v73  fully     {}
            mai_isp       fp32 nnapi-29 fully     {}
            mai_isp       fp32 nnapi-30 fully     {}
            mai_isp       fp32 gpu      fully     {}
            mai_isp       fp32 htp-v73  fully     {}
            mobilenet_v2  fp32 nnapi-29 fully     {}
            mobilenet_v2  fp32 nnapi-30 fully     {}
            mobilenet_v2  fp32 gpu      fully     {}
            mobilenet_v2  fp32 htp-v73  fully     {}
            mobileone     fp32 nnapi-29 fully     {}
            mobileone     fp32 nnapi-30 fully     {}
            mobileone     fp32 gpu      fully     {}
            mobileone     fp32 htp-v73  fully     {}
            nafnet_like   fp32 nnapi-29 fully     {}
            nafnet_like   fp32 nnapi-30 fully     {}
            nafnet_like   fp32 gpu      fully     {}
            nafnet_like   fp32 htp-v73  partially {DIV=2,RSQRT=2,SQRT=2}
            qarepvgg      fp32 nnapi-29 fully     {}
            qarepvgg      fp32 nnapi-30 fully     {}
            qarepvgg      fp32 gpu      fully     {}
            qarepvgg      fp32 htp-v73  fully     {}
            repvgg        fp32 nnapi-29 partially {CONV_2D=1}
            repvgg        fp32 nnapi-30 partially {CONV_2D=1}
            repvgg        fp32 gpu      fully     {}
            repvgg        fp32 htp-v73  fully     {}
            sensitive_net fp32 nnapi-29 fully     {}
            sensitive_net fp32 nnapi-30 fully     {}
            sensitive_net fp32 gpu      fully     {}
            sensitive_net fp32 htp-v73  fully     {}
            seq_zero_pad  fp32 nnapi-29 fully     {}
            seq_zero_pad  fp32 nnapi-30 fully     {}
            seq_zero_pad  fp32 gpu      fully     {}
            seq_zero_pad  fp32 htp-v73  fully     {}
            syenet_isp    fp32 nnapi-29 fully     {}
            syenet_isp    fp32 nnapi-30 fully     {}
            syenet_isp    fp32 gpu      fully     {}
            syenet_isp    fp32 htp-v73  fully     {}
            unet_small    fp32 nnapi-29 partially {RESIZE_BILINEAR=1}
            unet_small    fp32 nnapi-30 fully     {}
            unet_small    fp32 gpu      fully     {}
            unet_small    fp32 htp-v73  fully     {}
            acnet         int8 nnapi-29 partially {DEQUANTIZE=1,QUANTIZE=1}
            acnet         int8 nnapi-30 fully     {}
            acnet         int8 gpu      fully     {}
            acnet         int8 htp-v73  fully     {}
            csanet_like   int8 nnapi-29 partially {DEQUANTIZE=1,MEAN=1,QUANTIZE=1}
            csanet_like   int8 nnapi-30 partially {MEAN=1}
            csanet_like   int8 gpu      fully     {}
            csanet_like   int8 htp-v73  fully     {}
            dbb           int8 nnapi-29 partially {DEQUANTIZE=1,QUANTIZE=1}
            dbb           int8 nnapi-30 fully     {}
            dbb           int8 gpu      fully     {}
            dbb           int8 htp-v73  fully     {}
            ecbsr         int8 nnapi-29 partially {DEQUANTIZE=1,QUANTIZE=1}
            ecbsr         int8 nnapi-30 fully     {}
            ecbsr         int8 gpu      fully     {}
            ecbsr         int8 htp-v73  fully     {}
            fsrcnn        int8 nnapi-29 partially {DEQUANTIZE=1,QUANTIZE=1}
            fsrcnn        int8 nnapi-30 fully     {}
            fsrcnn        int8 gpu      fully     {}
            fsrcnn        int8 htp-v73  fully     {}
            mai_isp       int8 nnapi-29 partially {QUANTIZE=1}
            mai_isp       int8 nnapi-30 fully     {}
            mai_isp       int8 gpu      fully     {}
            mai_isp       int8 htp-v73  fully     {}
            mobilenet_v2  int8 nnapi-29 partially {DEQUANTIZE=1,MEAN=1,QUANTIZE=1}
            mobilenet_v2  int8 nnapi-30 partially {MEAN=1}
            mobilenet_v2  int8 gpu      fully     {}
            mobilenet_v2  int8 htp-v73  fully     {}
            mobileone     int8 nnapi-29 partially {DEQUANTIZE=1,QUANTIZE=1}
            mobileone     int8 nnapi-30 fully     {}
            mobileone     int8 gpu      fully     {}
            mobileone     int8 htp-v73  fully     {}
            nafnet_like   int8 nnapi-29 partially {ADD=7,CONV_2D=6,DEPTHWISE_CONV_2D=1,DEQUANTIZE=1,MEAN=10,MUL=9,QUANTIZE=1,RSQRT=4,STRIDED_SLICE=2,SUB=4}
            nafnet_like   int8 nnapi-30 partially {ADD=7,CONV_2D=6,DEPTHWISE_CONV_2D=1,MEAN=10,MUL=9,QUANTIZE=1,RSQRT=4,STRIDED_SLICE=2,SUB=4}
            nafnet_like   int8 gpu      fully     {}
            nafnet_like   int8 htp-v73  partially {RSQRT=4}
            qarepvgg      int8 nnapi-29 partially {DEQUANTIZE=1,QUANTIZE=1}
            qarepvgg      int8 nnapi-30 fully     {}
            qarepvgg      int8 gpu      fully     {}
            qarepvgg      int8 htp-v73  fully     {}
            repvgg        int8 nnapi-29 partially {CONV_2D=1,DEQUANTIZE=1,QUANTIZE=1}
            repvgg        int8 nnapi-30 partially {CONV_2D=1}
            repvgg        int8 gpu      fully     {}
            repvgg        int8 htp-v73  fully     {}
            sensitive_net int8 nnapi-29 partially {DEQUANTIZE=1,QUANTIZE=1}
            sensitive_net int8 nnapi-30 fully     {}
            sensitive_net int8 gpu      fully     {}
            sensitive_net int8 htp-v73  fully     {}
            seq_zero_pad  int8 nnapi-29 partially {DEQUANTIZE=1,QUANTIZE=1}
            seq_zero_pad  int8 nnapi-30 fully     {}
            seq_zero_pad  int8 gpu      fully     {}
            seq_zero_pad  int8 htp-v73  fully     {}
            syenet_isp    int8 nnapi-29 partially {DEQUANTIZE=1,MEAN=1,QUANTIZE=1}
            syenet_isp    int8 nnapi-30 partially {MEAN=1}
            syenet_isp    int8 gpu      fully     {}
            syenet_isp    int8 htp-v73  fully     {}
            unet_small    int8 nnapi-29 partially {DEQUANTIZE=1,QUANTIZE=1,RESIZE_BILINEAR=1}
            unet_small    int8 nnapi-30 fully     {}
            unet_small    int8 gpu      fully     {}
            unet_small    int8 htp-v73  fully     {}
            """;

    @TempDir
    Path dir;

    @Test
    void verdictsAndRefusedOps() throws IOException {
        List<String> got = new ArrayList<>();
        List<String> want = new ArrayList<>();
        for (Precision p : List.of(Precision.FP32, Precision.INT8)) {
            for (String net : TestdataModels.names()) {
                TfliteModel m = TestdataModels.convert(net, p, dir);
                for (String target : List.of("nnapi-29", "nnapi-30", "gpu", "htp-v73")) {
                    TargetReport r = TargetCheck.run(m, Target.byName(target), m.operatorOrigins());
                    got.add(String.join(" ", net, p.name().toLowerCase(Locale.ROOT), target,
                            r.verdict().name().toLowerCase(Locale.ROOT), r.refusedOps().toString().replace(", ", ",")));
                    r.operators().forEach(v -> assertTrue(v.onnxNode() != null && !v.onnxNode().isEmpty(),
                            net + " " + p + " operator " + v.index() + " " + v.op() + " has no ONNX node"));
                }
            }
        }
        EXPECTED.lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(l -> want.add(l.replaceAll(" +", " ")));
        assertEquals(want, got);
    }
}
