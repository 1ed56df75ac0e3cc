// A list of OTTL conditions as the Collector's filter processor takes them: an item that
// matches any of them is dropped.
import type { OttlContext, Predicate } from './evaluate.ts';
import { compileCondition } from './evaluate.ts';
import { OttlSyntaxError } from './lexer.ts';

export type ErrorMode = 'ignore' | 'silent' | 'propagate';

/** The conditions ORed; undefined for an empty list (nothing is dropped). */
export function anyCondition<T>(conditions: readonly string[], context: OttlContext<T>): Predicate<T> | undefined {
  if (conditions.length === 0) return undefined;
  const predicates = conditions.map((condition) => compileCondition(condition, context));
  return (item) => predicates.some((matches) => matches(item));
}

/** Where a condition does not compile: its index in the list, the offset in its text and why. */
export interface ConditionProblem {
  index: number;
  offset: number;
  message: string;
}

export function checkConditions<T>(conditions: readonly string[], context: OttlContext<T>): ConditionProblem[] {
  const problems: ConditionProblem[] = [];
  conditions.forEach((condition, index) => {
    try {
      compileCondition(condition, context);
    } catch (error) {
      if (!(error instanceof OttlSyntaxError)) throw error;
      problems.push({ index, offset: error.offset, message: error.message });
    }
  });
  return problems;
}
