package dev.tenantry.controlapi.tenant;

/** A refused request, mapped by each protocol to its own convention; nothing was written. */
public abstract sealed class TenantException extends RuntimeException
    permits TenantException.NotFound, TenantException.Invalid, TenantException.Conflict {

  protected TenantException(String message) {
    super(message);
  }

  /**
   * Makes a write to the API server, turning its refusals into these: 422 the field it names first
   * (else {@code spec}), 409 a conflict on the name, 404 no such {@code kind}.
   */
  public static <T> T translating(String kind, java.util.concurrent.Callable<T> write) throws Exception {
    try {
      return write.call();
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      var status = e.getStatus();
      String message = status == null ? e.getMessage() : status.getMessage();
      var details = status == null ? null : status.getDetails();
      if (e.getCode() == 422) {
        String field = details != null && details.getCauses() != null && !details.getCauses().isEmpty()
            ? details.getCauses().get(0).getField() : "spec";
        throw new Invalid(field, message);
      }
      if (e.getCode() == 409) {
        throw new Conflict("name", message);
      }
      if (e.getCode() == 404) {
        throw new NotFound(kind, String.valueOf(details != null ? details.getName() : "?"));
      }
      throw e;
    }
  }

  /** No such tenant (or rollout). */
  public static final class NotFound extends TenantException {
    public NotFound(String name) {
      this("tenant", name);
    }

    /** No {@code kind} (tenant, rollout) of that name. */
    public NotFound(String kind, String name) {
      super(kind + " '" + name + "' not found");
    }
  }

  /** One field of the input is wrong. */
  public static final class Invalid extends TenantException {
    private final String field;

    public Invalid(String field, String message) {
      super(field + ": " + message);
      this.field = field;
    }

    public String field() {
      return field;
    }
  }

  /** The request contradicts the current state (the tenant exists, it is being deleted, the rollout ended, …). */
  public static final class Conflict extends TenantException {
    private final String field;

    public Conflict(String field, String message) {
      super(message);
      this.field = field;
    }

    public String field() {
      return field;
    }
  }
}
