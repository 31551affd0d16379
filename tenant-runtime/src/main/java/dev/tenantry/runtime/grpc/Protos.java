package dev.tenantry.runtime.grpc;

import dev.tenantry.runtime.grpc.v1.Comment;
import dev.tenantry.runtime.grpc.v1.Event;
import dev.tenantry.runtime.grpc.v1.Project;
import dev.tenantry.runtime.grpc.v1.Task;
import dev.tenantry.runtime.grpc.v1.TaskStatus;
import dev.tenantry.runtime.store.DomainException;
import dev.tenantry.runtime.store.StoredEvent;
import java.util.UUID;
import tools.jackson.databind.json.JsonMapper;

/** Conversions between the domain and the {@code tenantry.runtime.v1} messages. */
final class Protos {
  private Protos() {}

  static UUID id(String field, String value) {
    try {
      return UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      throw new DomainException.Invalid(field, "must be a UUID, not '" + value + "'");
    }
  }

  static Project project(dev.tenantry.runtime.project.Project p) {
    return Project.newBuilder().setId(p.id().toString()).setName(p.name()).setArchived(p.archived())
        .setVersion(p.version()).build();
  }

  static Task task(dev.tenantry.runtime.task.Task t) {
    Task.Builder builder = Task.newBuilder().setId(t.id().toString()).setProjectId(t.projectId().toString())
        .setTitle(t.title()).setStatus(status(t.status())).setPosition(t.position()).addAllLabels(t.labels())
        .setVersion(t.version());
    if (t.description() != null) {
      builder.setDescription(t.description());
    }
    if (t.assignee() != null) {
      builder.setAssignee(t.assignee());
    }
    if (t.dueDate() != null) {
      builder.setDueDate(t.dueDate().toString());
    }
    return builder.build();
  }

  static Comment comment(dev.tenantry.runtime.task.Comment c) {
    return Comment.newBuilder().setId(c.id().toString()).setTaskId(c.taskId().toString()).setAuthor(c.author())
        .setBody(c.body()).setCreatedAt(c.createdAt().toString()).build();
  }

  static Event event(StoredEvent e, JsonMapper json) {
    Event.Builder builder = Event.newBuilder().setSequence(e.sequence()).setAggregateId(e.aggregateId().toString())
        .setAggregateType(e.aggregateType()).setVersion(e.version()).setType(e.type())
        .setPayloadJson(json.writeValueAsString(e.payload())).setActor(e.actor())
        .setOccurredAt(e.occurredAt().toString());
    if (e.projectId() != null) {
      builder.setProjectId(e.projectId().toString());
    }
    if (e.correlationId() != null) {
      builder.setCorrelationId(e.correlationId());
    }
    return builder.build();
  }

  static TaskStatus status(dev.tenantry.runtime.task.TaskStatus status) {
    return TaskStatus.valueOf(status.name());
  }

  /**
   * The domain status of a request's status field; UNSPECIFIED is null (no filter, or an error
   * where a status is required). A number this server does not know (a newer client's value) is
   * refused rather than read as unspecified.
   */
  static dev.tenantry.runtime.task.TaskStatus status(int value) {
    TaskStatus status = TaskStatus.forNumber(value);
    if (status == null) {
      throw new DomainException.Invalid("status", "unknown status value " + value + "; must be TODO, IN_PROGRESS or DONE");
    }
    return switch (status) {
      case TODO -> dev.tenantry.runtime.task.TaskStatus.TODO;
      case IN_PROGRESS -> dev.tenantry.runtime.task.TaskStatus.IN_PROGRESS;
      case DONE -> dev.tenantry.runtime.task.TaskStatus.DONE;
      case TASK_STATUS_UNSPECIFIED, UNRECOGNIZED -> null;
    };
  }

  static Integer version(int expected) {
    return expected == 0 ? null : expected;
  }

  static String emptyToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }
}
