package io.flowgate.engine.testing;

import java.util.List;

/**
 * One way into Camunda's engine from outside Flowgate, as a row of a table: who calls (the engine
 * REST API with Basic credentials, or a webapp session), the request, and what must come of it. The
 * path and body name what they act on with placeholders: {@code {engine}}, {@code {pi}} (the
 * promotion's process instance), {@code {pi%}} (the same id with its first character
 * percent-encoded), {@code {pd}} (its process definition) and {@code {task}} (one of its approval
 * tasks).
 *
 * @param status the answer expected
 * @param audit what the audit log must hold afterwards
 */
public record EngineRoute(
    String name,
    Via via,
    String method,
    String path,
    String contentType,
    String body,
    int status,
    Audit audit) {

  /** How the request is sent. */
  public enum Via {
    /** Camunda's engine REST API with the caller's Basic credentials. */
    ENGINE_REST,
    /** The webapps' APIs in a session logged in to Cockpit (with its CSRF token). */
    WEBAPP
  }

  /** The audit entry the refusal leaves. */
  public enum Audit {
    /** A refusal naming the route and the promotion. */
    PROMOTION,
    /** A refusal naming the route; no process is involved (a deployment). */
    ENGINE,
    /** Nothing: the request never reached the engine (the firewall or no route took it). */
    NONE
  }

  /** A multipart deployment of one BPMN file; the test sends it as Camunda Modeler does. */
  public static final String DEPLOYMENT = "multipart/form-data";

  private static final String BOUNDARY = "flowgate-lockdown";

  /** The model a deployment row brings: any model at all must be refused. */
  private static final String MODEL =
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" \
      xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="https://example.org">
        <process id="forged" isExecutable="true" camunda:historyTimeToLive="P1D">
          <startEvent id="start"/>
        </process>
      </definitions>
      """;

  /**
   * The routes that must not move or forge a running promotion, nor bring a model, one per line:
   * name | via | method | path | body (JSON, "deployment" for a multipart model, "-" for none) |
   * status | audit. {@code {rest}} and {@code {webapp}} are the engine's roots on each API.
   */
  private static final String LOCKDOWN =
      """
      deployment            | ENGINE_REST | POST   | {rest}/deployment/create                                   | deployment | 403 | ENGINE
      modification          | ENGINE_REST | POST   | {rest}/process-instance/{pi}/modification                  | {"skipCustomListeners": true, "instructions": [{"type": "cancel", "activityId": "approve"}, {"type": "startBeforeActivity", "activityId": "decide-approval-policy"}]} | 403 | PROMOTION
      percent-encoded id    | ENGINE_REST | PUT    | {rest}/process-instance/{pi%}/variables/approvalsRequired  | {"value": 0, "type": "Integer"} | 403 | PROMOTION
      trailing slash        | ENGINE_REST | POST   | {rest}/process-instance/{pi}/variables/                    | {"modifications": {"approvalsRequired": {"value": 0, "type": "Integer"}}} | 403 | PROMOTION
      matrix parameter      | ENGINE_REST | PUT    | {rest}/process-instance/{pi};x=1/variables/approvalsRequired | {"value": 0, "type": "Integer"} | 400 | NONE
      upper case            | ENGINE_REST | PUT    | /ENGINE-REST/engine/{engine}/process-instance/{pi}/variables/approvalsRequired | {"value": 0, "type": "Integer"} | 404 | NONE
      webapps' engine API   | WEBAPP      | PUT    | {webapp}/process-instance/{pi}/variables/approvalsRequired | {"value": 0, "type": "Integer"} | 403 | PROMOTION
      webapps' modification | WEBAPP      | POST   | {webapp}/process-instance/{pi}/modification                | {"instructions": [{"type": "cancel", "activityId": "approve"}]} | 403 | PROMOTION
      migration             | ENGINE_REST | POST   | {rest}/migration/execute                                   | {"migrationPlan": {"sourceProcessDefinitionId": "{pd}", "targetProcessDefinitionId": "{pd}", "instructions": []}, "processInstanceIds": ["{pi}"]} | 403 | PROMOTION
      restart               | ENGINE_REST | POST   | {rest}/process-definition/{pd}/restart                     | {"processInstanceIds": ["{pi}"], "instructions": [{"type": "startBeforeActivity", "activityId": "decide-approval-policy"}]} | 403 | PROMOTION
      variables-async       | ENGINE_REST | POST   | {rest}/process-instance/variables-async                    | {"processInstanceIds": ["{pi}"], "variables": {"approvalsRequired": {"value": 0, "type": "Integer"}}} | 403 | PROMOTION
      execution variables   | ENGINE_REST | PUT    | {rest}/execution/{pi}/localVariables/approvalsRequired     | {"value": 0, "type": "Integer"} | 403 | PROMOTION
      message               | ENGINE_REST | POST   | {rest}/message                                             | {"messageName": "approved", "processInstanceId": "{pi}"} | 403 | PROMOTION
      delete instance       | ENGINE_REST | DELETE | {rest}/process-instance/{pi}                               | - | 403 | PROMOTION
      resolve with variables | ENGINE_REST | POST  | {rest}/task/{task}/resolve                                 | {"variables": {"requestedBy": {"value": "nobody", "type": "String"}}} | 403 | PROMOTION
      user created          | ENGINE_REST | POST   | {rest}/user/create                                         | {"profile": {"id": "puppet", "firstName": "P", "lastName": "P", "email": "p@example.com"}, "credentials": {"password": "Puppet-password-1"}} | 403 | ENGINE
      admin group member    | ENGINE_REST | PUT    | {rest}/group/camunda-admin/members/puppet                  | - | 403 | ENGINE
      authorization created | ENGINE_REST | POST   | {rest}/authorization/create                                | {"type": 1, "permissions": ["ALL"], "userId": "puppet", "resourceType": 8, "resourceId": "*"} | 403 | ENGINE
      decision history erased | ENGINE_REST | POST | {rest}/history/decision-instance/delete                    | {"historicDecisionInstanceIds": ["x"], "deleteReason": "tidy"} | 403 | ENGINE
      """;

  /** {@link #LOCKDOWN} as rows. */
  public static List<EngineRoute> lockdown() {
    return LOCKDOWN.lines().filter(line -> !line.isBlank()).map(EngineRoute::parse).toList();
  }

  private static EngineRoute parse(String line) {
    String[] cells = line.split(" \\| ");
    if (cells.length != 7) {
      throw new IllegalArgumentException("not a route: " + line);
    }
    String path =
        cells[3]
            .strip()
            .replace("{rest}", "/engine-rest/engine/{engine}")
            .replace("{webapp}", "/camunda/api/engine/engine/{engine}");
    String body = cells[4].strip();
    String contentType =
        switch (body) {
          case "-" -> null;
          case "deployment" -> DEPLOYMENT;
          default -> "application/json";
        };
    return new EngineRoute(
        cells[0].strip(),
        Via.valueOf(cells[1].strip()),
        cells[2].strip(),
        path,
        contentType,
        contentType == null || contentType.equals(DEPLOYMENT) ? null : body,
        Integer.parseInt(cells[5].strip()),
        Audit.valueOf(cells[6].strip()));
  }

  /** What the placeholders stand for. */
  public record Target(String engine, String processInstance, String definition, String task) {}

  /** The Content-Type header the request is sent with, or null. */
  public String contentTypeHeader() {
    return DEPLOYMENT.equals(contentType) ? DEPLOYMENT + "; boundary=" + BOUNDARY : contentType;
  }

  /** The body as sent: the JSON, or the multipart deployment of {@link #MODEL}; null for none. */
  public String wireBody(Target target) {
    if (!DEPLOYMENT.equals(contentType)) {
      return body == null ? null : fill(body, target);
    }
    return "--"
        + BOUNDARY
        + "\r\nContent-Disposition: form-data; name=\"deployment-name\"\r\n\r\nforged\r\n--"
        + BOUNDARY
        + "\r\nContent-Disposition: form-data; name=\"forged.bpmn\";"
        + " filename=\"forged.bpmn\"\r\nContent-Type: application/xml\r\n\r\n"
        + MODEL
        + "\r\n--"
        + BOUNDARY
        + "--\r\n";
  }

  /** The path with its placeholders filled in. */
  public String path(Target target) {
    return fill(path, target);
  }

  private static String fill(String template, Target target) {
    String processInstance = target.processInstance();
    String encoded =
        "%"
            + Integer.toHexString(processInstance.charAt(0)).toUpperCase()
            + processInstance.substring(1);
    return template
        .replace("{engine}", target.engine())
        .replace("{pi%}", encoded)
        .replace("{pi}", processInstance)
        .replace("{pd}", target.definition())
        .replace("{task}", target.task());
  }
}
