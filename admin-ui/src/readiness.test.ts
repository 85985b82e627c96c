import { describe, expect, it } from 'vitest';
import { fetchReadiness, summarise } from './readiness';

describe('summarise', () => {
  it('lists each check with its state and error', () => {
    const states = summarise({
      checks: [
        { id: 'postgresql', status: 'UP' },
        { id: 'kafka', status: 'DOWN', data: { error: 'timed out' } },
      ],
    });
    expect(states).toEqual([
      { name: 'postgresql', up: true, detail: undefined },
      { name: 'kafka', up: false, detail: 'timed out' },
    ]);
  });

  it('gives nothing for a body without checks', () => {
    expect(summarise(undefined)).toEqual([]);
  });
});

describe('fetchReadiness', () => {
  it('reads the checks from a 503 answer too', async () => {
    const fake = (async () =>
      new Response(JSON.stringify({ status: 'DOWN', checks: [{ id: 'redis', status: 'DOWN' }] }), {
        status: 503,
      })) as typeof fetch;
    expect(await fetchReadiness(fake)).toEqual([{ name: 'redis', up: false, detail: undefined }]);
  });
});
