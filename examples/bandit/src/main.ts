// The paper's bandit experiments (SPEC section 2, Figures 3 and 4) with one command: `va bandit`
// of @va/experiment, writing its report into examples/bandit/out/ by default.

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from '@va/core';
import { banditCommand } from '@va/experiment';

const here = dirname(fileURLToPath(import.meta.url));

await runCommand('bandit', () =>
  banditCommand(process.argv.slice(2), {
    usage:
      'npx pnpm@12.21.0 --filter @va/example-bandit start -- [options]   (or: va bandit [options])',
    defaults: { out: join(here, '..', 'out') },
  }),
);
