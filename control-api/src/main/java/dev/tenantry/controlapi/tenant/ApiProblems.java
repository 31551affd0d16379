package dev.tenantry.controlapi.tenant;

import dev.tenantry.web.json.BodyProblems;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import reactor.core.publisher.Mono;

/** A refused REST request as problem+json, naming the offending field; for every route of the API. */
@RestControllerAdvice
public class ApiProblems extends ResponseEntityExceptionHandler {

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

  @ExceptionHandler(DataBufferLimitException.class)
  ProblemDetail tooLarge(DataBufferLimitException e) {
    return BodyProblems.tooLarge(e);
  }

  /** An unreadable body (malformed JSON, an unknown field, a wrong type) names what is wrong. */
  @Override
  protected Mono<ResponseEntity<Object>> handleServerWebInputException(ServerWebInputException e, HttpHeaders headers,
      HttpStatusCode status, ServerWebExchange exchange) {
    return Mono.just(BodyProblems.of(e));
  }

  static ProblemDetail problem(HttpStatus status, String title, String detail, String field) {
    return BodyProblems.problem(status, title, detail, field);
  }
}
