package io.streampipeline.operator.reconciler;

/** The server-side apply field manager of everything the operator writes. */
final class FieldManager {
  static final String NAME = "streampipeline-operator";

  private FieldManager() {}
}
