// A tiny template grammar for the default model's synthetic corpus: `[a|b|]` picks an alternative
// (empty allowed), `{key}` expands a lexicon entry (`{:key}`: the shared one), `{$name}` a variable.

import type { Rng } from '@va/core';

export type Lexicon = Readonly<Record<string, readonly string[]>>;

export class Grammar {
  constructor(
    private readonly lexicon: Lexicon,
    private readonly rng: Rng,
  ) {}

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Grammar.pick: empty list');
    return items[this.rng.int(items.length)]!;
  }

  chance(p: number): boolean {
    return this.rng.next() < p;
  }

  int(lo: number, hi: number): number {
    return lo + this.rng.int(hi - lo + 1);
  }

  /** Expands a template; `domain:key` entries override `key` for the current domain. */
  expand(template: string, vars: Readonly<Record<string, string>> = {}, domain = ''): string {
    let out = '';
    for (let i = 0; i < template.length; i++) {
      const ch = template[i]!;
      if (ch === '[') {
        const end = matching(template, i, '[', ']');
        const choice = this.pick(splitTop(template.slice(i + 1, end)));
        out += this.expand(choice, vars, domain);
        i = end;
      } else if (ch === '{') {
        const end = template.indexOf('}', i);
        const key = template.slice(i + 1, end);
        if (key.startsWith('$')) {
          const v = vars[key.slice(1)];
          if (v === undefined)
            throw new Error(`Grammar: variable ${key} is not bound in "${template}"`);
          out += v;
        } else {
          // `{:key}` skips the domain's override (so that an override can include the shared list).
          const entries = key.startsWith(':')
            ? this.lexicon[key.slice(1)]
            : (this.lexicon[`${domain}:${key}`] ?? this.lexicon[key]);
          if (!entries) throw new Error(`Grammar: no lexicon entry '${key}' (domain '${domain}')`);
          out += this.expand(this.pick(entries), vars, domain);
        }
        i = end;
      } else {
        out += ch;
      }
    }
    return out;
  }
}

function matching(s: string, start: number, open: string, close: string): number {
  let depth = 0;
  for (let i = start; i < s.length; i++) {
    if (s[i] === open) depth++;
    else if (s[i] === close && --depth === 0) return i;
  }
  throw new Error(`Grammar: unbalanced ${open} in "${s}"`);
}

function splitTop(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '[') depth++;
    else if (s[i] === ']') depth--;
    else if (s[i] === '|' && depth === 0) {
      parts.push(s.slice(last, i));
      last = i + 1;
    }
  }
  parts.push(s.slice(last));
  return parts;
}

/** Tidies generated text: spaces, "a" before vowels, capitals after sentence ends. */
export function tidy(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/ ([,.;:!?])/g, '$1')
    .replace(/\b([Aa]) (?=[aeiouAEIOU])(?!u[nst]i|use|uro|one|once)/g, '$1n ')
    .replace(/\b([Aa])n (?=(?:u[nst]i|use|uro|one|once))/g, '$1 ')
    .replace(/(^|[.!?] )([a-z])/g, (_, pre: string, c: string) => pre + c.toUpperCase())
    .replace(/\.\./g, '.')
    .replace(/s's\b/g, "s'")
    .trim();
}
