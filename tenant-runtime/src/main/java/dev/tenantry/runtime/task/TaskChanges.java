package dev.tenantry.runtime.task;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * An update of a task's fields: an empty Optional leaves the field as it is; a present one
 * sets it ({@code Optional.of("")} clears a description, a due date is cleared by {@code clearDueDate}).
 */
public record TaskChanges(Optional<String> title, Optional<String> description, Optional<List<String>> labels,
    Optional<LocalDate> dueDate, boolean clearDueDate) {

  public static TaskChanges none() {
    return new TaskChanges(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false);
  }
}
