package io.flowgate.engine.device;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One page of a team's devices, by name.
 *
 * @param next pass as {@code after} for the next page; null on the last page
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record DevicePage(List<Device> items, String next) {}
