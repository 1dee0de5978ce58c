// Run by judge-file.test.ts in a child process with a small heap: resumes `output` from `input`
// with the offline judge and prints the summary and the peak resident memory.

import { judgeFile } from '../src/judge-file.js';
import { OfflineJudge } from '../src/offline-judge.js';

const [input, output] = process.argv.slice(2);
const summary = await judgeFile({ input: input!, output: output!, judge: new OfflineJudge() });
process.stdout.write(
  JSON.stringify({ summary, maxRssBytes: process.resourceUsage().maxRSS * 1024 }),
);
