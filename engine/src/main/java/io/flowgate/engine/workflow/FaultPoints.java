package io.flowgate.engine.workflow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.impl.bpmn.parser.AbstractBpmnParseListener;
import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParseListener;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.persistence.entity.ProcessDefinitionEntity;
import org.camunda.bpm.engine.impl.pvm.process.ActivityImpl;
import org.camunda.bpm.engine.impl.pvm.process.ScopeImpl;
import org.camunda.bpm.engine.impl.util.xml.Element;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For the fault suite only ({@code FLOWGATE_FAULTS_HOLD_AT}, unset in normal use): holds the thread
 * that finishes a named step, after the step's work is done and before its transaction commits, so
 * that the suite can {@code kill -9} the engine at exactly that point. A step is named {@code
 * <process key>:<activity id>}; several are separated by commas.
 */
final class FaultPoints extends AbstractProcessEnginePlugin {

  private static final Logger log = LoggerFactory.getLogger(FaultPoints.class);

  /** Printed when a thread is held; the fault suite waits for this line. */
  static final String HELD = "Fault point held: ";

  /** A held thread gives up after this, so a forgotten setting cannot hang a node for good. */
  private static final Duration LONGEST_HOLD = Duration.ofMinutes(10);

  private final Set<String> points;

  FaultPoints(Set<String> points) {
    this.points = Set.copyOf(points);
  }

  @Override
  public void preInit(ProcessEngineConfigurationImpl configuration) {
    log.warn("Fault points set: the engine will hold at {} until it is killed", points);
    List<BpmnParseListener> listeners =
        new ArrayList<>(
            configuration.getCustomPostBPMNParseListeners() == null
                ? List.of()
                : configuration.getCustomPostBPMNParseListeners());
    listeners.add(new HoldAtEnd());
    configuration.setCustomPostBPMNParseListeners(listeners);
  }

  private final class HoldAtEnd extends AbstractBpmnParseListener {
    @Override
    public void parseServiceTask(Element element, ScopeImpl scope, ActivityImpl activity) {
      String key = ((ProcessDefinitionEntity) activity.getProcessDefinition()).getKey();
      String point = key + ":" + activity.getId();
      if (points.contains(point)) {
        activity.addListener(ExecutionListener.EVENTNAME_END, hold(point));
      }
    }
  }

  private static ExecutionListener hold(String point) {
    return execution -> {
      log.warn(
          "{}{} (process instance {}, business key {})",
          HELD,
          point,
          execution.getProcessInstanceId(),
          execution.getProcessBusinessKey());
      Thread.sleep(LONGEST_HOLD.toMillis());
      throw new IllegalStateException("Fault point " + point + " was not killed within 10 min");
    };
  }
}
