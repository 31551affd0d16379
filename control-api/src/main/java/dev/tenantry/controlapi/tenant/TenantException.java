package dev.tenantry.controlapi.tenant;

/** A refused request, mapped by each protocol to its own convention; nothing was written. */
public abstract sealed class TenantException extends RuntimeException
    permits TenantException.NotFound, TenantException.Invalid, TenantException.Conflict {

  protected TenantException(String message) {
    super(message);
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
