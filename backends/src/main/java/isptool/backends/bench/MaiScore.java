package isptool.backends.bench;

/**
 * The Mobile AI 2021 challenge score of a model: fidelity minus a runtime penalty,
 * {@code score = PSNR + alpha * (0.2 - clip(runtime_s, 0.03, 5))} with {@code alpha = 20} when the
 * runtime is at most 0.2 s and 0.5 above: below 0.2 s every saved millisecond is worth 0.02 dB,
 * above it only 0.0005 dB, and nothing below 30 ms or above 5 s counts.
 */
public final class MaiScore {
    private MaiScore() {
    }

    public static double score(double psnrDb, double runtimeSeconds) {
        if (!(runtimeSeconds >= 0) || Double.isNaN(psnrDb)) {
            throw new IllegalArgumentException("runtime " + runtimeSeconds + " s, PSNR " + psnrDb + " dB");
        }
        double alpha = runtimeSeconds <= 0.2 ? 20 : 0.5;
        double clipped = Math.max(0.03, Math.min(5, runtimeSeconds));
        return psnrDb + alpha * (0.2 - clipped);
    }
}
