package io.flowgate.engine.workflow;

import org.camunda.bpm.engine.ProcessEngine;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Where Tasklist and Cockpit of this engine are, for links from the console: their routes name the
 * process engine, which is not always {@code default}.
 */
@Component
public class CamundaWebapps {

  private final String base;

  public CamundaWebapps(
      ProcessEngine engine,
      @Value("${camunda.bpm.webapp.application-path:/camunda}") String applicationPath) {
    String path = applicationPath.endsWith("/") ? applicationPath : applicationPath + "/";
    this.base = path + "app/%s/" + engine.getName() + "/";
  }

  /** Tasklist's start page; a task opens with {@code #/?task=<taskId>}. */
  public String tasklist() {
    return base.formatted("tasklist");
  }

  /** Cockpit's start page; a process instance opens with {@code #/process-instance/<id>}. */
  public String cockpit() {
    return base.formatted("cockpit");
  }
}
