package dev.tenantry.web.json;

import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import reactor.core.publisher.Mono;

/**
 * Base of each application's REST error advice: framework errors as problem+json, and a body it
 * could not read (malformed JSON, an unknown field, a wrong type, over the size limit) naming
 * what is wrong, the same in every application ({@link BodyProblems}).
 */
public abstract class BodyProblemHandler extends ResponseEntityExceptionHandler {

  @ExceptionHandler(DataBufferLimitException.class)
  protected ProblemDetail tooLarge(DataBufferLimitException e) {
    return BodyProblems.tooLarge(e);
  }

  @Override
  protected Mono<ResponseEntity<Object>> handleServerWebInputException(ServerWebInputException e, HttpHeaders headers,
      HttpStatusCode status, ServerWebExchange exchange) {
    return Mono.just(BodyProblems.of(e));
  }
}
