import { describe, expect, it, vi } from 'vitest';
import { ApiError, GraphQLHttp } from './graphql';

function respond(body: unknown, status = 200): typeof fetch {
  return async () => new Response(JSON.stringify(body), { status });
}

describe('GraphQLHttp', () => {
  it('sends the bearer token and returns data', async () => {
    const fetcher = vi.fn(respond({ data: { saga: { id: 's1' } } }));
    const http = new GraphQLHttp(() => 'tok', () => undefined, fetcher);
    expect(await http.request('{ saga(id: "s1") { id } }')).toEqual({ saga: { id: 's1' } });
    const init = fetcher.mock.calls[0][1] as RequestInit;
    expect((init.headers as Record<string, string>).authorization).toBe('Bearer tok');
  });

  it('turns a coded error into an ApiError with its field', async () => {
    const http = new GraphQLHttp(() => 'tok', () => undefined,
      respond({ errors: [{ message: 'delta would make stock negative', extensions: { code: 'BAD_USER_INPUT', field: 'delta' } }] }));
    await expect(http.request('mutation { x }')).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field: 'delta' });
  });

  it('ends the session when the token is no longer accepted', async () => {
    const ended = vi.fn();
    const http = new GraphQLHttp(() => 'old', ended, respond({ errors: [{ message: 'expired', extensions: { code: 'UNAUTHENTICATED' } }] }, 401));
    await expect(http.request('{ x }')).rejects.toBeInstanceOf(ApiError);
    expect(ended).toHaveBeenCalledOnce();
  });

  it('reports an unreachable gateway as UNAVAILABLE', async () => {
    const http = new GraphQLHttp(() => 'tok', () => undefined, async () => {
      throw new TypeError('failed to fetch');
    });
    await expect(http.request('{ x }')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});
