package dev.tenantry.runtime.task;

/** Optional filters of a task list; null fields do not filter. */
public record TaskFilter(TaskStatus status, String assignee, String label) {
  public static final TaskFilter NONE = new TaskFilter(null, null, null);
}
