package dev.tenantry.controlapi.backup;

import dev.tenantry.controlapi.backup.BackupViews.BackupView;
import dev.tenantry.controlapi.backup.BackupViews.RestoreView;
import dev.tenantry.controlapi.backup.BackupViews.ScheduleView;
import java.util.List;
import org.springframework.graphql.data.method.annotation.Argument;
import org.springframework.graphql.data.method.annotation.MutationMapping;
import org.springframework.graphql.data.method.annotation.QueryMapping;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import reactor.core.publisher.Mono;

/** Backups, restores and schedules in GraphQL (their progress: the provisioning feeds). */
@Controller
public class BackupGraphQl {
  private static final String ADMIN = "hasAuthority('platform-admin')";

  private final BackupService service;

  public BackupGraphQl(BackupService service) {
    this.service = service;
  }

  @QueryMapping
  List<BackupView> backups(@Argument String tenant) {
    return service.backups(tenant);
  }

  @QueryMapping
  List<RestoreView> restores() {
    return service.restores();
  }

  @QueryMapping
  List<ScheduleView> backupSchedules() {
    return service.schedules();
  }

  @MutationMapping
  @PreAuthorize(ADMIN)
  Mono<BackupView> createBackup(@Argument BackupRequests.CreateBackup input, Authentication caller) {
    return service.createBackup(caller.getName(), input);
  }

  @MutationMapping
  @PreAuthorize(ADMIN)
  Mono<BackupView> deleteBackup(@Argument String name, Authentication caller) {
    return service.deleteBackup(caller.getName(), name);
  }

  @MutationMapping
  @PreAuthorize(ADMIN)
  Mono<RestoreView> restoreBackup(@Argument BackupRequests.CreateRestore input, Authentication caller) {
    return service.createRestore(caller.getName(), input);
  }

  @MutationMapping
  @PreAuthorize(ADMIN)
  Mono<RestoreView> deleteRestore(@Argument String name, Authentication caller) {
    return service.deleteRestore(caller.getName(), name);
  }

  @MutationMapping
  @PreAuthorize(ADMIN)
  Mono<ScheduleView> createBackupSchedule(@Argument BackupRequests.CreateSchedule input, Authentication caller) {
    return service.createSchedule(caller.getName(), input);
  }

  @MutationMapping
  @PreAuthorize(ADMIN)
  Mono<ScheduleView> deleteBackupSchedule(@Argument String name, Authentication caller) {
    return service.deleteSchedule(caller.getName(), name);
  }
}
