package isptool.backends.quant;

/** Progress of a long phase ("calibrating", "bias correction", ...): done of total. */
public interface Progress {
    void update(String phase, int done, int total);

    /** Reports nothing. */
    Progress NONE = (p, d, t) -> { };
}
