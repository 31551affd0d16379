package dev.tenantry.runtime.grpc;

import dev.tenantry.runtime.grpc.v1.ArchiveProjectRequest;
import dev.tenantry.runtime.grpc.v1.CreateProjectRequest;
import dev.tenantry.runtime.grpc.v1.GetProjectRequest;
import dev.tenantry.runtime.grpc.v1.ListProjectsRequest;
import dev.tenantry.runtime.grpc.v1.ListProjectsResponse;
import dev.tenantry.runtime.grpc.v1.Project;
import dev.tenantry.runtime.grpc.v1.ProjectServiceGrpc;
import dev.tenantry.runtime.grpc.v1.RenameProjectRequest;
import dev.tenantry.runtime.project.ProjectService;
import io.grpc.stub.StreamObserver;
import reactor.core.publisher.Mono;

/** {@code tenantry.runtime.v1.ProjectService} over the project service. */
final class ProjectGrpcService extends ProjectServiceGrpc.ProjectServiceImplBase {
  private final ProjectService projects;

  ProjectGrpcService(ProjectService projects) {
    this.projects = projects;
  }

  @Override
  public void createProject(CreateProjectRequest request, StreamObserver<Project> observer) {
    Reactive.unary(Mono.defer(() -> projects.create(GrpcAuthentication.ACTOR.get(), request.getName())),
        Protos::project, observer);
  }

  @Override
  public void getProject(GetProjectRequest request, StreamObserver<Project> observer) {
    Reactive.unary(Mono.defer(() -> projects.get(Protos.id("id", request.getId()))), Protos::project, observer);
  }

  @Override
  public void listProjects(ListProjectsRequest request, StreamObserver<ListProjectsResponse> observer) {
    Reactive.unary(Mono.defer(() -> projects.list(request.getPageToken(), request.getPageSize())),
        page -> ListProjectsResponse.newBuilder()
            .addAllProjects(page.items().stream().map(Protos::project).toList())
            .setNextPageToken(page.nextCursor() == null ? "" : page.nextCursor())
            .build(),
        observer);
  }

  @Override
  public void renameProject(RenameProjectRequest request, StreamObserver<Project> observer) {
    var actor = GrpcAuthentication.ACTOR.get();
    Reactive.unary(Mono.defer(() -> projects.rename(actor, Protos.id("id", request.getId()), request.getName(),
        Protos.version(request.getExpectedVersion()))), Protos::project, observer);
  }

  @Override
  public void archiveProject(ArchiveProjectRequest request, StreamObserver<Project> observer) {
    var actor = GrpcAuthentication.ACTOR.get();
    Reactive.unary(Mono.defer(() -> projects.archive(actor, Protos.id("id", request.getId()),
        Protos.version(request.getExpectedVersion()))), Protos::project, observer);
  }
}
