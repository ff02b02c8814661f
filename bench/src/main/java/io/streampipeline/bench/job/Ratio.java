package io.streampipeline.bench.job;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The ratio of two contenders' rates round by round (measured in the same round, so under the same load). */
record Ratio(List<Double> perRound) {

  static Ratio of(List<Double> numerator, List<Double> denominator) {
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < Math.min(numerator.size(), denominator.size()); i++) {
      ratios.add(numerator.get(i) / denominator.get(i));
    }
    return new Ratio(ratios);
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n == 0 ? Double.NaN : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** "1.03x [0.97-1.10] not shown": met only if the whole range is at or above the target. */
  String describe(double target) {
    double min = Collections.min(perRound);
    double max = Collections.max(perRound);
    String verdict = min >= target ? "met" : max < target ? "missed" : "not shown";
    return String.format("%.2fx [%.2f-%.2f] %s", median(perRound), min, max, verdict);
  }
}
