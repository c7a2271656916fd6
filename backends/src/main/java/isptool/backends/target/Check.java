package isptool.backends.target;

/** One condition of a rule: why the target refuses the operator, or null when it takes it. */
@FunctionalInterface
public interface Check {
    String refusal(OpView op, Target target);
}
