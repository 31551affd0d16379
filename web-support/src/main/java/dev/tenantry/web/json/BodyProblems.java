package dev.tenantry.web.json;

import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.server.ServerWebInputException;

/**
 * A request the framework could not read, as {@code application/problem+json}: 413 over the size
 * limit, else 400 naming the field; the same in every application of the platform.
 */
public final class BodyProblems {
  private BodyProblems() {}

  public static ResponseEntity<Object> of(ServerWebInputException error) {
    Throwable cause = error.getMostSpecificCause();
    if (cause instanceof DataBufferLimitException limit) {
      return ResponseEntity.status(HttpStatus.PAYLOAD_TOO_LARGE).body(tooLarge(limit));
    }
    ProblemDetail problem = InputProblem.of(error)
        .map(input -> problem(HttpStatus.BAD_REQUEST, "Invalid request", input.detail(), input.field()))
        .orElseGet(() -> problem(HttpStatus.BAD_REQUEST, "Invalid request",
            firstLine(error.getReason() != null ? error.getReason() + ": " + cause.getMessage() : cause.getMessage()),
            error.getMethodParameter() == null ? null : error.getMethodParameter().getParameterName()));
    return ResponseEntity.badRequest().body(problem);
  }

  /** 413: the body is over {@code spring.codec.max-in-memory-size}. */
  public static ProblemDetail tooLarge(DataBufferLimitException error) {
    return problem(HttpStatus.PAYLOAD_TOO_LARGE, "Payload Too Large", "request body exceeds the limit: " + error.getMessage(),
        null);
  }

  /** A problem with a title, a detail and, where there is one, the offending field as the {@code field} member. */
  public static ProblemDetail problem(HttpStatus status, String title, String detail, String field) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setTitle(title);
    if (field != null) {
      problem.setProperty("field", field);
    }
    return problem;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "invalid input";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
