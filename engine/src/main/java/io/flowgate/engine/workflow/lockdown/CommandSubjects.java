package io.flowgate.engine.workflow.lockdown;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The ids a refused command names (process instances, executions, tasks), for the audit only: read
 * from the command's fields by their names in Camunda's command classes. Whatever cannot be read is
 * left out; the refusal never depends on it.
 */
final class CommandSubjects {

  private static final List<String> ID_FIELDS =
      List.of("processInstanceId", "executionId", "taskId", "entityId");
  private static final List<String> IDS_FIELDS = List.of("processInstanceIds");
  private static final List<String> BUILDER_FIELDS =
      List.of("builder", "executionBuilder", "instantiationBuilder", "deploymentBuilder");
  private static final int MOST = 20;

  private CommandSubjects() {}

  static List<String> of(Object command) {
    Set<String> ids = new LinkedHashSet<>();
    for (String name : ID_FIELDS) {
      add(ids, field(command, name));
    }
    for (String name : IDS_FIELDS) {
      add(ids, field(command, name));
    }
    for (String name : BUILDER_FIELDS) {
      Object builder = field(command, name);
      if (builder != null) {
        add(ids, call(builder, "getProcessInstanceId"));
        add(ids, call(builder, "getProcessInstanceIds"));
      }
    }
    return new ArrayList<>(ids).subList(0, Math.min(ids.size(), MOST));
  }

  private static void add(Set<String> ids, Object value) {
    if (value instanceof String id && !id.isBlank()) {
      ids.add(id);
    } else if (value instanceof Collection<?> many) {
      many.forEach(one -> add(ids, one));
    }
  }

  private static Object field(Object target, String name) {
    for (Class<?> type = target.getClass(); type != Object.class; type = type.getSuperclass()) {
      try {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(target);
      } catch (NoSuchFieldException e) {
        // look in the superclass
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null;
      }
    }
    return null;
  }

  private static Object call(Object target, String method) {
    try {
      Method getter = target.getClass().getMethod(method);
      return getter.invoke(target);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
