// The grading result model: one per submission. Every output format (json,
// junit, gradescope, classroom, markdown) is a view of it; `json` is the model
// itself, published as schemas/grade-report.schema.json.
import type { Arch } from '../manifest.js';
import type { CheckResult, KataStatus } from '../result.js';

export const GRADE_REPORT_VERSION = 1;

export interface ScoredCheck {
  name: string;
  kind: CheckResult['kind'];
  arch: Arch;
  status: CheckResult['status'];
  /** What its points are for: the build earns none, correctness is all or nothing, each budget its own. */
  part: 'build' | 'correctness' | 'budget';
  score: number;
  maxScore: number;
  /** Absent when the course config hides messages from students. */
  message?: string;
  details?: string[];
  /** How long the step that produced it took (a build, one judge run); on a step's first check only. */
  durationMs?: number;
}

export interface ScoredKata {
  id: string;
  title: string;
  track: string;
  trackTitle: string;
  /** 'missing': the submission has no file for this kata. */
  status: KataStatus | 'missing' | 'timeout';
  score: number;
  maxScore: number;
  /** The learner's file, relative to where grading ran. */
  file: string;
  reason?: string;
  durationMs: number;
  checks: ScoredCheck[];
}

export interface GradeReport {
  version: typeof GRADE_REPORT_VERSION;
  /** The folder graded. */
  submission: string;
  generatedAt: string;
  score: number;
  maxScore: number;
  /** 0-100. */
  percentage: number;
  /** Katas that could not be graded on this machine (missing tools, kernel features). */
  ungraded: string[];
  messagesShown: boolean;
  durationMs: number;
  katas: ScoredKata[];
}
