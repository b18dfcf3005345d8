package io.flowgate.engine.web;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.catalina.core.StandardHost;
import org.apache.tomcat.util.buf.EncodedSolidusHandling;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.security.SecurityProperties;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.filter.OrderedFormContentFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.FormContentFilter;
import org.springframework.web.multipart.support.StandardServletMultipartResolver;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * Input limits of the JSON API ({@code /api/*}), and what lets file uploads ({@link
 * StreamingRequests}) stream: no body limit, no form or multipart parsing of their bodies.
 */
@Configuration(proxyBeanMethods = false)
class WebConfiguration {

  @Bean
  FilterRegistrationBean<RequestBodyLimitFilter> requestBodyLimitFilter(
      @Value("${flowgate.api.max-body-size:256KB}") DataSize limit,
      @Value("${flowgate.api.max-document-size:16MB}") DataSize documentLimit,
      ProblemResponses problems) {
    FilterRegistrationBean<RequestBodyLimitFilter> registration =
        new FilterRegistrationBean<>(
            new RequestBodyLimitFilter(limit.toBytes(), documentLimit.toBytes(), problems));
    registration.addUrlPatterns("/api/*");
    // after Spring Security: a caller who is not let in gets 401 without sending the body
    registration.setOrder(SecurityProperties.DEFAULT_FILTER_ORDER + 2);
    return registration;
  }

  /** Before Spring Security: signing in needs the database too. */
  @Bean
  FilterRegistrationBean<UnavailableFilter> unavailableFilter(ProblemResponses problems) {
    FilterRegistrationBean<UnavailableFilter> registration =
        new FilterRegistrationBean<>(new UnavailableFilter(problems));
    registration.addUrlPatterns("/api/*");
    registration.setOrder(SecurityProperties.DEFAULT_FILTER_ORDER - 1);
    return registration;
  }

  /**
   * Spring's own, except that a file sent with {@code application/x-www-form-urlencoded} (curl's
   * default for {@code --data-binary}) is a file, not form fields read into memory.
   */
  @Bean
  FormContentFilter formContentFilter() {
    return new OrderedFormContentFilter() {
      @Override
      protected boolean shouldNotFilter(HttpServletRequest request) {
        return StreamingRequests.isInstanceFiles(request);
      }
    };
  }

  /** Multipart bodies are parsed nowhere a file streams: the files API refuses them itself. */
  @Bean(name = DispatcherServlet.MULTIPART_RESOLVER_BEAN_NAME)
  StandardServletMultipartResolver multipartResolver() {
    return new StandardServletMultipartResolver() {
      @Override
      public boolean isMultipart(HttpServletRequest request) {
        return !StreamingRequests.isInstanceFiles(request) && super.isMultipart(request);
      }
    };
  }

  /**
   * Tomcat: a client that asks {@code Expect: 100-continue} gets the go-ahead only when the
   * application reads the body, so a request refused before (401, 403, a file over the quota) is
   * answered without the client sending its body. An encoded slash or backslash ({@code %2F},
   * {@code %5C}) is left encoded for Spring Security's firewall, which refuses it with a problem
   * that says why, instead of Tomcat's bare error page; what Tomcat itself refuses is answered as a
   * problem too ({@link ProblemErrorReportValve}).
   */
  @Bean
  WebServerFactoryCustomizer<TomcatServletWebServerFactory> streamingTomcat() {
    return factory -> {
      factory.addContextCustomizers(
          context -> {
            if (context.getParent() instanceof StandardHost host) {
              host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
            }
          });
      factory.addConnectorCustomizers(
          connector -> {
            connector.setProperty("continueResponseTiming", "onRead");
            connector.setEncodedSolidusHandling(EncodedSolidusHandling.PASS_THROUGH.getValue());
            connector.setEncodedReverseSolidusHandling(
                EncodedSolidusHandling.PASS_THROUGH.getValue());
          });
    };
  }
}
