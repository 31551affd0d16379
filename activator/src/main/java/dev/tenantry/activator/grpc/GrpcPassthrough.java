package dev.tenantry.activator.grpc;

import dev.tenantry.activator.settings.ActivatorSettings;
import dev.tenantry.activator.boundary.CallerBoundary;
import dev.tenantry.activator.routing.TenantAddressing;
import dev.tenantry.activator.wake.HeldCalls;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.NettyInbound;
import reactor.netty.NettyOutbound;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;

/**
 * The runtime's gRPC port while its tenant sleeps. gRPC there is TLS with the tenant's own
 * certificate, which the activator neither has nor needs: it reads the server name the client
 * asks for in its TLS hello, holds the connection until the tenant's runtime is Ready, then
 * passes the bytes through both ways. A connection that waits too long, or names no tenant, is
 * closed, which a gRPC client reports as {@code UNAVAILABLE}.
 */
public final class GrpcPassthrough {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcPassthrough.class);
  private static final AttributeKey<CompletableFuture<Optional<String>>> SERVER_NAME =
      AttributeKey.valueOf("tenantry.serverName");
  private static final Duration HELLO_TIMEOUT = Duration.ofSeconds(10);

  private final ActivatorSettings settings;
  private final TenantAddressing addressing;
  private final CallerBoundary boundary;
  private final HeldCalls held;

  public GrpcPassthrough(ActivatorSettings settings, TenantAddressing addressing, CallerBoundary boundary,
      HeldCalls held) {
    this.settings = settings;
    this.addressing = addressing;
    this.boundary = boundary;
    this.held = held;
  }

  public DisposableServer start() {
    return TcpServer.create().port(settings.grpcPort())
        .doOnChannelInit((observer, channel, remote) -> {
          channel.attr(SERVER_NAME).set(new CompletableFuture<>());
          channel.pipeline().addFirst("tenantry.serverName", new ServerNameReader());
        })
        .handle(this::handle)
        .bindNow();
  }

  private Mono<Void> handle(NettyInbound in, NettyOutbound out) {
    CompletableFuture<Optional<String>>[] serverName = new CompletableFuture[1];
    InetSocketAddress[] caller = new InetSocketAddress[1];
    in.withConnection(connection -> {
      serverName[0] = connection.channel().attr(SERVER_NAME).get();
      caller[0] = (InetSocketAddress) connection.channel().remoteAddress();
    });
    return Mono.fromFuture(serverName[0]).timeout(HELLO_TIMEOUT)
        .flatMap(name -> {
          Optional<String> tenant = name.flatMap(addressing::tenantOf);
          if (tenant.isEmpty()) {
            LOG.info("closing a gRPC connection that names no tenant (TLS server name {})", name.orElse("none"));
            return Mono.empty();
          }
          Optional<String> refused = boundary.refusal(tenant.get(), caller[0]);
          if (refused.isPresent()) {
            // the TLS is the tenant's own, so there is no gRPC status to send: the connection closes
            LOG.info("closing a gRPC connection for tenant {}: {}", tenant.get(), refused.get());
            return Mono.empty();
          }
          return passThrough(tenant.get(), caller[0].getAddress().getHostAddress(), in, out);
        })
        .onErrorResume(error -> {
          LOG.info("closing a held gRPC connection: {}", error.toString());
          return Mono.empty();
        });
  }

  private Mono<Void> passThrough(String tenant, String caller, NettyInbound in, NettyOutbound out) {
    // refused or too late: the handler's error path closes the connection (gRPC UNAVAILABLE)
    return held.awaitRuntime(tenant, caller)
        .flatMap(runtime -> TcpClient.newConnection()
            .remoteAddress(() -> new InetSocketAddress(runtime.host(), runtime.grpcPort()))
            .connect())
        .flatMap(runtime -> Mono.firstWithSignal(
                runtime.outbound().send(in.receive().retain()).then(),
                out.send(runtime.inbound().receive().retain()).then())
            .doFinally(signal -> runtime.dispose()));
  }

  /** Reads the server name of the TLS hello, then steps aside, leaving the hello's bytes to pass on. */
  private static final class ServerNameReader extends AbstractSniHandler<String> {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.fireChannelActive();
      // Reactor Netty reads only on demand, and no one asks before the server name is known
      ctx.read();
    }

    @Override
    protected Future<String> lookup(ChannelHandlerContext ctx, String hostname) {
      return ctx.executor().newSucceededFuture(hostname);
    }

    @Override
    protected void onLookupComplete(ChannelHandlerContext ctx, String hostname, Future<String> future) {
      ctx.channel().attr(SERVER_NAME).get().complete(Optional.ofNullable(hostname));
      ctx.pipeline().remove(this);
    }
  }
}
