package io.flowgate.engine.pipeline;

import io.flowgate.engine.pipeline.PipelineRepository.StageRow;
import io.flowgate.engine.security.CamundaIdentity;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a change of a pipeline would weaken in its bound protected stages. A protected stage binds
 * the people who edit its pipeline as much as anyone once a promotion into it has completed or is
 * under way (before that it is being set up, and nothing approved runs on its targets): it may not
 * be removed or unprotected, get another approver group, lose or gain instances or device groups (a
 * new target would run unapproved flows as part of production), or get stages after it (which would
 * make it no longer the last stage, whose promotions the approval policy treats strictly). Renaming
 * it, changing its action, protecting more stages and changing stages before it weaken nothing.
 */
final class ProtectedStageChanges {

  private ProtectedStageChanges() {}

  /** Each weakening in words, empty when the change weakens no protected stage. */
  static List<String> weakenings(Pipeline before, List<StageRow> after, Set<String> bound) {
    String teamApprovers = CamundaIdentity.teamApproversGroup(before.teamId());
    Map<String, StageRow> next =
        after.stream().collect(Collectors.toMap(StageRow::id, Function.identity()));
    List<String> found = new ArrayList<>();
    for (PipelineStage stage : before.stages()) {
      if (!stage.isProtected() || !bound.contains(stage.id())) {
        continue;
      }
      String name = "protected stage '" + stage.name() + "'";
      StageRow changed = next.get(stage.id());
      if (changed == null) {
        found.add(name + " cannot be removed");
        continue;
      }
      if (!changed.isProtected()) {
        found.add(name + " cannot be unprotected");
      }
      String group = changed.approverGroup() == null ? teamApprovers : changed.approverGroup();
      if (!group.equals(stage.approverGroup())) {
        found.add(name + " keeps its approver group " + stage.approverGroup());
      }
      List<String> leaving = missing(stage.instances(), changed.instances());
      if (!leaving.isEmpty()) {
        found.add(name + " keeps its instances (leaving: " + String.join(", ", leaving) + ")");
      }
      List<String> groupsLeaving = missing(stage.deviceGroups(), changed.deviceGroups());
      if (!groupsLeaving.isEmpty()) {
        found.add(
            name + " keeps its device groups (leaving: " + String.join(", ", groupsLeaving) + ")");
      }
      List<String> joining = missing(changed.instances(), stage.instances());
      joining.addAll(missing(changed.deviceGroups(), stage.deviceGroups()));
      if (!joining.isEmpty()) {
        found.add(
            name
                + " takes no new targets without a promotion's approvals (joining: "
                + String.join(", ", joining)
                + ")");
      }
      Set<String> laterBefore = new HashSet<>();
      before.stages().stream()
          .filter(other -> other.position() > stage.position())
          .forEach(other -> laterBefore.add(other.id()));
      after.stream()
          .filter(row -> row.position() > changed.position() && !laterBefore.contains(row.id()))
          .forEach(row -> found.add("stage '" + row.name() + "' cannot come after " + name));
    }
    return found;
  }

  /** Whether the pipeline has a bound protected stage, which its deletion would remove. */
  static boolean hasBoundStage(Pipeline pipeline, Set<String> bound) {
    return pipeline.stages().stream()
        .anyMatch(stage -> stage.isProtected() && bound.contains(stage.id()));
  }

  private static List<String> missing(List<String> before, List<String> after) {
    Set<String> kept = new HashSet<>(after);
    return new ArrayList<>(before.stream().filter(id -> !kept.contains(id)).toList());
  }
}
