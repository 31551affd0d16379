package dev.tenantry.controlapi.tenant;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code /api/v1/tenants}: the REST form of the tenant API, for onboarding scripts. */
@RestController
@RequestMapping("/api/v1")
public class TenantController {
  private final TenantQueries tenants;
  private final TenantCommands commands;

  public TenantController(TenantQueries tenants, TenantCommands commands) {
    this.tenants = tenants;
    this.commands = commands;
  }

  @GetMapping("/tenants")
  TenantQueries.TenantPage list(@RequestParam(required = false) String phase,
      @RequestParam(required = false) String plan, @RequestParam(required = false) String search,
      @RequestParam(defaultValue = "0") int limit, @RequestParam(required = false) String cursor) {
    return tenants.list(phase, plan, search, limit, cursor);
  }

  @PostMapping("/tenants")
  Mono<ResponseEntity<TenantView>> create(@RequestBody TenantRequests.CreateTenant body, Authentication caller) {
    // a caller's traceparent header is continued by the server's own observation
    return commands.create(caller.getName(), body)
        .map(view -> ResponseEntity.created(URI.create("/api/v1/tenants/" + view.name())).body(view));
  }

  @GetMapping("/fleet")
  TenantQueries.FleetView fleet() {
    return tenants.fleet();
  }

  @GetMapping("/tenants/{name}")
  TenantView get(@PathVariable String name) {
    return tenants.get(name);
  }

  @GetMapping("/tenants/{name}/events")
  List<TenantQueries.EventView> events(@PathVariable String name) {
    tenants.get(name);
    return tenants.events(name);
  }

  @PatchMapping("/tenants/{name}")
  Mono<TenantView> update(@PathVariable String name, @RequestBody TenantRequests.UpdateTenant body,
      Authentication caller) {
    return commands.update(caller.getName(), name, body);
  }

  @PostMapping("/tenants/{name}/suspend")
  Mono<TenantView> suspend(@PathVariable String name, Authentication caller) {
    return commands.suspend(caller.getName(), name);
  }

  @PostMapping("/tenants/{name}/wake")
  Mono<TenantView> wake(@PathVariable String name, Authentication caller) {
    return commands.wake(caller.getName(), name);
  }

  @PostMapping("/tenants/{name}/hibernate")
  Mono<TenantView> hibernate(@PathVariable String name, Authentication caller) {
    return commands.hibernate(caller.getName(), name);
  }

  @PostMapping("/tenants/{name}/resume")
  Mono<TenantView> resume(@PathVariable String name, Authentication caller) {
    return commands.resume(caller.getName(), name);
  }

  @DeleteMapping("/tenants/{name}")
  Mono<ResponseEntity<TenantView>> delete(@PathVariable String name, Authentication caller) {
    return commands.delete(caller.getName(), name).map(view -> ResponseEntity.accepted().body(view));
  }

  @PostMapping("/tenants/{name}/tokens")
  ResponseEntity<Map<String, String>> issueToken(@PathVariable String name, @RequestBody TenantRequests.IssueToken body,
      Authentication caller) {
    String token = commands.issueTenantToken(caller.getName(), name, body.subject(), body.roles(), body.ttl());
    return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("token", token));
  }

  @GetMapping("/plans")
  List<TenantQueries.PlanView> plans() {
    return tenants.plans();
  }
}
