package dev.tenantry.runtime.grpc;

import com.google.protobuf.ByteString;
import dev.tenantry.runtime.backup.EventLogArchive;
import dev.tenantry.runtime.backup.EventLogController;
import dev.tenantry.runtime.grpc.v1.EventLogChunk;
import dev.tenantry.runtime.grpc.v1.ExportEventLogRequest;
import dev.tenantry.runtime.grpc.v1.ImportEventLogResponse;
import dev.tenantry.runtime.grpc.v1.PlatformBackupGrpc;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import reactor.core.publisher.Flux;

/**
 * {@code tenantry.runtime.v1.PlatformBackup}: the event log for the platform's backups and
 * restores, over the gRPC port's TLS (the operator's way in; {@code platform-backup} tokens only).
 */
final class PlatformBackupGrpcService extends PlatformBackupGrpc.PlatformBackupImplBase {
  /** An export piece closes at the first line end past this size. */
  static final int CHUNK_BYTES = 256 * 1024;

  private final EventLogArchive archive;

  PlatformBackupGrpcService(EventLogArchive archive) {
    this.archive = archive;
  }

  @Override
  public void exportEventLog(ExportEventLogRequest request, StreamObserver<EventLogChunk> observer) {
    Long upTo = request.hasUpTo() ? request.getUpTo().getValue() : null;
    Flux<EventLogChunk> chunks = archive.position(upTo).flatMapMany(position -> Flux.defer(() -> {
      long[] pending = {0};
      return archive.export(position)
          .bufferUntil(line -> {
            pending[0] += line.length();
            if (pending[0] < CHUNK_BYTES) {
              return false;
            }
            pending[0] = 0;
            return true;
          })
          .index()
          .map(numbered -> chunk(numbered.getT2(), numbered.getT1() == 0 ? position : 0));
    }));
    Reactive.stream(chunks, chunk -> chunk, observer);
  }

  private static EventLogChunk chunk(List<String> lines, long position) {
    return EventLogChunk.newBuilder()
        .setNdjson(ByteString.copyFrom(String.join("", lines), StandardCharsets.UTF_8))
        .setPosition(position)
        .build();
  }

  @Override
  public StreamObserver<EventLogChunk> importEventLog(StreamObserver<ImportEventLogResponse> observer) {
    return new StreamObserver<>() {
      private final ByteArrayOutputStream body = new ByteArrayOutputStream();
      private boolean first = true;
      private boolean replace;
      private boolean refused;

      @Override
      public void onNext(EventLogChunk chunk) {
        if (refused) {
          return;
        }
        if (first) {
          replace = chunk.getReplace();
          first = false;
        }
        if (body.size() + chunk.getNdjson().size() > EventLogController.MAX_ARCHIVE_BYTES) {
          refused = true;
          observer.onError(Status.RESOURCE_EXHAUSTED.withDescription("an event log loads at most "
              + EventLogController.MAX_ARCHIVE_BYTES + " bytes at once").asRuntimeException());
          return;
        }
        body.writeBytes(chunk.getNdjson().toByteArray());
      }

      @Override
      public void onError(Throwable error) {
        // the caller gave up: nothing was loaded
      }

      @Override
      public void onCompleted() {
        if (refused) {
          return;
        }
        String text = body.toString(StandardCharsets.UTF_8);
        // not Reactive.unary: a cancel handler can no longer be set once the upload has ended
        archive.load(Flux.fromStream(text.lines()), replace).subscribe(
            loaded -> {
              observer.onNext(ImportEventLogResponse.newBuilder().setPosition(loaded.position())
                  .setSourceTenant(loaded.sourceTenant() == null ? "" : loaded.sourceTenant()).build());
              observer.onCompleted();
            },
            error -> observer.onError(Reactive.status(error)));
      }
    };
  }
}
