package dev.tenantry.crds.rollout;

import io.fabric8.kubernetes.api.model.IntOrString;

/** Reads the rollout's sizes, each a count ({@code 3}) or a percentage ({@code "25%"}) of a total. */
public final class RolloutSizes {

  /** A count or a percentage from 0% to 100% (integers are checked by their own minimum). */
  public static final String COUNT_OR_PERCENT_PATTERN = "^([0-9]+|([0-9]|[1-9][0-9]|100)%)$";

  private RolloutSizes() {}

  /**
   * {@code size} of {@code total}: a count as it is (at most the total), a percentage rounded up,
   * as Kubernetes rounds a rolling update's surge. Throws {@link IllegalArgumentException} naming
   * the value when it is neither.
   */
  public static int resolve(IntOrString size, int total, boolean roundUp) {
    if (size == null) {
      throw new IllegalArgumentException("a size is required");
    }
    if (size.getIntVal() != null) {
      if (size.getIntVal() < 0) {
        throw new IllegalArgumentException("'" + size.getIntVal() + "' is negative");
      }
      return Math.min(size.getIntVal(), total);
    }
    String value = String.valueOf(size.getStrVal()).trim();
    if (!value.matches(COUNT_OR_PERCENT_PATTERN)) {
      throw new IllegalArgumentException("'" + value + "' is neither a count (e.g. 3) nor a percentage (e.g. 25%)");
    }
    if (!value.endsWith("%")) {
      return Math.min(Integer.parseInt(value), total);
    }
    long percent = Long.parseLong(value.substring(0, value.length() - 1));
    long scaled = percent * total;
    return (int) (roundUp ? (scaled + 99) / 100 : scaled / 100);
  }

  /** Whether {@code size} reads as a size at all (a non-negative count or a percentage). */
  public static boolean valid(IntOrString size) {
    try {
      resolve(size, 0, true);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
