package isptool.graph;

/**
 * A problem with the user's model or arguments: reported as one line, exit status 2.
 * Messages name the file, the node and the op, and say what to do.
 */
public class ModelException extends RuntimeException {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Message prefix naming a node: {@code node "conv1" (Conv)}. */
    public static String where(Node node) {
        return "node \"" + node.name() + "\" (" + node.opType() + ")";
    }
}
