package isptool.backends.html;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One headless Chromium for all tests of a class, whatever the class extends:
 * {@code @RegisterExtension static final SharedBrowser CHROMIUM = new SharedBrowser();} then
 * {@code CHROMIUM.browser()} in the tests.
 */
public final class SharedBrowser implements BeforeAllCallback, AfterAllCallback {
    private Browser browser;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        browser = Browser.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (browser != null) {
            browser.close();
            browser = null;
        }
    }

    public Browser browser() {
        return browser;
    }
}
