package io.flowgate.connectors.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test needs Node.js ({@code node} on the PATH) and the Node-RED package in the folder named by
 * the system property {@code flowgate.node-red.home}. See {@link RealComponent} for what happens
 * when they are missing.
 */
@Documented
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(NodeRedCondition.class)
public @interface RequiresNodeRed {}
