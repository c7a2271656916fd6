package isptool.graph.shapes;

import isptool.graph.Graph;
import isptool.graph.ModelException;
import isptool.graph.Shape;
import isptool.graph.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The --input-shape option: "name:1,4,544,960" specs, applied to the graph inputs. */
final class InputShapes {
    private InputShapes() {
    }

    static Map<String, long[]> parse(List<String> specs) {
        Map<String, long[]> r = new LinkedHashMap<>();
        for (String spec : specs) {
            String s = spec.trim();
            // the dims follow the last ':', so input names such as "input:0" keep their colon
            int colon = s.lastIndexOf(':');
            String name = colon < 0 ? "" : s.substring(0, colon).trim();
            String dims = s.substring(colon + 1).trim();
            if (colon >= 0 && name.isEmpty()) {
                throw new ModelException("--input-shape \"" + spec + "\": the input name before ':' is empty;"
                        + " write name:1,3,224,224, or just 1,3,224,224 for a single-input model");
            }
            long[] shape = parseDims(spec, dims);
            if (r.put(name, shape) != null) {
                throw new ModelException("--input-shape gives " + (name.isEmpty() ? "an unnamed shape" : "\"" + name + "\"")
                        + " twice; give each input once");
            }
        }
        return r;
    }

    private static long[] parseDims(String spec, String dims) {
        if (dims.isEmpty()) {
            throw new ModelException("--input-shape \"" + spec + "\" has no dimensions; write name:1,3,224,224");
        }
        String[] parts = dims.split("[,xX]", -1);
        long[] r = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].trim();
            try {
                r[i] = Long.parseLong(p);
            } catch (NumberFormatException e) {
                throw new ModelException("--input-shape \"" + spec + "\": \"" + p + "\" is not a whole number;"
                        + " write name:1,3,224,224");
            }
            if (r[i] > Integer.MAX_VALUE) {
                throw new ModelException("--input-shape \"" + spec + "\": size " + r[i] + " is too large (sizes must be"
                        + " below 2^31, as in TFLite)");
            }
            if (r[i] <= 0 && r[i] != -1) {
                throw new ModelException("--input-shape \"" + spec + "\": size " + r[i] + " must be positive (-1 keeps"
                        + " the size the model declares)");
            }
        }
        return r;
    }

    /**
     * Refuses graph inputs isptool cannot hold: a size of 2^31 or more on an axis (TFLite's
     * shapes are int32), or more than 2 GiB in all (isptool generates and holds each input as
     * one tensor for verification and calibration).
     */
    static void checkSizes(Graph g) {
        for (Value in : g.inputs()) {
            Shape s = in.shape();
            if (s == null) {
                continue;
            }
            long bytes = in.dtype() == null || in.dtype().byteSize == 0 ? 4 : in.dtype().byteSize;
            for (int i = 0; i < s.rank(); i++) {
                long d = s.dim(i);
                if (d > Integer.MAX_VALUE) {
                    throw new ModelException(g.source() + ": input \"" + in.name() + "\" has shape " + s + ", size " + d
                            + " on axis " + i + "; sizes must be below 2^31 (TFLite's are int32): give a smaller"
                            + " --input-shape or re-export the model");
                }
                if (d >= 0) {
                    bytes = bytes > 0 && d > Long.MAX_VALUE / bytes ? Long.MAX_VALUE : bytes * d;
                }
            }
            if (bytes > Integer.MAX_VALUE) {
                throw new ModelException(g.source() + ": input \"" + in.name() + "\" has shape " + s + ", more than 2 GiB"
                        + " of " + (in.dtype() == null ? "data" : in.dtype()) + "; isptool holds each input in one tensor of"
                        + " at most 2 GiB: give a smaller --input-shape");
            }
        }
    }

    /** The same specs with the unnamed one ("") under the name of the graph's single input. */
    static Map<String, long[]> resolve(Graph g, Map<String, long[]> shapes) {
        Map<String, long[]> r = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            String name = find(g, e.getKey()).name();
            if (r.put(name, e.getValue()) != null) {
                throw new ModelException(g.source() + ": --input-shape gives input \"" + name + "\" twice; give each input once");
            }
        }
        return r;
    }

    static void fix(Graph g, Map<String, long[]> shapes) {
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            Value input = find(g, e.getKey());
            input.setType(input.dtype(), merge(g, input, e.getValue()));
        }
    }

    private static Value find(Graph g, String name) {
        List<Value> inputs = g.inputs();
        if (name.isEmpty()) {
            if (inputs.size() != 1) {
                throw new ModelException(g.source() + ": --input-shape without a name needs a model with one input, but it has "
                        + inputs.size() + " (" + names(g) + "); write name:1,3,224,224");
            }
            return inputs.get(0);
        }
        for (Value v : inputs) {
            if (v.name().equals(name)) {
                return v;
            }
        }
        throw new ModelException(g.source() + ": --input-shape names \"" + name + "\", which is not a graph input;"
                + " the inputs are " + names(g));
    }

    private static Shape merge(Graph g, Value input, long[] given) {
        Shape declared = input.shape();
        if (declared == null) {
            for (long d : given) {
                if (d < 0) {
                    throw new ModelException(g.source() + ": --input-shape for \"" + input.name() + "\" uses -1, but the model"
                            + " declares no shape to keep it from; give every size");
                }
            }
            return Shape.of(given);
        }
        if (declared.rank() != given.length) {
            throw new ModelException(g.source() + ": input \"" + input.name() + "\" is declared " + declared + " (rank "
                    + declared.rank() + ") but --input-shape gives " + format(given) + " (rank " + given.length + ")");
        }
        long[] dims = new long[given.length];
        String[] symbols = new String[given.length];
        for (int i = 0; i < given.length; i++) {
            long d = declared.dim(i);
            if (given[i] < 0) {
                dims[i] = d;
                symbols[i] = declared.symbol(i);
            } else if (d >= 0 && d != given[i]) {
                throw new ModelException(g.source() + ": input \"" + input.name() + "\" is declared " + declared
                        + " but --input-shape gives " + format(given) + " (axis " + i + " is fixed to " + d
                        + " in the model); re-export with a dynamic axis to change it");
            } else {
                dims[i] = given[i];
            }
        }
        return Shape.withSymbols(dims, symbols);
    }

    private static String names(Graph g) {
        List<String> r = new ArrayList<>();
        for (Value v : g.inputs()) {
            r.add("\"" + v.name() + "\"" + (v.shape() != null ? " " + v.shape() : ""));
        }
        return r.isEmpty() ? "(none)" : String.join(", ", r);
    }

    private static String format(long[] dims) {
        return Arrays.toString(dims).replace(" ", "");
    }
}
