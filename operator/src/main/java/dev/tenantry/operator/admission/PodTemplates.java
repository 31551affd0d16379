package dev.tenantry.operator.admission;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.Optional;

/** Finds the pod (spec and metadata) a pod or a workload object describes, with the path of its fields. */
final class PodTemplates {

  /**
   * A pod as some object describes it.
   *
   * @param prefix where the pod's own fields sit in that object, e.g. {@code spec.template.}
   */
  record PodShape(String prefix, ObjectMeta metadata, PodSpec spec) {}

  private PodTemplates() {}

  /** The pod of a Pod, or the pod template of a workload; empty for any other object. */
  static Optional<PodShape> of(Object object) {
    if (object instanceof Pod pod) {
      return Optional.of(new PodShape("", pod.getMetadata(), pod.getSpec()));
    }
    if (object instanceof Deployment d && d.getSpec() != null) {
      return template(d.getSpec().getTemplate(), "spec.template.");
    }
    if (object instanceof ReplicaSet r && r.getSpec() != null) {
      return template(r.getSpec().getTemplate(), "spec.template.");
    }
    if (object instanceof StatefulSet s && s.getSpec() != null) {
      return template(s.getSpec().getTemplate(), "spec.template.");
    }
    if (object instanceof DaemonSet d && d.getSpec() != null) {
      return template(d.getSpec().getTemplate(), "spec.template.");
    }
    if (object instanceof ReplicationController r && r.getSpec() != null) {
      return template(r.getSpec().getTemplate(), "spec.template.");
    }
    if (object instanceof Job j && j.getSpec() != null) {
      return template(j.getSpec().getTemplate(), "spec.template.");
    }
    if (object instanceof io.fabric8.kubernetes.api.model.batch.v1.CronJob c && c.getSpec() != null
        && c.getSpec().getJobTemplate() != null && c.getSpec().getJobTemplate().getSpec() != null) {
      return template(c.getSpec().getJobTemplate().getSpec().getTemplate(), "spec.jobTemplate.spec.template.");
    }
    // Kubernetes 1.20 serves CronJob only as batch/v1beta1
    if (object instanceof io.fabric8.kubernetes.api.model.batch.v1beta1.CronJob c && c.getSpec() != null
        && c.getSpec().getJobTemplate() != null && c.getSpec().getJobTemplate().getSpec() != null) {
      return template(c.getSpec().getJobTemplate().getSpec().getTemplate(), "spec.jobTemplate.spec.template.");
    }
    return Optional.empty();
  }

  private static Optional<PodShape> template(PodTemplateSpec template, String prefix) {
    if (template == null) {
      return Optional.empty();
    }
    return Optional.of(new PodShape(prefix, template.getMetadata(), template.getSpec()));
  }
}
