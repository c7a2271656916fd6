package isptool.backends.target;

/**
 * A row of a target's rule table: a condition on one op ({@code "*"}: every op) and the public
 * source it comes from (repository, path, function; or a shared doc section).
 */
public record Rule(String op, Check check, String source) {
    /** Applies to every operator, whatever its op. */
    public static final String ANY_OP = "*";

    public boolean appliesTo(String opName) {
        return op.equals(ANY_OP) || op.equals(opName);
    }
}
