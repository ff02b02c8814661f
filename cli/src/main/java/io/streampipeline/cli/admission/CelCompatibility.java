package io.streampipeline.cli.admission;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.parser.CelParser;
import dev.cel.parser.CelParserFactory;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where {@code dev.cel:cel} and the API server's CEL environment give the same answers, and nothing more.
 *
 * <p>The API server (k8s.io/apiserver's {@code cel/library}, apiextensions-apiserver's {@code schema/cel})
 * evaluates rules with cel-go, its standard library, the Kubernetes extension libraries (lists, regex, url,
 * quantity, ip, cidr, format, strings, sets, optional types) and typed values built from the schema. cel-java
 * has the standard library only. The functions and macros below behave the same in both for the values a
 * structural schema produces (objects as maps of their present fields, so {@code has()} tests presence and a
 * missing field is an evaluation error; integers as int64; numbers as double; strings; booleans; lists):
 * the logical operators with CEL's error-absorbing short circuit, equality, ordering of int64s and strings,
 * {@code size} (elements, or code points of a string), {@code startsWith}, and the {@code has}, {@code all},
 * {@code exists} and {@code filter} macros. A rule that uses anything else would need its Kubernetes
 * semantics added here first; {@link #unsupportedFunctions} finds such a rule, the build test fails on it, and
 * {@code validate} refuses to guess.
 */
final class CelCompatibility {

  /** Operators and functions by their CEL names ({@code _&&_}), macros by theirs ({@code all}). */
  static final Set<String> SUPPORTED = Set.of(
      "!_", "_&&_", "_||_", "_==_", "_!=_", "_<_", "_<=_", "_>_", "_>=_",
      "size", "startsWith",
      "has", "all", "exists", "filter");

  /** Parses without macros, so that a macro appears as the call the rule's author wrote. */
  private static final CelParser PARSER = CelParserFactory.standardCelParserBuilder().build();

  private CelCompatibility() {}

  /** The functions, operators and macros {@code rule} uses that this layer does not support, sorted. */
  static Set<String> unsupportedFunctions(String rule) {
    CelAbstractSyntaxTree ast;
    try {
      ast = PARSER.parse(rule).getAst();
    } catch (CelValidationException e) {
      throw new IllegalArgumentException("CEL rule does not parse: " + rule + ": " + e.getMessage(), e);
    }
    Set<String> unsupported = new TreeSet<>();
    CelNavigableAst.fromAst(ast).getRoot().allNodes()
        .filter(node -> node.getKind() == CelExpr.ExprKind.Kind.CALL)
        .map(node -> node.expr().call().function())
        .filter(function -> !SUPPORTED.contains(function))
        .forEach(unsupported::add);
    return unsupported;
  }
}
