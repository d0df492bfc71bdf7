/**
 * When time-to-accuracy stops: on the validation split only (MLPerf Training stops on the
 * quality of a held-out evaluation set). The test split is scored at every evaluation too, and
 * reported, but it never decides anything: stopping on the figure you report overstates it.
 */

/** One periodic evaluation: the step it followed and the accuracy on each held-out split, in [0, 1]. */
export interface Evaluation {
  step: number;
  validationAccuracy: number;
  testAccuracy: number;
}

/** True when `evaluation` ends the run: its validation accuracy reached `targetAccuracy`. The test accuracy is not looked at. */
export function reachesTarget(evaluation: Pick<Evaluation, 'validationAccuracy'>, targetAccuracy: number): boolean {
  return evaluation.validationAccuracy >= targetAccuracy;
}

/** The step of the first evaluation (in order) that reaches the target, or undefined when none does. */
export function stoppingStep(evaluations: readonly Evaluation[], targetAccuracy: number): number | undefined {
  return evaluations.find((e) => reachesTarget(e, targetAccuracy))?.step;
}
