package dev.tenantry.crds.rollout;

import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.Optional;

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

  /** What is wrong with {@code size}, if it is not a size at all (a non-negative count or a percentage). */
  public static Optional<String> problem(IntOrString size) {
    try {
      resolve(size, 0, true);
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
  }

  /** Whether a valid {@code size} takes no tenant whatever the total (a count or a percentage of 0). */
  public static boolean takesNone(IntOrString size) {
    // of 100, any count or percentage above 0 takes at least one (percentages round up)
    return resolve(size, 100, true) == 0;
  }

  /**
   * A size as a client writes it ({@code "3"}, {@code "25%"}) in the resource's form: a count as
   * an integer, a percentage as a string. Throws {@link IllegalArgumentException} naming the value.
   */
  public static IntOrString parse(String value) {
    String trimmed = value.trim();
    IntOrString size = new IntOrString(trimmed);
    if (!trimmed.endsWith("%") && trimmed.matches("[0-9]{1,9}")) {
      size = new IntOrString(Integer.parseInt(trimmed));
    }
    resolve(size, 0, true);
    return size;
  }
}
