// Config files of the commands (`va ppo`, `va experiment`): YAML or JSON (JSON is YAML), one object
// of settings; a missing file or bad syntax names the file.

import { readTextFile, UsageError } from '@va/core';
import { parse as parseYaml } from 'yaml';

/** Reads a YAML or JSON config file into an object (an empty file is `{}`). */
export async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  const text = await readTextFile(path, 'config file');
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (cause) {
    throw new UsageError(
      `config file ${path} is neither YAML nor JSON: ${(cause as Error).message.split('\n')[0]}`,
    );
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(
      `config file ${path} must hold an object of settings, got ${Array.isArray(value) ? 'a list' : typeof value}`,
    );
  }
  return value as Record<string, unknown>;
}
