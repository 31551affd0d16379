package dev.tenantry.runtime.store;

/** A command or query refused for a reason the caller can act on; each protocol maps it to its own convention. */
public abstract sealed class DomainException extends RuntimeException
    permits DomainException.NotFound, DomainException.Conflict, DomainException.Invalid {

  protected DomainException(String message) {
    super(message);
  }

  /** The addressed resource does not exist. */
  public static final class NotFound extends DomainException {
    public NotFound(String what, Object id) {
      super(what + " " + id + " not found");
    }
  }

  /** The resource changed since the caller read it (or the operation contradicts its state). */
  public static final class Conflict extends DomainException {
    private final Integer currentVersion;

    public Conflict(String message, Integer currentVersion) {
      super(message);
      this.currentVersion = currentVersion;
    }

    public Integer currentVersion() {
      return currentVersion;
    }
  }

  /** A field of the input is invalid; nothing was written. */
  public static final class Invalid extends DomainException {
    private final String field;

    public Invalid(String field, String message) {
      super(field + ": " + message);
      this.field = field;
    }

    public String field() {
      return field;
    }

    public String reason() {
      return getMessage().substring(field.length() + 2);
    }
  }
}
