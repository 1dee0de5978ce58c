// Keeps secrets (API keys, passwords) out of every message, log line, cache entry and report: the
// secret and any 8-character piece of it (servers echo keys partly, "sk-abc...xyz") are replaced
// before text leaves the code that holds it; URLs are shown without their credentials.

const MASK = '[REDACTED]';

/** Replaces `secret` and every 8-character substring of it in `text`. */
export function redact(text: string, secret: string | undefined): string {
  if (!secret) return text;
  let out = text.split(secret).join(MASK);
  if (secret.length >= 8) {
    for (let i = 0; i + 8 <= secret.length; i++) {
      const piece = secret.slice(i, i + 8);
      if (out.includes(piece)) out = out.split(piece).join(MASK);
    }
  }
  return out;
}

/**
 * `url` as it may be shown: a password becomes `***` (the user name stays: it says which account,
 * and is no secret on its own). Text that is not a URL is returned as is.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (parsed.password) parsed.password = '***';
  return parsed.href;
}
