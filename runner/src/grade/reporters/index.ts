// name -> reporter: every format `grade --format` knows.
import { classroomReporter } from './classroom.js';
import { gradescopeReporter } from './gradescope.js';
import { jsonReporter } from './json.js';
import { junitReporter } from './junit.js';
import { markdownReporter } from './markdown.js';
import type { Reporter } from './types.js';

export const reporters: Record<string, Reporter> = {
  json: jsonReporter,
  junit: junitReporter,
  gradescope: gradescopeReporter,
  classroom: classroomReporter,
  markdown: markdownReporter,
};

export type { Reporter } from './types.js';
