package dev.tenantry.runtime.store;

import java.util.List;
import java.util.regex.Pattern;

/** Field checks shared by every command; a failure names the field. */
public final class Validation {
  private static final Pattern LABEL = Pattern.compile("^[\\p{L}\\p{N}][\\p{L}\\p{N} _:.-]{0,63}$");

  private Validation() {}

  public static String text(String field, String value, int max) {
    if (value == null || value.isBlank()) {
      throw new DomainException.Invalid(field, "must not be blank");
    }
    return length(field, value.strip(), max);
  }

  public static String optionalText(String field, String value, int max) {
    if (value == null) {
      return null;
    }
    return length(field, value, max);
  }

  private static String length(String field, String value, int max) {
    if (value.length() > max) {
      throw new DomainException.Invalid(field, "must be at most " + max + " characters");
    }
    return value;
  }

  public static List<String> labels(List<String> labels) {
    if (labels == null) {
      return List.of();
    }
    if (labels.size() > 20) {
      throw new DomainException.Invalid("labels", "at most 20 labels");
    }
    for (String label : labels) {
      if (label == null || !LABEL.matcher(label).matches()) {
        throw new DomainException.Invalid("labels",
            "'" + label + "' is not a label (1-64 letters, digits, space, '_', ':', '.', '-')");
      }
    }
    return labels.stream().distinct().toList();
  }

  public static int position(int position) {
    if (position < 0 || position > 1_000_000) {
      throw new DomainException.Invalid("position", "must be between 0 and 1000000");
    }
    return position;
  }

  /** A date like {@code 2026-12-31}; null or blank is no date. */
  public static java.time.LocalDate date(String field, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return java.time.LocalDate.parse(value);
    } catch (java.time.format.DateTimeParseException e) {
      throw new DomainException.Invalid(field, "must be a date like 2026-12-31");
    }
  }

  /** Checks an expected version; {@code null} or 0 means the caller did not ask. */
  public static void expectVersion(String what, Object id, Integer expected, int actual) {
    if (expected != null && expected != 0 && expected != actual) {
      throw new DomainException.Conflict(
          what + " " + id + " is at version " + actual + ", not " + expected + "; reload and retry", actual);
    }
  }
}
