package isptool.backends.html.charts;

/** The charts' colours: a bar, a marked (bad) bar, a reference line, and series colours (colour-blind safe, Okabe-Ito). */
public final class Palette {
    public static final String BAR = "#4a7fb5";
    public static final String MARKED = "#d1495b";
    public static final String MUTED = "#9aa5b1";
    public static final String LINE = "#222222";
    public static final String GRID = "#e3e6ea";
    public static final String RANGE = "#2e9e6a";
    public static final String RANGE_FILL = "#d8f0e4";
    private static final String[] SERIES = {"#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00",
            "#f0e442", "#000000"};

    private Palette() {
    }

    public static String series(int i) {
        return SERIES[Math.floorMod(i, SERIES.length)];
    }
}
