package dev.tenantry.runtime.rest;

import dev.tenantry.runtime.backup.EventLogController;
import dev.tenantry.runtime.store.DomainException;
import dev.tenantry.web.json.BodyProblemHandler;
import dev.tenantry.web.json.BodyProblems;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ServerWebExchange;

/** REST errors as {@code application/problem+json}, naming the offending field where there is one. */
@RestControllerAdvice(basePackageClasses = {ProblemHandler.class, EventLogController.class})
public class ProblemHandler extends BodyProblemHandler {

  @ExceptionHandler(DomainException.NotFound.class)
  ProblemDetail notFound(DomainException.NotFound e) {
    return problem(HttpStatus.NOT_FOUND, "Not Found", e.getMessage());
  }

  @ExceptionHandler(DomainException.Invalid.class)
  ProblemDetail invalid(DomainException.Invalid e) {
    ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Invalid request", e.getMessage());
    problem.setProperty("field", e.field());
    return problem;
  }

  @ExceptionHandler(DomainException.Conflict.class)
  ResponseEntity<ProblemDetail> conflict(DomainException.Conflict e, ServerWebExchange exchange) {
    boolean conditional = exchange.getRequest().getHeaders().getFirst(HttpHeaders.IF_MATCH) != null;
    HttpStatus status = conditional && e.currentVersion() != null ? HttpStatus.PRECONDITION_FAILED : HttpStatus.CONFLICT;
    ProblemDetail problem = problem(status, conditional ? "Precondition Failed" : "Conflict", e.getMessage());
    if (e.currentVersion() != null) {
      problem.setProperty("currentVersion", e.currentVersion());
    }
    return ResponseEntity.status(status).body(problem);
  }

  static ProblemDetail problem(HttpStatus status, String title, String detail) {
    return BodyProblems.problem(status, title, detail, null);
  }
}
