#!/usr/bin/env node
// va: every stage of variance-aware alignment behind one command (see command.ts).

import { runCommand } from '@va/core';
import { vaCommand } from './command.js';

await runCommand('va', () => vaCommand(process.argv.slice(2)));
