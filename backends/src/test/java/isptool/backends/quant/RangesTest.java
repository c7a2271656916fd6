package isptool.backends.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.graph.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Range choice on known distributions. */
class RangesTest {
    /** Unit Gaussian values plus one outlier at 50. */
    private static TensorStats outlierStats() {
        Random r = new Random(3);
        float[] v = new float[100_000];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        v[17] = 50;
        return stats(v);
    }

    private static TensorStats stats(float[] v) {
        Tensor t = Tensor.ofFloats(new long[] {v.length}, v);
        TensorStats s = new TensorStats();
        s.observe(t);
        s.histogram(t);
        return s;
    }

    @Test
    void minmaxKeepsTheOutlierTheOthersClipIt() {
        TensorStats s = outlierStats();
        double[] minmax = Ranges.choose(s, CalibrationMethod.MINMAX, 256, false);
        double[] percentile = Ranges.choose(s, CalibrationMethod.PERCENTILE, 256, false);
        double[] mse = Ranges.choose(s, CalibrationMethod.MSE, 256, false);
        assertEquals(50, minmax[1], 1e-6);
        assertTrue(percentile[1] > 3 && percentile[1] < 5, "99.99% of a unit Gaussian is below ~3.9: "
                + percentile[1]);
        assertTrue(percentile[0] < -3 && percentile[0] > -5, "lower tail " + percentile[0]);
        // clipping one value at 50 down to c costs (50 - c)^2, more than the rounding noise it saves
        assertTrue(mse[1] > 40 && mse[1] < 50, "MSE keeps most of a lone outlier: " + mse[1]);
    }

    /** Laplacian values (heavy tails): clipping the rare far values costs less than the noise it saves. */
    @Test
    void mseClipsHeavyTails() {
        Random r = new Random(5);
        float[] v = new float[100_000];
        for (int i = 0; i < v.length; i++) {
            double u = r.nextDouble() - 0.5;
            v[i] = (float) (-Math.signum(u) * Math.log(1 - 2 * Math.abs(u)));
        }
        TensorStats s = stats(v);
        double[] mse = Ranges.choose(s, CalibrationMethod.MSE, 256, false);
        // for 8 bits the squared-error optimum of a unit Laplacian is a clip near 9.9 (vs ~11-13 observed)
        String what = mse[0] + ", " + mse[1] + " of " + s.min + ", " + s.max;
        assertTrue(mse[1] > 7 && mse[1] < 0.9 * s.max, what);
        assertTrue(mse[0] < -7 && mse[0] > 0.9 * s.min, what);
    }

    @Test
    void symmetricRangesForInt16() {
        double[] r = Ranges.choose(outlierStats(), CalibrationMethod.MINMAX, 65535, true);
        assertEquals(-r[0], r[1], 0);
        assertEquals(50, r[1], 1e-6);
    }

    @Test
    void channelMeansAreOverTheLastAxis() {
        TensorStats s = new TensorStats();
        s.observe(Tensor.ofFloats(new long[] {2, 2}, new float[] {1, 10, 3, 20}));
        s.observe(Tensor.ofFloats(new long[] {1, 2}, new float[] {5, 0}));
        double[] m = s.channelMeans();
        assertEquals(3, m[0], 1e-12);
        assertEquals(10, m[1], 1e-12);
    }
}
