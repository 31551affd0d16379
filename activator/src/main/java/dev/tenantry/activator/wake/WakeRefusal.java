package dev.tenantry.activator.wake;

/** Why a call cannot be held for its tenant: there is no such tenant, or an admin suspended it. */
public final class WakeRefusal extends RuntimeException {
  /** What kind of refusal, which each protocol answers in its own way. */
  public enum Kind { UNKNOWN_TENANT, SUSPENDED, TOO_MANY_HELD }

  private final Kind kind;

  public WakeRefusal(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
