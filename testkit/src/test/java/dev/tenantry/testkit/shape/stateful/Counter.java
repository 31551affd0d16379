package dev.tenantry.testkit.shape.stateful;

/** A made-up class that keeps state in a static field, for the rule's own test. */
public final class Counter {
  static final String NAME = "counter";
  static int count;

  private Counter() {}

  static int next() {
    return ++count;
  }
}
