package isptool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import isptool.graph.ModelException;
import isptool.graph.io.RegularFiles;
import java.nio.file.Path;

/**
 * {@code bench --psnr-from REPORT.json}: the fidelity a convert {@code --report} states, for the MAI
 * score. A quantized model's is its PSNR against float32 on the calibration samples (the lowest
 * output's mean), else on the held-out input; a float model's is the verification PSNR against
 * onnxruntime (the lowest output's). For a QNN bench, a {@code convert --backend qnn} report's
 * quantization simulator PSNR of the QNN graph against float32 comes first (the lowest output's).
 */
record ReportFidelity(double psnrDb, String source) {
    static ReportFidelity read(Path report, boolean qnn) {
        RegularFiles.require(report, report.toString(), "the JSON file convert --report wrote");
        JsonNode root = Reports.readJson(report, "give the file convert --report wrote");
        Double psnr = qnn ? lowest(root.path("qnn").path("quantsim"), "psnr_db") : null;
        if (psnr != null) {
            return new ReportFidelity(psnr, "QNN quantsim vs float32");
        }
        JsonNode quality = root.path("quantization").path("quality");
        psnr = lowest(quality.path("calibration"), "psnr_mean_db");
        if (psnr != null) {
            return new ReportFidelity(psnr, "quantized vs float32, calibration samples");
        }
        psnr = lowest(quality.path("held_out").path("outputs"), "psnr_db");
        if (psnr != null) {
            return new ReportFidelity(psnr, "quantized vs float32, held-out input");
        }
        psnr = lowest(root.path("verification").path("outputs"), "psnr_db");
        if (psnr != null) {
            return new ReportFidelity(psnr, "TFLite vs onnxruntime");
        }
        throw new ModelException(report + ": holds no PSNR (no quantization quality, no verification); give the"
                + " --report of a convert that verified, or --psnr DB");
    }

    /** The lowest finite value of field over the rows, null when there is none. */
    private static Double lowest(JsonNode rows, String field) {
        Double low = null;
        for (JsonNode row : rows) {
            JsonNode v = row.path(field);
            if (v.isNumber() && Double.isFinite(v.asDouble())) {
                low = low == null ? v.asDouble() : Math.min(low, v.asDouble());
            }
        }
        return low;
    }
}
