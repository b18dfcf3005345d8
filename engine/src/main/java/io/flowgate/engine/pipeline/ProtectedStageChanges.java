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
 * under way (before that it is being set up, and nothing approved runs on its targets): without the
 * approvals of a promotion into it (a pipeline change, {@link PipelineChanges}) it may not be
 * removed or unprotected, get another approver group, lose or gain instances or device groups (a
 * new target would run unapproved flows as part of production), or get stages after it (which would
 * make it no longer the last stage, whose promotions the approval policy treats strictly). Renaming
 * it, changing its action, protecting more stages and changing stages before it weaken nothing.
 */
final class ProtectedStageChanges {

  private ProtectedStageChanges() {}

  /** One weakening of a bound protected stage, in words. */
  record Weakening(PipelineStage stage, String text) {}

  /** Each weakening, empty when the change weakens no protected stage. */
  static List<Weakening> weakenings(Pipeline before, List<StageRow> after, Set<String> bound) {
    String teamApprovers = CamundaIdentity.teamApproversGroup(before.teamId());
    Map<String, StageRow> next =
        after.stream().collect(Collectors.toMap(StageRow::id, Function.identity()));
    List<Weakening> weakenings = new ArrayList<>();
    for (PipelineStage stage : before.stages()) {
      if (!stage.isProtected() || !bound.contains(stage.id())) {
        continue;
      }
      List<String> found = new ArrayList<>();
      String name = "protected stage '" + stage.name() + "'";
      StageRow changed = next.get(stage.id());
      if (changed == null) {
        weakenings.add(new Weakening(stage, name + " is removed"));
        continue;
      }
      if (!changed.isProtected()) {
        found.add(name + " is unprotected");
      }
      String group = changed.approverGroup() == null ? teamApprovers : changed.approverGroup();
      if (!group.equals(stage.approverGroup())) {
        found.add(name + " gets another approver group than " + stage.approverGroup());
      }
      List<String> leaving = missing(stage.instances(), changed.instances());
      if (!leaving.isEmpty()) {
        found.add(name + " loses instances (leaving: " + String.join(", ", leaving) + ")");
      }
      List<String> groupsLeaving = missing(stage.deviceGroups(), changed.deviceGroups());
      if (!groupsLeaving.isEmpty()) {
        found.add(
            name + " loses device groups (leaving: " + String.join(", ", groupsLeaving) + ")");
      }
      List<String> joining = missing(changed.instances(), stage.instances());
      joining.addAll(missing(changed.deviceGroups(), stage.deviceGroups()));
      if (!joining.isEmpty()) {
        found.add(name + " gets new targets (joining: " + String.join(", ", joining) + ")");
      }
      Set<String> laterBefore = new HashSet<>();
      before.stages().stream()
          .filter(other -> other.position() > stage.position())
          .forEach(other -> laterBefore.add(other.id()));
      after.stream()
          .filter(row -> row.position() > changed.position() && !laterBefore.contains(row.id()))
          .forEach(row -> found.add("stage '" + row.name() + "' comes after " + name));
      found.forEach(text -> weakenings.add(new Weakening(stage, text)));
    }
    return weakenings;
  }

  /** A deletion of the pipeline: the removal of each of its bound protected stages. */
  static List<Weakening> ofDeletion(Pipeline pipeline, Set<String> bound) {
    return pipeline.stages().stream()
        .filter(stage -> stage.isProtected() && bound.contains(stage.id()))
        .map(stage -> new Weakening(stage, "protected stage '" + stage.name() + "' is removed"))
        .toList();
  }

  private static List<String> missing(List<String> before, List<String> after) {
    Set<String> kept = new HashSet<>(after);
    return new ArrayList<>(before.stream().filter(id -> !kept.contains(id)).toList());
  }
}
