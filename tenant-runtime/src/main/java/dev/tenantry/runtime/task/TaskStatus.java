package dev.tenantry.runtime.task;

/** The column a task is in. */
public enum TaskStatus {
  TODO,
  IN_PROGRESS,
  DONE
}
