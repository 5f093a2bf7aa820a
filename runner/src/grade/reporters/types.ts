// A reporter is a view of the one grading model (after vitest's reporters):
// a name, a file extension, and a pure render function.
import type { GradeReport } from '../model.js';

export interface Reporter {
  name: string;
  /** For --out folders of many submissions: <student>.<extension>. */
  extension: string;
  render(report: GradeReport): string;
}
