package io.scopegate.system;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium from the machine (Debian's {@code chromium} and {@code chromium-driver}), never
 * downloaded. Where it is missing the browser tests are skipped with how to install it, unless
 * {@code SCOPEGATE_BROWSER_TESTS=required} (set by CI): then its absence fails the build, so a CI
 * run can never pass with the browser tests silently skipped.
 */
final class Browser implements AutoCloseable {

    static final String REQUIRED = "SCOPEGATE_BROWSER_TESTS";
    private static final List<String> CHROMIUM =
            List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome");
    private static final List<String> DRIVER = List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");

    /** Where screenshots go when {@code -Dconsole.screenshots=<dir>} is given (the README's). */
    private static final String SCREENSHOTS = System.getProperty("console.screenshots");

    final ChromeDriver driver;
    final String base;

    private Browser(ChromeDriver driver, String base) {
        this.driver = driver;
        this.base = base;
    }

    static Browser open(int adminPort) {
        Optional<String> chromium = firstExisting(CHROMIUM);
        Optional<String> chromedriver = firstExisting(DRIVER);
        if (chromium.isEmpty() || chromedriver.isEmpty()) {
            String how = "No Chromium here: install it to run the console's browser tests"
                    + " (Debian/Ubuntu: sudo apt-get install chromium chromium-driver)";
            if ("required".equals(System.getenv(REQUIRED))) {
                fail(how + "; " + REQUIRED + "=required, so they may not be skipped");
            }
            Assumptions.abort(how);
        }
        ChromeOptions options = new ChromeOptions()
                .setBinary(chromium.get())
                .addArguments(
                        "--headless=new",
                        "--no-sandbox",
                        "--disable-dev-shm-usage",
                        "--disable-gpu",
                        "--window-size=1280,900",
                        "--lang=en");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(chromedriver.get()).toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return new Browser(driver, "http://localhost:" + adminPort);
    }

    void go(String path) {
        driver.get(base + path);
        loaded();
    }

    /** Until the document is whole: pages are streamed, and counting cards early counts some. */
    private void loaded() {
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .until(d -> "complete".equals(driver.executeScript("return document.readyState")));
    }

    WebElement find(By by) {
        return new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> d.findElement(by));
    }

    /** Clicks something that loads a page (link, submit button) and waits until the new page is there. */
    void follow(By by) {
        WebElement page = driver.findElement(By.tagName("html"));
        find(by).click();
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> gone(page));
        loaded();
    }

    /** Whether the element left the document (Chrome says so in more than one way). */
    private static boolean gone(WebElement element) {
        try {
            element.isEnabled();
            return false;
        } catch (WebDriverException leftTheDocument) {
            return true;
        }
    }

    void type(String id, String text) {
        WebElement field = find(By.id(id));
        field.clear();
        field.sendKeys(text);
    }

    void signIn(String username, String password) {
        go("/console/sign-in");
        type("username", username);
        type("password", password);
        follow(By.cssSelector("button[type=submit]"));
    }

    String path() {
        return driver.getCurrentUrl().substring(base.length());
    }

    String text() {
        return find(By.tagName("body")).getText();
    }

    void screenshot(String name) {
        if (SCREENSHOTS == null) {
            return;
        }
        try {
            Path dir = Path.of(SCREENSHOTS);
            Files.createDirectories(dir);
            Files.write(dir.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write screenshot " + name, e);
        }
    }

    private static Optional<String> firstExisting(List<String> paths) {
        return paths.stream().filter(path -> Files.isExecutable(Path.of(path))).findFirst();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
