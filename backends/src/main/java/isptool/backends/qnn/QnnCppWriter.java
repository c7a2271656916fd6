package isptool.backends.qnn;

import java.util.List;
import java.util.Locale;

/**
 * Writes NAME.cpp, the source qnn-model-lib-generator compiles (QNN.md sec. 1, own code from the
 * facts there): includes, per graph input and static tensor an {@code addTensor_<name>}, per node
 * an {@code addNode_<name>} with its param tensors and scalars and its output tensors, and the two
 * entry points {@code QnnModel_composeGraphs} / {@code QnnModel_freeGraphsInfo}. Tensors are
 * {@code Qnn_Tensor_t} written with designated members in header order, version 1 (or 2 with
 * its three extra members); statics point into NAME.bin through BINVARSTART/BINLEN.
 */
public final class QnnCppWriter {
    private final QnnGraph g;
    private final int tensorVersion;
    private final StringBuilder b = new StringBuilder();

    private QnnCppWriter(QnnGraph g, int tensorVersion) {
        this.g = g;
        this.tensorVersion = tensorVersion;
    }

    /** The source for g; tensorVersion 1 or 2; commandLine goes into the header comment. */
    public static String write(QnnGraph g, int tensorVersion, String commandLine) {
        if (tensorVersion != 1 && tensorVersion != 2) {
            throw new IllegalArgumentException("QNN tensor version must be 1 or 2, not " + tensorVersion);
        }
        QnnCppWriter w = new QnnCppWriter(g, tensorVersion);
        w.file(commandLine);
        return w.b.toString();
    }

    private void file(String commandLine) {
        line("/*");
        line(" * QNN model source for graph \"" + g.name() + "\", written by isptool.");
        line(" * Command: " + commandLine.replace("*/", "* /"));
        line(" * Weights and biases are in " + g.name() + ".bin (tar of <tensor>.raw).");
        line(" */");
        line("");
        line("#include \"QnnOpDef.h\"");
        line("#include \"QnnModel.hpp\"");
        line("");
        line("#define DO_GRAPH_NODE_VALIDATIONS 1");
        line("");
        line("using namespace qnn_wrapper_api;");
        line("");
        line("__attribute__((visibility(\"default\"))) const char* QNN_SDK_VERSION = \"isptool\";");
        line("");
        line("extern \"C\" {");
        line("");
        List<String> calls = new java.util.ArrayList<>();
        java.util.Set<String> added = new java.util.HashSet<>();
        for (String in : g.inputs()) {
            addTensor(g.tensor(in));
            calls.add("addTensor_" + in);
            added.add(in);
        }
        for (QnnNode n : g.nodes()) {
            for (String in : n.inputs()) {
                QnnTensor t = g.tensor(in);
                if (t.kind() == QnnTensor.Kind.STATIC && added.add(in)) {
                    addTensor(t);
                    calls.add("addTensor_" + in);
                }
            }
            addNode(n);
            calls.add("addNode_" + n.name());
        }
        line("QNN_API");
        line("ModelError_t QnnModel_composeGraphs(Qnn_BackendHandle_t backendHandle, QNN_INTERFACE_VER_TYPE interface,");
        line("                                    Qnn_ContextHandle_t contextHandle,");
        line("                                    const GraphConfigInfo_t** graphsConfigInfo,");
        line("                                    const uint32_t numGraphsConfigInfo, GraphInfoPtr_t** graphsInfo,");
        line("                                    uint32_t* numGraphsInfo, bool debug, QnnLog_Callback_t logCallback,");
        line("                                    QnnLog_Level_t maxLogLevel) {");
        line("  ModelError_t err = MODEL_NO_ERROR;");
        line("  (void) logCallback;");
        line("  (void) maxLogLevel;");
        line("  QnnModel model;");
        line("  const QnnGraph_Config_t** graphConfigs = nullptr;");
        line("  VALIDATE(getQnnGraphConfigFromInfo(\"" + g.name()
                + "\", graphsConfigInfo, numGraphsConfigInfo, graphConfigs), err);");
        line("  VALIDATE(model.initialize(backendHandle, interface, contextHandle, \"" + g.name()
                + "\", debug, DO_GRAPH_NODE_VALIDATIONS, graphConfigs), err);");
        for (String call : calls) {
            line("  VALIDATE(" + call + "(model), err);");
        }
        line("  VALIDATE(getGraphInfoFromModels(&model, 1, graphsInfo), err);");
        line("  *numGraphsInfo = 1;");
        line("  return err;");
        line("}");
        line("");
        line("QNN_API");
        line("ModelError_t QnnModel_freeGraphsInfo(GraphInfoPtr_t** graphsInfo, uint32_t numGraphsInfo) {");
        line("  return qnn_wrapper_api::freeGraphsInfo(graphsInfo, numGraphsInfo);");
        line("}");
        line("");
        line("} // extern \"C\"");
    }

    private void addTensor(QnnTensor t) {
        line("static ModelError_t addTensor_" + t.name() + "(QnnModel& model) {");
        line("  ModelError_t err = MODEL_NO_ERROR;");
        String v = locals(t, "  ", t.name());
        line("  VALIDATE(model.addTensor(\"" + t.name() + "\", " + v + "), err);");
        line("  return err;");
        line("}");
        line("");
    }

    private void addNode(QnnNode n) {
        String id = n.name();
        line("static ModelError_t addNode_" + id + "(QnnModel& model) {");
        line("  ModelError_t err = MODEL_NO_ERROR;");
        StringBuilder params = new StringBuilder();
        for (QnnParam p : n.params()) {
            params.append(params.length() == 0 ? "" : ",\n").append("    ");
            if (p.isTensor()) {
                String tn = id + "_" + p.name();
                String ctype = p.type() == QnnDataType.INT_32 ? "int32_t" : "uint32_t";
                StringBuilder data = new StringBuilder();
                for (int i = 0; i < p.values().length; i++) {
                    data.append(i == 0 ? "" : ", ").append(p.longValue(i));
                }
                line("  " + ctype + " data_" + tn + "[] = {" + data + "};");
                QnnTensor pt = new QnnTensor(tn, tn, QnnTensor.Kind.STATIC, p.type(), p.dims(), null, null);
                String tensor = locals(pt, "  ", tn);
                params.append("{.paramType = QNN_PARAMTYPE_TENSOR, .name = \"").append(p.name())
                        .append("\", {.tensorParam = ").append(tensor).append("}}");
            } else {
                params.append("{.paramType = QNN_PARAMTYPE_SCALAR, .name = \"").append(p.name())
                        .append("\", {.scalarParam = (Qnn_Scalar_t) {").append(p.type().cName()).append(", {")
                        .append(scalar(p)).append("}}}}");
            }
        }
        if (!n.params().isEmpty()) {
            line("  Qnn_Param_t params_" + id + "[] = {");
            line(params.toString());
            line("  };");
        }
        StringBuilder ins = new StringBuilder();
        for (String in : n.inputs()) {
            ins.append(ins.length() == 0 ? "" : ", ").append('"').append(in).append('"');
        }
        line("  const char* inputs_" + id + "[] = {" + ins + "};");
        StringBuilder outs = new StringBuilder();
        for (String o : n.outputs()) {
            String t = locals(g.tensor(o), "  ", o);
            outs.append(outs.length() == 0 ? "" : ",\n").append("    ").append(t);
        }
        line("  Qnn_Tensor_t outputs_" + id + "[] = {");
        line(outs.toString());
        line("  };");
        line("  VALIDATE(model.addNode(QNN_OPCONFIG_VERSION_1, \"" + id + "\", \"qti.aisw\", \"" + n.type() + "\", "
                + (n.params().isEmpty() ? "nullptr" : "params_" + id) + ", " + n.params().size() + ", inputs_" + id
                + ", " + n.inputs().size() + ", outputs_" + id + ", " + n.outputs().size() + "), err);");
        line("  return err;");
        line("}");
        line("");
    }

    private static String scalar(QnnParam p) {
        return switch (p.type()) {
            case FLOAT_32 -> ".floatValue = " + floatLiteral(p.value());
            case BOOL_8 -> ".bool8Value = " + p.longValue(0);
            case INT_32 -> ".int32Value = " + p.longValue(0);
            default -> ".uint32Value = " + p.longValue(0);
        };
    }

    /** Declares the dims (and per-axis scale/offsets) arrays of t as locals; returns the tensor expression. */
    private String locals(QnnTensor t, String indent, String id) {
        StringBuilder dims = new StringBuilder();
        for (int d : t.dims()) {
            dims.append(dims.length() == 0 ? "" : ", ").append(d);
        }
        line(indent + "uint32_t dimensions_" + id + "[] = {" + dims + "};");
        QnnEncoding e = t.encoding();
        String quant;
        if (e == null) {
            quant = "{QNN_DEFINITION_UNDEFINED, QNN_QUANTIZATION_ENCODING_UNDEFINED, "
                    + "{.scaleOffsetEncoding = {.scale = 0.0000000000000000f, .offset = 0}}}";
        } else if (!e.isPerAxis()) {
            quant = "{QNN_DEFINITION_DEFINED, QNN_QUANTIZATION_ENCODING_SCALE_OFFSET, {.scaleOffsetEncoding = {.scale = "
                    + floatLiteral(e.scale()[0]) + ", .offset = " + e.offset()[0] + "}}}";
        } else {
            StringBuilder so = new StringBuilder();
            double[] s = e.scale();
            long[] o = e.offset();
            for (int i = 0; i < s.length; i++) {
                so.append(i == 0 ? "" : ", ").append("{").append(floatLiteral(s[i])).append(", ").append(o[i]).append("}");
            }
            line(indent + "Qnn_ScaleOffset_t scaleOffsets_" + id + "[] = {" + so + "};");
            quant = "{QNN_DEFINITION_DEFINED, QNN_QUANTIZATION_ENCODING_AXIS_SCALE_OFFSET, {.axisScaleOffsetEncoding = "
                    + "{.axis = " + e.axis() + ", .numScaleOffsets = " + s.length + ", .scaleOffset = scaleOffsets_" + id
                    + "}}}";
        }
        String buf;
        if (t.kind() == QnnTensor.Kind.STATIC && t.data() != null) {
            buf = "{.clientBuf = {.data = BINVARSTART(" + t.name() + "), .dataSize = BINLEN(" + t.name() + ")}}";
        } else if (t.kind() == QnnTensor.Kind.STATIC) {
            buf = "{.clientBuf = {.data = (uint8_t*) data_" + id + ", .dataSize = sizeof(data_" + id + ")}}";
        } else {
            buf = "{.clientBuf = {.data = nullptr, .dataSize = 0}}";
        }
        String v = tensorVersion == 1 ? "v1" : "v2";
        String extra = tensorVersion == 1 ? "" : ", .isDynamicDimensions = nullptr, .sparseParams = "
                + "{QNN_SPARSE_LAYOUT_UNDEFINED, .hybridCoo = {.numSpecifiedElements = 0, .numSparseDimensions = 0}}"
                + ", .isProduced = 0";
        return "(Qnn_Tensor_t) {.version = QNN_TENSOR_VERSION_" + tensorVersion + ", {." + v + " = {.id = 0, .name = \""
                + t.name() + "\", .type = QNN_TENSOR_TYPE_" + t.kind().name() + ", .dataFormat = "
                + "QNN_TENSOR_DATA_FORMAT_FLAT_BUFFER, .dataType = " + t.type().cName() + ", .quantizeParams = " + quant
                + ", .rank = " + t.dims().length + ", .dimensions = dimensions_" + id
                + ", .memType = QNN_TENSORMEMTYPE_RAW, " + buf + extra + "}}}";
    }

    /** A C float literal that reads back as the same float. */
    static String floatLiteral(double v) {
        float f = (float) v;
        return String.format(Locale.ROOT, "%.9ef", f);
    }

    private void line(String s) {
        b.append(s).append('\n');
    }
}
