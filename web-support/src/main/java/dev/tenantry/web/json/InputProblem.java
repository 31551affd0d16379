package dev.tenantry.web.json;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * What is wrong with a JSON request body, said for its client: the field (a path such as
 * {@code owners[1].kind}, or null when the body itself is malformed) and a sentence without the
 * server's class names.
 */
public record InputProblem(String field, String detail) {

  /** The problem the first JSON error in the cause chain of {@code error} describes, if there is one. */
  public static Optional<InputProblem> of(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof JacksonException json) {
        return Optional.of(describe(json));
      }
    }
    return Optional.empty();
  }

  private static InputProblem describe(JacksonException error) {
    String field = path(error.getPath());
    if (error instanceof UnrecognizedPropertyException unknown) {
      return new InputProblem(field, "unknown field '" + field + "'" + known(unknown.getKnownPropertyIds()));
    }
    if (error instanceof InvalidFormatException invalid && invalid.getTargetType() != null
        && invalid.getTargetType().isEnum()) {
      return new InputProblem(field, "'" + invalid.getValue() + "' is not one of "
          + constants(invalid.getTargetType()) + " (field '" + field + "')");
    }
    if (error instanceof MismatchedInputException mismatch && field != null) {
      JsonToken token = mismatch.getCurrentToken();
      boolean absent = token == null || token == JsonToken.VALUE_NULL || token == JsonToken.END_OBJECT;
      return new InputProblem(field, "field '" + field + "' " + (absent ? "is missing or null; it " : "")
          + "must be " + expected(mismatch.getTargetType()));
    }
    if (field != null) {
      return new InputProblem(field, "field '" + field + "': " + error.getOriginalMessage());
    }
    return new InputProblem(null, "malformed JSON" + at(error instanceof StreamReadException read ? read.getLocation()
        : null) + ": " + error.getOriginalMessage());
  }

  private static String path(List<JacksonException.Reference> references) {
    if (references == null || references.isEmpty()) {
      return null;
    }
    StringBuilder path = new StringBuilder();
    for (JacksonException.Reference reference : references) {
      if (reference.getPropertyName() != null) {
        path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
      } else if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.isEmpty() ? null : path.toString();
  }

  private static String known(Collection<Object> known) {
    return known == null || known.isEmpty() ? ""
        : "; known fields: " + known.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
  }

  private static String constants(Class<?> enumType) {
    Object[] values = enumType.getEnumConstants();
    return values.length == 0 ? "(no values)"
        : java.util.Arrays.stream(values).map(String::valueOf).collect(Collectors.joining(", "));
  }

  private static String expected(Class<?> type) {
    if (type == null) {
      return "of another JSON type";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "a whole number in range";
    }
    if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
      return "a number";
    }
    if (type.isEnum()) {
      return "one of " + constants(type);
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "an array";
    }
    return "an object";
  }

  private static String at(TokenStreamLocation location) {
    return location == null || location.getLineNr() < 0 ? ""
        : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }
}
