package isptool.cli;

import isptool.backends.quant.AutoPrecision;
import java.io.PrintWriter;
import java.util.Locale;

/** {@code convert --precision auto}: the plans tried and the chosen plan's layers, as tables. */
final class AutoPlanPrinter {
    private AutoPlanPrinter() {
    }

    static void print(PrintWriter out, AutoPrecision.Plan plan) {
        out.printf(Locale.ROOT, "  precision auto, target %.2f dB on every calibration sample measured (worst sample):%n", plan.targetDb());
        out.println("    plan                                         PSNR      cost");
        for (AutoPrecision.Candidate c : plan.tried()) {
            out.printf(Locale.ROOT, "    %-42s %7.2f dB %7.2f%s%n", Escapes.visible(c.label()), c.psnrDb(), c.cost(),
                    c == plan.chosen() ? "  <- chosen" : "");
        }
        out.println("    layer                          op                    work  precision   PSNR gain");
        for (AutoPrecision.Layer l : plan.layers()) {
            out.printf(Locale.ROOT, "    %-30s %-18s %8s  %-9s %s%n", Escapes.visible(l.node()), l.op(), work(l.work()),
                    l.precision(), Double.isNaN(l.gainDb()) ? "-" : String.format(Locale.ROOT, "%+.2f dB", l.gainDb()));
        }
        out.printf("    (cost: work weighted %s, per unit of the int8 model's; assumed for %s)%n",
                plan.costs().weights(), plan.costs().basis());
    }

    private static String work(long w) {
        return w >= 1_000_000 ? String.format(Locale.ROOT, "%.2f M", w / 1e6)
                : w >= 1_000 ? String.format(Locale.ROOT, "%.1f k", w / 1e3) : Long.toString(w);
    }
}
