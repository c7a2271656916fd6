package isptool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import isptool.backends.bench.qnn.QnnInputs;
import isptool.graph.ModelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bench out/NAME --qnn-sdk DIR}: what {@code convert --backend qnn -o out/NAME} wrote
 * ({@code out/NAME.cpp}, {@code out/NAME_net.json}, ...; {@code out/NAME_net.json} itself is taken
 * too), read for what the run needs: NAME and the graph inputs ({@code APP_WRITE} tensors of
 * {@code NAME_net.json}, NHWC dims), for which the bench writes random .raw files.
 */
record QnnBenchModel(String name, List<QnnInputs.Input> inputs) {
    private static final String NET_JSON = "_net.json";

    static QnnBenchModel read(Path model) {
        Path fileName = model.getFileName();
        String name = fileName == null ? "" : fileName.toString();
        if (name.endsWith(NET_JSON)) {
            name = name.substring(0, name.length() - NET_JSON.length());
        }
        Path net = model.resolveSibling(name + NET_JSON);
        if (!Files.isRegularFile(net)) {
            throw new ModelException(model + ": with --qnn-sdk give the out/NAME that convert --backend qnn -o out/NAME"
                    + " wrote (no " + net + " there)");
        }
        JsonNode graph = Reports.readJson(net, "convert it again with convert --backend qnn").path("graph");
        List<QnnInputs.Input> inputs = new ArrayList<>();
        for (JsonNode in : graph.path("inputs")) {
            JsonNode tensor = graph.path("tensors").path(in.asText());
            if (!tensor.path("type").asText().equals("APP_WRITE") || !tensor.path("dims").isArray()) {
                throw new ModelException(net + ": graph input '" + in.asText() + "' is no APP_WRITE tensor with dims;"
                        + " convert it again with convert --backend qnn");
            }
            int[] dims = new int[tensor.path("dims").size()];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = tensor.path("dims").get(i).asInt();
            }
            inputs.add(new QnnInputs.Input(in.asText(), dims));
        }
        if (inputs.isEmpty()) {
            throw new ModelException(net + ": lists no graph inputs; convert it again with convert --backend qnn");
        }
        return new QnnBenchModel(name, inputs);
    }
}
