#!/usr/bin/env node
// va-ppo: train one policy with vanilla or variance-aware PPO (see command.ts); `va ppo` runs the same.

import { runCommand } from '@va/core';
import { ppoCommand } from './command.js';

await runCommand('va-ppo', () => ppoCommand(process.argv.slice(2)));
