import { describe, expect, it } from 'vitest';
import { redact, redactUrl } from '../src/redact.js';

describe('redact', () => {
  it('masks the secret and every 8-character piece of it', () => {
    const secret = 'sk-0123456789abcdef';
    expect(redact(`key ${secret} sent`, secret)).toBe('key [REDACTED] sent');
    // A server that echoes the key partly shows no 8 characters of it in a row.
    expect(redact('got sk-01234567... and 89abcdef', secret)).toBe(
      'got [REDACTED]567... and [REDACTED]',
    );
    expect(redact('short pw', 'pw')).toBe('short [REDACTED]');
    expect(redact('nothing here', undefined)).toBe('nothing here');
  });
});

describe('redactUrl', () => {
  it('hides the password of a URL and keeps the rest', () => {
    expect(redactUrl('rediss://bob:s3cr%40t@host:6380/2')).toBe('rediss://bob:***@host:6380/2');
    expect(redactUrl('redis://:pw@127.0.0.1:6379')).toBe('redis://:***@127.0.0.1:6379');
    expect(redactUrl('redis://127.0.0.1:6379/0')).toBe('redis://127.0.0.1:6379/0');
    expect(redactUrl('not a url')).toBe('not a url');
  });
});
