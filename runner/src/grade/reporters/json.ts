// json: the grading model itself (schemas/grade-report.schema.json).
import type { Reporter } from './types.js';

export const jsonReporter: Reporter = {
  name: 'json',
  extension: 'json',
  render: (report) => `${JSON.stringify(report, null, 2)}\n`,
};
