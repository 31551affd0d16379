package dev.tenantry.controlapi.tenant;

import dev.tenantry.web.json.BodyProblemHandler;
import dev.tenantry.web.json.BodyProblems;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** A refused REST request as problem+json, naming the offending field; for every route of the API. */
@RestControllerAdvice
public class ApiProblems extends BodyProblemHandler {

  @ExceptionHandler(TenantException.NotFound.class)
  ProblemDetail notFound(TenantException e) {
    return problem(HttpStatus.NOT_FOUND, "Not Found", e.getMessage(), null);
  }

  @ExceptionHandler(TenantException.Invalid.class)
  ProblemDetail invalid(TenantException.Invalid e) {
    return problem(HttpStatus.BAD_REQUEST, "Invalid request", e.getMessage(), e.field());
  }

  @ExceptionHandler(TenantException.Conflict.class)
  ProblemDetail conflict(TenantException.Conflict e) {
    return problem(HttpStatus.CONFLICT, "Conflict", e.getMessage(), e.field());
  }

  static ProblemDetail problem(HttpStatus status, String title, String detail, String field) {
    return BodyProblems.problem(status, title, detail, field);
  }
}
