package dev.tenantry.runtime.rest;

import dev.tenantry.runtime.task.TaskStatus;
import java.util.List;

/** Request bodies of the REST API. */
final class Requests {
  private Requests() {}

  record CreateProject(String name) {}

  /** Rename when {@code name} is set; archive when {@code archived} is true. */
  record PatchProject(String name, Boolean archived) {}

  record CreateTask(String title, String description, String assignee, List<String> labels, String dueDate) {}

  /** Null fields stay; {@code description: ""} and {@code dueDate: ""} clear. */
  record PatchTask(String title, String description, List<String> labels, String dueDate) {}

  record MoveTask(TaskStatus status, Integer position) {}

  record AssignTask(String assignee) {}

  record AddComment(String body) {}
}
