package io.streampipeline.operator.bench;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/** Samples of Prometheus' text format, summed over the series that match. */
record PrometheusSamples(String text) {

  /** The sum of the samples of {@code name} whose labels satisfy {@code labels}. */
  double sum(String name, Predicate<String> labels) {
    return lines(name).stream().filter(labels).mapToDouble(PrometheusSamples::value).sum();
  }

  /** Writes (post, put, patch, delete) by resource. */
  Map<String, Double> writesByResource() {
    Map<String, Double> writes = new TreeMap<>();
    for (String line : lines("streampipeline_kubernetes_requests_total")) {
      if (!line.matches(".*verb=\"(get|watch)\".*")) {
        writes.merge(label(line, "resource") + " " + label(line, "verb"), value(line), Double::sum);
      }
    }
    return writes;
  }

  /** Every request but watches, by resource and verb (get includes lists). */
  Map<String, Double> requestsByResource() {
    Map<String, Double> requests = new TreeMap<>();
    for (String line : lines("streampipeline_kubernetes_requests_total")) {
      if (!line.contains("verb=\"watch\"")) {
        requests.merge(label(line, "resource") + " " + label(line, "verb"), value(line), Double::sum);
      }
    }
    return requests;
  }

  /** The {@code q} quantile of a histogram (seconds), the upper bound of the bucket it falls in. */
  double quantile(String histogram, double q) {
    Map<Double, Double> buckets = new TreeMap<>();
    for (String line : lines(histogram + "_bucket")) {
      String le = label(line, "le");
      buckets.merge(le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), value(line), Double::sum);
    }
    double total = buckets.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
    for (Map.Entry<Double, Double> bucket : buckets.entrySet()) {
      if (bucket.getValue() >= q * total) {
        return bucket.getKey();
      }
    }
    return Double.NaN;
  }

  private List<String> lines(String name) {
    return text.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " ")).toList();
  }

  private static String label(String line, String label) {
    int start = line.indexOf(label + "=\"") + label.length() + 2;
    return line.substring(start, line.indexOf('"', start));
  }

  private static double value(String line) {
    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }
}
