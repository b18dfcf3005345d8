package io.flowgate.engine.workflow.lockdown;

import java.util.AbstractMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.springframework.beans.factory.ListableBeanFactory;

/**
 * The beans that the models' expressions may name: the delegates and listeners, and the few beans a
 * model calls by name. No repository, no service, no {@code jdbcTemplate}. Looked up when an
 * expression asks, not when the engine starts: the delegates themselves need the engine.
 */
final class DelegateBeans extends AbstractMap<Object, Object> {

  /** Beans the models call by name that are not delegates or listeners. */
  static final Set<String> CALLED_BY_NAME = Set.of("promotionRollouts");

  private static final Class<?>[] DELEGATE_TYPES = {
    JavaDelegate.class, TaskListener.class, ExecutionListener.class
  };

  private final ListableBeanFactory beans;
  private volatile Set<String> names;

  DelegateBeans(ListableBeanFactory beans) {
    this.beans = beans;
  }

  @Override
  public boolean containsKey(Object key) {
    return key instanceof String name && names().contains(name);
  }

  @Override
  public Object get(Object key) {
    return containsKey(key) ? beans.getBean((String) key) : null;
  }

  @Override
  public Set<Entry<Object, Object>> entrySet() {
    return names().stream()
        .map(name -> Map.entry((Object) name, beans.getBean(name)))
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  /** The names, found by type without creating any bean. */
  Set<String> names() {
    Set<String> found = names;
    if (found == null) {
      Set<String> all = new LinkedHashSet<>();
      for (Class<?> type : DELEGATE_TYPES) {
        all.addAll(Set.of(beans.getBeanNamesForType(type, false, false)));
      }
      for (String name : CALLED_BY_NAME) {
        if (beans.containsBean(name)) {
          all.add(name);
        }
      }
      found = Set.copyOf(all);
      names = found;
    }
    return found;
  }
}
