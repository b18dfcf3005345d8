package io.flowgate.connectors.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test drives a headless Chromium: the browser named by the system property {@code
 * flowgate.chromium} (Debian's {@code chromium}), Node.js ({@code node} on the PATH) and the npm
 * package {@code playwright-core} in the folder named by {@code flowgate.playwright.home}. See
 * {@link RealComponent} for what happens when they are missing, and {@link Browser} for running a
 * script with them.
 */
@Documented
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(BrowserCondition.class)
public @interface RequiresBrowser {}
