package dev.tenantry.controlapi.backup;

import dev.tenantry.controlapi.backup.BackupViews.BackupView;
import dev.tenantry.controlapi.backup.BackupViews.RestoreView;
import dev.tenantry.controlapi.backup.BackupViews.ScheduleView;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code /api/v1/backups}, {@code /api/v1/restores}, {@code /api/v1/backup-schedules} over REST. */
@RestController
public class BackupController {
  private final BackupService service;

  public BackupController(BackupService service) {
    this.service = service;
  }

  @GetMapping("/api/v1/backups")
  List<BackupView> backups(@RequestParam(required = false) String tenant) {
    return service.backups(tenant);
  }

  @PostMapping("/api/v1/backups")
  Mono<ResponseEntity<BackupView>> createBackup(@RequestBody BackupRequests.CreateBackup body, Authentication caller) {
    return service.createBackup(caller.getName(), body)
        .map(view -> ResponseEntity.created(URI.create("/api/v1/backups/" + view.name())).body(view));
  }

  @GetMapping("/api/v1/backups/{name}")
  BackupView backup(@PathVariable String name) {
    return service.backup(name);
  }

  @DeleteMapping("/api/v1/backups/{name}")
  Mono<ResponseEntity<BackupView>> deleteBackup(@PathVariable String name, Authentication caller) {
    return service.deleteBackup(caller.getName(), name).map(view -> ResponseEntity.accepted().body(view));
  }

  @GetMapping("/api/v1/restores")
  List<RestoreView> restores() {
    return service.restores();
  }

  @PostMapping("/api/v1/restores")
  Mono<ResponseEntity<RestoreView>> createRestore(@RequestBody BackupRequests.CreateRestore body,
      Authentication caller) {
    return service.createRestore(caller.getName(), body)
        .map(view -> ResponseEntity.created(URI.create("/api/v1/restores/" + view.name())).body(view));
  }

  @GetMapping("/api/v1/restores/{name}")
  RestoreView restore(@PathVariable String name) {
    return service.restore(name);
  }

  @DeleteMapping("/api/v1/restores/{name}")
  Mono<ResponseEntity<RestoreView>> deleteRestore(@PathVariable String name, Authentication caller) {
    return service.deleteRestore(caller.getName(), name).map(view -> ResponseEntity.accepted().body(view));
  }

  @GetMapping("/api/v1/backup-schedules")
  List<ScheduleView> schedules() {
    return service.schedules();
  }

  @PostMapping("/api/v1/backup-schedules")
  Mono<ResponseEntity<ScheduleView>> createSchedule(@RequestBody BackupRequests.CreateSchedule body,
      Authentication caller) {
    return service.createSchedule(caller.getName(), body)
        .map(view -> ResponseEntity.created(URI.create("/api/v1/backup-schedules/" + view.name())).body(view));
  }

  @DeleteMapping("/api/v1/backup-schedules/{name}")
  Mono<ResponseEntity<ScheduleView>> deleteSchedule(@PathVariable String name, Authentication caller) {
    return service.deleteSchedule(caller.getName(), name).map(view -> ResponseEntity.accepted().body(view));
  }
}
