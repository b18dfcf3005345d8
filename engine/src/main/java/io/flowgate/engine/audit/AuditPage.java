package io.flowgate.engine.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One page of the list.
 *
 * @param nextAfterSeq pass as {@code afterSeq} for the next page; null on the last page
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record AuditPage(List<AuditEntryJson> items, Long nextAfterSeq) {}
