package dev.tenantry.testkit;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The shape every module keeps, which each module's {@code ArchitectureTest} checks: no package
 * depends on a package that depends back, a reconciler fits on a screen and no class grows past
 * {@link #MAX_CLASS_LINES}, a name two components share is written only where it is declared,
 * and no class, test or not, keeps state in a static field.
 */
public final class ArchitectureRules {
  /** A reconciler keeps the order of its steps, its status write and its cleanup: no more. */
  public static final int MAX_RECONCILER_LINES = 250;
  public static final int MAX_CLASS_LINES = 350;

  private final String basePackage;
  private final Path sources;
  private final ImportOption which;
  /** Where the classes checked for static state are written: production and tests for a module. */
  private final List<Path> allSources;
  private final ImportOption everyClass;

  private ArchitectureRules(String basePackage, Path sources, ImportOption classes, List<Path> allSources,
      ImportOption everyClass) {
    this.basePackage = basePackage;
    this.sources = sources;
    this.which = classes;
    this.allSources = allSources;
    this.everyClass = everyClass;
  }

  /** The rules for the production classes under {@code basePackage}, with their sources in {@code src/main/java}. */
  public static ArchitectureRules forModule(String basePackage) {
    return new ArchitectureRules(basePackage, Path.of("src", "main", "java"), ImportOption.Predefined.DO_NOT_INCLUDE_TESTS,
        List.of(Path.of("src", "main", "java"), Path.of("src", "test", "java")), location -> true);
  }

  /** The rules for made-up test classes under {@code basePackage} with sources in {@code sources}: the rules' own test. */
  public static ArchitectureRules forFixture(String basePackage, Path sources) {
    return new ArchitectureRules(basePackage, sources, ImportOption.Predefined.ONLY_INCLUDE_TESTS, List.of(sources),
        ImportOption.Predefined.ONLY_INCLUDE_TESTS);
  }

  /** Fails naming every cycle between the module's packages (each package its own slice). */
  public void packagesAreFreeOfCycles() {
    JavaClasses classes = classes(which);
    SlicesRuleDefinition.slices().matching(parentOf(basePackage) + ".(**)")
        .should().beFreeOfCycles()
        .because("a package that depends on one that depends back cannot be read, tested or moved alone")
        .check(classes);
  }

  /** Fails naming every source file over its limit: {@value #MAX_RECONCILER_LINES} lines for a reconciler, else {@value #MAX_CLASS_LINES}. */
  public void classesFitTheirLimits() {
    classesFitTheirLimits(Map.of());
  }

  /**
   * As {@link #classesFitTheirLimits()}, with {@code stillOver} (source path to line count) the
   * classes known to be over, each held at its count until it is split: a ratchet, which fails
   * when one grows, and when one fits its limit and should leave the list.
   */
  public void classesFitTheirLimits(Map<String, Integer> stillOver) {
    List<String> over = new ArrayList<>();
    for (Path file : javaFiles()) {
      int lines = lines(file).size();
      int limit = file.getFileName().toString().endsWith("Reconciler.java") ? MAX_RECONCILER_LINES : MAX_CLASS_LINES;
      String relative = sources.relativize(file).toString().replace('\\', '/');
      Integer held = stillOver.get(relative);
      if (held != null && lines <= limit) {
        over.add(relative + ": " + lines + " lines, within its limit now: take it off the list");
      } else if (held != null && lines > held) {
        over.add(relative + ": " + lines + " lines, grew past the " + held + " it is held at (limit " + limit + ")");
      } else if (held == null && lines > limit) {
        over.add(relative + ": " + lines + " lines, limit " + limit);
      }
    }
    if (!over.isEmpty()) {
      throw new AssertionError("classes over their size limit:\n  " + String.join("\n  ", over));
    }
  }

  /**
   * Fails naming every source file outside {@code declaredIn} that writes one of its shared names
   * (a {@code public static final String} that looks like a Kubernetes name, label, annotation or
   * key) as a string literal instead of using the constant.
   */
  public void sharedNamesAreWrittenOnlyIn(Class<?>... declaredIn) {
    Map<String, String> names = new LinkedHashMap<>();
    List<String> declaringFiles = new ArrayList<>();
    for (Class<?> type : declaredIn) {
      declaringFiles.add(type.getName().replace('.', '/') + ".java");
      for (Field field : type.getDeclaredFields()) {
        if (isSharedName(field)) {
          names.merge(value(field), type.getSimpleName() + "." + field.getName(), (a, b) -> a + " or " + b);
        }
      }
    }
    List<String> retyped = new ArrayList<>();
    for (Path file : javaFiles()) {
      String relative = sources.relativize(file).toString().replace('\\', '/');
      if (declaringFiles.contains(relative)) {
        continue;
      }
      List<String> lines = lines(file);
      for (int i = 0; i < lines.size(); i++) {
        for (Map.Entry<String, String> name : names.entrySet()) {
          if (lines.get(i).contains("\"" + name.getKey() + "\"")) {
            retyped.add(relative + ":" + (i + 1) + " writes \"" + name.getKey() + "\"; use " + name.getValue());
          }
        }
      }
    }
    if (!retyped.isEmpty()) {
      throw new AssertionError("shared names retyped outside their declaration:\n  " + String.join("\n  ", retyped));
    }
  }

  /**
   * Fails naming every static field that is not final in a class written in the module, its
   * tests included (generated code is not checked): state belongs to an instance, a test
   * fixture to its test instance.
   */
  public void holdsNoStaticMutableState() {
    JavaClasses classes = classes(everyClass);
    List<String> found = new ArrayList<>();
    for (JavaClass type : classes) {
      if (!writtenHere(type)) {
        continue;
      }
      for (JavaField field : type.getFields()) {
        if (field.getModifiers().contains(JavaModifier.STATIC) && !field.getModifiers().contains(JavaModifier.FINAL)
            && !field.getModifiers().contains(JavaModifier.SYNTHETIC)) {
          found.add(type.getName() + "." + field.getName());
        }
      }
    }
    if (!found.isEmpty()) {
      throw new AssertionError("static fields that are not final (state shared by every instance and test):\n  "
          + String.join("\n  ", found.stream().sorted().toList()));
    }
  }

  /** The module's own classes under the base package that {@code option} admits; never a jar's. */
  private JavaClasses classes(ImportOption option) {
    return new ClassFileImporter()
        .withImportOption(option)
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
        .importPackages(basePackage);
  }

  private boolean writtenHere(JavaClass type) {
    JavaClass outermost = type;
    while (outermost.getEnclosingClass().isPresent()) {
      outermost = outermost.getEnclosingClass().get();
    }
    String file = outermost.getName().replace('.', '/') + ".java";
    return allSources.stream().anyMatch(root -> Files.isRegularFile(root.resolve(file)));
  }

  private static boolean isSharedName(Field field) {
    int modifiers = field.getModifiers();
    if (field.getType() != String.class || !Modifier.isPublic(modifiers) || !Modifier.isStatic(modifiers)
        || !Modifier.isFinal(modifiers)) {
      return false;
    }
    String value = value(field);
    // names, labels, annotations and keys; not patterns and not plain words, which prose and unrelated code share
    return value.length() >= 6 && value.matches("[A-Za-z0-9][A-Za-z0-9./-]*")
        && (value.contains("-") || value.contains(".") || value.contains("/"));
  }

  private static String value(Field field) {
    try {
      return (String) field.get(null);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String parentOf(String basePackage) {
    int dot = basePackage.lastIndexOf('.');
    return dot < 0 ? basePackage : basePackage.substring(0, dot);
  }

  private List<Path> javaFiles() {
    try (Stream<Path> files = Files.walk(sources)) {
      return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
