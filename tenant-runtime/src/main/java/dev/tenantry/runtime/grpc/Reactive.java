package dev.tenantry.runtime.grpc;

import dev.tenantry.runtime.events.EventBus;
import dev.tenantry.runtime.store.DomainException;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Bridges the reactive services to grpc-java: honours the caller's deadline and cancellation,
 * follows the transport's flow control on streams, and maps errors to gRPC status codes.
 */
final class Reactive {
  static final Metadata.Key<String> FIELD = Metadata.Key.of("field", Metadata.ASCII_STRING_MARSHALLER);

  private Reactive() {}

  static <T, R> void unary(Mono<T> work, Function<T, R> toProto, StreamObserver<R> observer) {
    Deadline deadline = Context.current().getDeadline();
    Mono<T> bounded = deadline == null ? work
        : work.timeout(Duration.ofNanos(Math.max(1, deadline.timeRemaining(TimeUnit.NANOSECONDS))));
    Disposable running = bounded.subscribe(
        value -> {
          observer.onNext(toProto.apply(value));
          observer.onCompleted();
        },
        error -> observer.onError(status(error)),
        () -> { });
    if (observer instanceof ServerCallStreamObserver<R> server) {
      server.setOnCancelHandler(running::dispose);
    }
  }

  /** Streams {@code items}, asking for one more only when the transport is ready for it. */
  static <T, R> void stream(Flux<T> items, Function<T, R> toProto, StreamObserver<R> observer) {
    ServerCallStreamObserver<R> server = (ServerCallStreamObserver<R>) observer;
    BaseSubscriber<T> subscriber = new BaseSubscriber<>() {
      @Override
      protected void hookOnSubscribe(Subscription subscription) {
        if (server.isReady()) {
          request(1);
        }
      }

      @Override
      protected void hookOnNext(T value) {
        server.onNext(toProto.apply(value));
        if (server.isReady()) {
          request(1);
        }
      }

      @Override
      protected void hookOnComplete() {
        server.onCompleted();
      }

      @Override
      protected void hookOnError(Throwable error) {
        server.onError(status(error));
      }
    };
    server.setOnReadyHandler(() -> {
      if (!subscriber.isDisposed()) {
        subscriber.request(1);
      }
    });
    server.setOnCancelHandler(subscriber::dispose);
    items.subscribe(subscriber);
  }

  static StatusRuntimeException status(Throwable error) {
    if (error instanceof StatusRuntimeException already) {
      return already;
    }
    if (error instanceof DomainException.NotFound) {
      return Status.NOT_FOUND.withDescription(error.getMessage()).asRuntimeException();
    }
    if (error instanceof DomainException.Invalid invalid) {
      Metadata trailers = new Metadata();
      trailers.put(FIELD, invalid.field());
      return Status.INVALID_ARGUMENT.withDescription(error.getMessage()).asRuntimeException(trailers);
    }
    if (error instanceof DomainException.Conflict) {
      return Status.ABORTED.withDescription(error.getMessage()).asRuntimeException();
    }
    if (error instanceof EventBus.SlowConsumerException) {
      return Status.RESOURCE_EXHAUSTED.withDescription(error.getMessage()).asRuntimeException();
    }
    if (error instanceof TimeoutException) {
      return Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded").asRuntimeException();
    }
    return Status.INTERNAL.withDescription("internal error").withCause(error).asRuntimeException();
  }
}
