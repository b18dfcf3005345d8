package io.flowgate.engine.promotion.workflow;

import io.flowgate.engine.promotion.ApprovalDesk;
import io.flowgate.engine.web.ProblemResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Guards promotion processes on {@code /engine-rest}: nobody writes their variables (Camunda's
 * admin group would pass every authorization check), and an approval task completion that Camunda
 * refuses before the four-eyes listener runs is audited too. Decisions never depend on variables
 * anyway; this makes the attempt visible and refused at the door.
 */
class PromotionEngineRestGuard extends OncePerRequestFilter {

  private static final String ENGINE = "(?:/engine/[^/]+)?";
  private static final Pattern PROCESS_VARIABLES =
      Pattern.compile("/engine-rest" + ENGINE + "/process-instance/([^/]+)/variables(?:/.*)?");
  private static final Pattern EXECUTION_VARIABLES =
      Pattern.compile("/engine-rest" + ENGINE + "/execution/([^/]+)/localVariables(?:/.*)?");
  private static final Pattern TASK_VARIABLES =
      Pattern.compile(
          "/engine-rest" + ENGINE + "/task/([^/]+)/(?:variables|localVariables)(?:/.*)?");
  private static final Pattern TASK_COMPLETION =
      Pattern.compile("/engine-rest" + ENGINE + "/task/([^/]+)/(?:complete|submit-form|resolve)");
  private static final Pattern BATCH_VARIABLES =
      Pattern.compile("/engine-rest" + ENGINE + "/process-instance/variables-async");
  private static final String PROCESS = CamundaPromotionWorkflow.PROCESS;

  private final JdbcClient jdbc;
  private final ApprovalDesk desk;
  private final ProblemResponses problems;

  PromotionEngineRestGuard(JdbcClient jdbc, ApprovalDesk desk, ProblemResponses problems) {
    this.jdbc = jdbc;
    this.desk = desk;
    this.problems = problems;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    String method = request.getMethod();
    if (!"GET".equals(method) && !"HEAD".equals(method) && !"OPTIONS".equals(method)) {
      Optional<String> promotion = variableWriteOnPromotion(path);
      if (promotion.isPresent()) {
        desk.auditRefusal(
            promotion.get(),
            user(),
            "/engine-rest " + method + " " + path,
            "variables of a promotion's process are not written by hand");
        problems.write(
            request,
            response,
            HttpStatus.FORBIDDEN,
            "Variables of promotion processes are not changed through /engine-rest: approvals"
                + " are decided in Tasklist or with POST /api/v1/promotions/{id}/approvals");
        return;
      }
    }
    chain.doFilter(request, response);
    Matcher completion = TASK_COMPLETION.matcher(path);
    if ("POST".equals(method)
        && response.getStatus() == HttpServletResponse.SC_FORBIDDEN
        && completion.matches()) {
      // Camunda refused before the listener could: audit it as the listener would have
      promotionOfTask(completion.group(1))
          .ifPresent(
              promotion ->
                  desk.auditRefusal(
                      promotion,
                      user(),
                      "/engine-rest task completion",
                      "not allowed to work on the approval task"));
    }
  }

  private Optional<String> variableWriteOnPromotion(String path) {
    Matcher m = PROCESS_VARIABLES.matcher(path);
    if (m.matches()) {
      return promotionOfExecution(m.group(1));
    }
    m = EXECUTION_VARIABLES.matcher(path);
    if (m.matches()) {
      return promotionOfExecution(m.group(1));
    }
    m = TASK_VARIABLES.matcher(path);
    if (m.matches()) {
      return promotionOfTask(m.group(1));
    }
    if (BATCH_VARIABLES.matcher(path).matches()) {
      // which instances a batch touches is in its body: promotions are never batch targets
      return runningPromotionExists() ? Optional.of("batch") : Optional.empty();
    }
    return Optional.empty();
  }

  private Optional<String> promotionOfExecution(String executionId) {
    List<String> keys =
        jdbc.sql(
                "select pi.business_key_ from act_ru_execution e"
                    + " join act_ru_execution pi on pi.id_ = e.proc_inst_id_"
                    + " join act_re_procdef d on d.id_ = e.proc_def_id_"
                    + " where e.id_ = ? and d.key_ = ?")
            .params(executionId, PROCESS)
            .query(String.class)
            .list();
    return keys.stream().findFirst();
  }

  private Optional<String> promotionOfTask(String taskId) {
    List<String> keys =
        jdbc.sql(
                "select pi.business_key_ from act_ru_task t"
                    + " join act_ru_execution pi on pi.id_ = t.proc_inst_id_"
                    + " join act_re_procdef d on d.id_ = t.proc_def_id_"
                    + " where t.id_ = ? and d.key_ = ?")
            .params(taskId, PROCESS)
            .query(String.class)
            .list();
    return keys.stream().findFirst();
  }

  private boolean runningPromotionExists() {
    return jdbc.sql(
                "select count(*) from act_ru_execution e join act_re_procdef d"
                    + " on d.id_ = e.proc_def_id_ where d.key_ = ?")
            .param(PROCESS)
            .query(Long.class)
            .single()
        > 0;
  }

  private static String user() {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    return authentication == null ? null : authentication.getName();
  }
}
