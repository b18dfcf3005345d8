package io.flowgate.connectors.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test needs the npm registry: {@code npm view node-red-node-random version} must succeed on
 * this machine, with npm's own configuration (registry, proxy, CA certificates). See {@link
 * RealComponent} for what happens when it does not.
 */
@Documented
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(NpmRegistryCondition.class)
public @interface RequiresNpmRegistry {}
