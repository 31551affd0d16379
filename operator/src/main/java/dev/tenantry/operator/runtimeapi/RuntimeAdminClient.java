package dev.tenantry.operator.runtimeapi;

import com.google.protobuf.ByteString;
import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.runtime.grpc.v1.EventLogChunk;
import dev.tenantry.runtime.grpc.v1.ExportEventLogRequest;
import dev.tenantry.runtime.grpc.v1.ImportEventLogResponse;
import dev.tenantry.runtime.grpc.v1.GetUsageRequest;
import dev.tenantry.runtime.grpc.v1.PlatformBackupGrpc;
import dev.tenantry.runtime.grpc.v1.TenantAdminGrpc;
import dev.tenantry.runtime.grpc.v1.Usage;
import io.grpc.CallCredentials;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * Calls a tenant runtime's platform doors ({@code PlatformBackup}, {@code TenantAdmin.GetUsage})
 * with a short-lived token of the operator's key, over TLS that trusts only the platform CA and checks that the certificate
 * names that tenant's runtime Service, whatever address the call goes to.
 */
public final class RuntimeAdminClient {
  /** Pieces of an event log sent to a runtime: well under its 1 MiB message limit. */
  static final int UPLOAD_CHUNK_BYTES = 256 * 1024;
  private static final int MAX_INBOUND_BYTES = 16 * 1024 * 1024;
  private static final Duration TOKEN_TTL = Duration.ofMinutes(15);
  private static final Duration USAGE_TIMEOUT = Duration.ofSeconds(10);

  private final RuntimeAddresses addresses;
  private final X509Certificate platformCa;
  private final OperatorSigningKey key;
  private final Duration callTimeout;

  public RuntimeAdminClient(RuntimeAddresses addresses, X509Certificate platformCa, OperatorSigningKey key,
      Duration callTimeout) {
    this.addresses = addresses;
    this.platformCa = platformCa;
    this.key = key;
    this.callTimeout = callTimeout;
  }

  /**
   * Why a runtime could not be asked or refused; the message is meant for a condition. A
   * transient failure (the runtime could not be reached: gRPC UNAVAILABLE, e.g. a pod Ready
   * before its Service routes to it) is worth another try; a refusal is not.
   */
  public static final class RuntimeCallFailed extends Exception {
    private final boolean transientFailure;

    public RuntimeCallFailed(String message) {
      this(message, false);
    }

    public RuntimeCallFailed(String message, boolean transientFailure) {
      super(message);
      this.transientFailure = transientFailure;
    }

    public boolean isTransient() {
      return transientFailure;
    }
  }

  /**
   * The event log of a tenant as its runtime streams it: the position it is consistent at, and
   * the NDJSON body. Closing it ends the call and the connection.
   */
  public static final class EventLogStream implements AutoCloseable {
    private final long position;
    private final InputStream body;
    private final Runnable close;

    EventLogStream(long position, InputStream body, Runnable close) {
      this.position = position;
      this.body = body;
      this.close = close;
    }

    public long position() {
      return position;
    }

    public InputStream body() {
      return body;
    }

    @Override
    public void close() {
      close.run();
    }
  }

  /** Opens the runtime's event log up to its head at this moment; the caller reads and closes it. */
  public EventLogStream openEventLog(Tenant tenant) throws RuntimeCallFailed {
    String name = tenant.getMetadata().getName();
    ManagedChannel channel = channel(tenant);
    Context.CancellableContext call = Context.current().withCancellation();
    Runnable close = () -> {
      call.cancel(null);
      channel.shutdownNow();
    };
    try {
      Iterator<EventLogChunk> chunks = call.call(() -> PlatformBackupGrpc.newBlockingStub(channel)
          .withCallCredentials(bearer(name))
          .withMaxInboundMessageSize(MAX_INBOUND_BYTES)
          .withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS)
          .exportEventLog(ExportEventLogRequest.getDefaultInstance()));
      if (!chunks.hasNext()) {
        close.run();
        throw new RuntimeCallFailed("the runtime of tenant '" + name + "' sent an empty event log");
      }
      EventLogChunk first = chunks.next();
      return new EventLogStream(first.getPosition(), new ChunkInputStream(first, chunks), close);
    } catch (StatusRuntimeException e) {
      close.run();
      throw failed(name, "refused the export", e);
    } catch (RuntimeCallFailed e) {
      throw e;
    } catch (Exception e) {
      close.run();
      throw new RuntimeCallFailed("the runtime of tenant '" + name + "' could not be asked: " + e);
    }
  }

  /**
   * Loads an event log (NDJSON, header line first) into the runtime's store and returns the
   * position it reached. The store must be empty, unless {@code replace}: then the runtime
   * replaces what it holds in the same transaction (all or nothing).
   */
  public long loadEventLog(Tenant tenant, boolean replace, Supplier<InputStream> ndjson) throws RuntimeCallFailed {
    String name = tenant.getMetadata().getName();
    ManagedChannel channel = channel(tenant);
    CompletableFuture<ImportEventLogResponse> answer = new CompletableFuture<>();
    try (InputStream in = ndjson.get()) {
      StreamObserver<EventLogChunk> upload = PlatformBackupGrpc.newStub(channel)
          .withCallCredentials(bearer(name))
          .withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS)
          .importEventLog(new StreamObserver<>() {
            @Override
            public void onNext(ImportEventLogResponse response) {
              answer.complete(response);
            }

            @Override
            public void onError(Throwable error) {
              answer.completeExceptionally(error);
            }

            @Override
            public void onCompleted() {
              answer.completeExceptionally(new IllegalStateException("the runtime answered nothing"));
            }
          });
      boolean first = true;
      byte[] buffer = new byte[UPLOAD_CHUNK_BYTES];
      int read;
      while (!answer.isDone() && (read = in.readNBytes(buffer, 0, buffer.length)) > 0) {
        upload.onNext(EventLogChunk.newBuilder().setNdjson(ByteString.copyFrom(buffer, 0, read))
            .setReplace(first && replace).build());
        first = false;
      }
      if (first) {
        upload.onNext(EventLogChunk.newBuilder().setReplace(replace).build());
      }
      upload.onCompleted();
      return answer.get(callTimeout.toMillis(), TimeUnit.MILLISECONDS).getPosition();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof StatusRuntimeException status
          ? failed(name, "refused the event log", status)
          : new RuntimeCallFailed("the runtime of tenant '" + name + "' failed the load: " + e.getCause());
    } catch (TimeoutException e) {
      throw new RuntimeCallFailed("the runtime of tenant '" + name + "' did not finish loading within "
          + callTimeout.toSeconds() + " s");
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new RuntimeCallFailed("the archive could not be read while it was sent: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeCallFailed("interrupted while loading tenant '" + name + "'");
    } finally {
      channel.shutdownNow();
    }
  }

  /** The runtime's last call of the tenant's (any open subscription counts as now); not itself activity. */
  public Instant lastActivity(Tenant tenant) throws RuntimeCallFailed {
    String name = tenant.getMetadata().getName();
    ManagedChannel channel = channel(tenant);
    try {
      Usage usage = TenantAdminGrpc.newBlockingStub(channel)
          .withCallCredentials(new BearerCallCredentials(key.observerToken(name, TOKEN_TTL)))
          .withDeadlineAfter(USAGE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .getUsage(GetUsageRequest.getDefaultInstance());
      return Instant.ofEpochMilli(usage.getLastActivityUnixMillis());
    } catch (StatusRuntimeException e) {
      throw failed(name, "refused its usage", e);
    } finally {
      channel.shutdownNow();
    }
  }

  private ManagedChannel channel(Tenant tenant) throws RuntimeCallFailed {
    String name = tenant.getMetadata().getName();
    InetSocketAddress address = addresses.grpc(tenant).orElseThrow(() ->
        new RuntimeCallFailed("the runtime of tenant '" + name + "' has no address yet", true));
    try {
      return NettyChannelBuilder.forAddress(address.getHostString(), address.getPort())
          .sslContext(GrpcSslContexts.forClient().trustManager(platformCa).build())
          // the certificate names the Service; the address may be its cluster IP
          .overrideAuthority(TenantryApi.runtimeServiceHost(name))
          .build();
    } catch (SSLException e) {
      throw new RuntimeCallFailed("cannot set up TLS to tenant runtimes: " + e.getMessage());
    }
  }

  private CallCredentials bearer(String tenant) {
    return new BearerCallCredentials(key.backupToken(tenant, TOKEN_TTL));
  }

  private static RuntimeCallFailed failed(String tenant, String what, StatusRuntimeException e) {
    Status status = e.getStatus();
    String cause = status.getCause() == null ? "" : " (" + status.getCause().getMessage() + ")";
    return new RuntimeCallFailed("the runtime of tenant '" + tenant + "' " + what + ": " + status.getCode()
        + (status.getDescription() == null ? "" : " " + status.getDescription()) + cause,
        status.getCode() == Status.Code.UNAVAILABLE);
  }

  /** The chunks of a streamed export as one stream of bytes; a broken call surfaces as an IOException. */
  private static final class ChunkInputStream extends InputStream {
    private final Iterator<EventLogChunk> rest;
    private InputStream current;

    ChunkInputStream(EventLogChunk first, Iterator<EventLogChunk> rest) {
      this.rest = rest;
      this.current = first.getNdjson().newInput();
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      while (true) {
        int read = current.read(buffer, offset, length);
        if (read != -1) {
          return read;
        }
        try {
          if (!rest.hasNext()) {
            return -1;
          }
          current = rest.next().getNdjson().newInput();
        } catch (StatusRuntimeException e) {
          throw new IOException("the export broke off: " + e.getStatus().getCode()
              + (e.getStatus().getDescription() == null ? "" : " " + e.getStatus().getDescription()), e);
        }
      }
    }
  }
}
