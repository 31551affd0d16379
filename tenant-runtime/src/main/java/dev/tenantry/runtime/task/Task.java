package dev.tenantry.runtime.task;

import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/** A task of a project, as clients see it. */
public record Task(UUID id, UUID projectId, String title, String description, TaskStatus status, int position,
    String assignee, List<String> labels, LocalDate dueDate, int version) {

  Task with(String title, String description, TaskStatus status, int position, String assignee, List<String> labels,
      LocalDate dueDate) {
    return new Task(id, projectId, title, description, status, position, assignee, labels, dueDate, version + 1);
  }
}
