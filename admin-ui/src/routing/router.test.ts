import { describe, expect, it } from 'vitest';
import { href, parseRoute } from './router';

describe('routes', () => {
  it('parse and print every page', () => {
    for (const hash of ['#/', '#/sagas', '#/sagas/abc', '#/orders/o-1', '#/dead-letters', '#/operations']) {
      expect(href(parseRoute(hash))).toBe(hash);
    }
    expect(parseRoute('')).toEqual({ page: 'dashboard' });
    expect(parseRoute('#/nope/1/2')).toEqual({ page: 'not-found', path: '/nope/1/2' });
  });
});
