package dev.tenantry.controlapi.rollout;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.graphql.data.method.annotation.Argument;
import org.springframework.graphql.data.method.annotation.MutationMapping;
import org.springframework.graphql.data.method.annotation.QueryMapping;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import reactor.core.publisher.Mono;

/** Fleet rollouts in GraphQL (their live waves: {@code ProvisioningGraphQl.rolloutEvents}). */
@Controller
public class RolloutGraphQl {
  private static final String ADMIN = "hasAuthority('platform-admin')";

  private final RolloutService rollouts;

  public RolloutGraphQl(RolloutService rollouts) {
    this.rollouts = rollouts;
  }

  /** GraphQL's input: labels as a list of pairs, since GraphQL has no maps. */
  public record CreateRolloutInput(String name, String image, List<String> plans, List<LabelInput> matchLabels,
      List<RolloutRequests.WaveInput> waves, String maxUnavailable, Integer soakSeconds, Integer readyTimeoutSeconds,
      String maxFailures, Boolean autoRollback, Boolean paused) {

    RolloutRequests.CreateRollout toRequest() {
      Map<String, String> labels = new LinkedHashMap<>();
      if (matchLabels != null) {
        matchLabels.forEach(l -> labels.put(l.key(), l.value()));
      }
      return new RolloutRequests.CreateRollout(name, image, plans, labels, waves, maxUnavailable, soakSeconds,
          readyTimeoutSeconds, maxFailures, autoRollback, paused);
    }
  }

  public record LabelInput(String key, String value) {}

  @QueryMapping
  List<RolloutView> rollouts() {
    return rollouts.list();
  }

  @QueryMapping
  RolloutView rollout(@Argument String name) {
    return rollouts.find(name).orElse(null);
  }

  @MutationMapping
  @PreAuthorize(ADMIN)
  Mono<RolloutView> createRollout(@Argument CreateRolloutInput input, Authentication caller) {
    return rollouts.create(caller.getName(), input.toRequest());
  }

  @MutationMapping
  @PreAuthorize(ADMIN)
  Mono<RolloutView> pauseRollout(@Argument String name, Authentication caller) {
    return rollouts.pause(caller.getName(), name);
  }

  @MutationMapping
  @PreAuthorize(ADMIN)
  Mono<RolloutView> resumeRollout(@Argument String name, Authentication caller) {
    return rollouts.resume(caller.getName(), name);
  }

  @MutationMapping
  @PreAuthorize(ADMIN)
  Mono<RolloutView> abortRollout(@Argument String name, Authentication caller) {
    return rollouts.abort(caller.getName(), name);
  }

  @MutationMapping
  @PreAuthorize(ADMIN)
  Mono<RolloutView> deleteRollout(@Argument String name, Authentication caller) {
    return rollouts.delete(caller.getName(), name);
  }
}
