package dev.tenantry.controlapi.rollout;

import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code /api/v1/rollouts}: fleet rollouts over REST, for release pipelines. */
@RestController
@RequestMapping("/api/v1/rollouts")
public class RolloutController {
  private final RolloutService rollouts;

  public RolloutController(RolloutService rollouts) {
    this.rollouts = rollouts;
  }

  @GetMapping
  List<RolloutView> list() {
    return rollouts.list();
  }

  @PostMapping
  Mono<ResponseEntity<RolloutView>> create(@RequestBody RolloutRequests.CreateRollout body, Authentication caller) {
    return rollouts.create(caller.getName(), body)
        .map(view -> ResponseEntity.created(URI.create("/api/v1/rollouts/" + view.name())).body(view));
  }

  @GetMapping("/{name}")
  RolloutView get(@PathVariable String name) {
    return rollouts.get(name);
  }

  @PostMapping("/{name}/pause")
  Mono<RolloutView> pause(@PathVariable String name, Authentication caller) {
    return rollouts.pause(caller.getName(), name);
  }

  @PostMapping("/{name}/resume")
  Mono<RolloutView> resume(@PathVariable String name, Authentication caller) {
    return rollouts.resume(caller.getName(), name);
  }

  /** Stops the rollout and moves the tenants it moved back to their previous image. */
  @PostMapping("/{name}/abort")
  Mono<RolloutView> abort(@PathVariable String name, Authentication caller) {
    return rollouts.abort(caller.getName(), name);
  }

  @DeleteMapping("/{name}")
  Mono<ResponseEntity<RolloutView>> delete(@PathVariable String name, Authentication caller) {
    return rollouts.delete(caller.getName(), name).map(view -> ResponseEntity.accepted().body(view));
  }
}
