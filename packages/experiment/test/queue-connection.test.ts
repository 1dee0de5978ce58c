// The queue's address: Redis URLs with TLS and databases, the password from the environment, and
// never a password in what may be shown.

import { UsageError } from '@va/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_QUEUE_NAME, queueTarget } from '../src/queue-connection.js';

describe('queueTarget', () => {
  it('reads host, port, database and TLS, and the password from VA_REDIS_PASSWORD', () => {
    const t = queueTarget('rediss://worker@redis.lab:6380/2', {
      env: { VA_REDIS_PASSWORD: 'from-the-env-0123' },
    });
    expect(t.connection).toMatchObject({
      host: 'redis.lab',
      port: 6380,
      db: 2,
      username: 'worker',
      password: 'from-the-env-0123',
      tls: { servername: 'redis.lab' },
      maxRetriesPerRequest: null,
    });
    expect(t.name).toBe(DEFAULT_QUEUE_NAME);
    expect(t.shown).toBe('rediss://worker@redis.lab:6380/2');
    const plain = queueTarget('redis://[::1]', { env: {}, name: 'runs-2' });
    expect(plain.connection).toMatchObject({ host: '::1', port: 6379, db: 0 });
    expect(plain.connection.password).toBeUndefined();
    expect(plain.connection.tls).toBeUndefined();
    expect(plain.name).toBe('runs-2');
  });

  it('takes a password written in the URL, warns that it shows in ps, and never shows it', () => {
    const warnings: string[] = [];
    const t = queueTarget('redis://:in-the-url-secret@10.0.0.5:6379/0', {
      env: { VA_REDIS_PASSWORD: 'other' },
      logger: { info() {}, warn: (m) => warnings.push(m), metrics() {} },
    });
    expect(t.connection.password).toBe('in-the-url-secret');
    expect(warnings.join()).toMatch(/visible to other users .*set VA_REDIS_PASSWORD instead/);
    expect(warnings.join()).not.toContain('in-the-url-secret');
    expect(t.shown).toBe('redis://10.0.0.5:6379/0');
    expect(t.redact('AUTH in-the-url-secret failed for redis://u:in-the-url-secret@h')).toBe(
      'AUTH [REDACTED] failed for redis://u:***@h',
    );
  });

  it('refuses what is not a Redis URL, naming the flag and without the password', () => {
    expect(() => queueTarget('http://h:6379', { env: {} })).toThrow(UsageError);
    expect(() => queueTarget('http://u:pw-123@h', { env: {} })).toThrow(
      /--queue: expected a redis:\/\/ or rediss:\/\/ URL, got "http:\/\/u@h\/?"/,
    );
    expect(() => queueTarget('redis host', { env: {} })).toThrow(/--queue: expected a URL/);
    expect(() => queueTarget('redis://h/x', { env: {} })).toThrow(/database .* like \/0/);
    expect(() => queueTarget('redis://h', { env: {}, name: 'a b' })).toThrow(/--queue-name/);
  });
});
