import { createClient, type Client } from 'graphql-ws';

/** A GraphQL error as the contract shapes it: a message and `extensions.code`, and `extensions.field` for bad input. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

interface GraphQLErrorBody {
  message: string;
  extensions?: { code?: string; field?: string };
}

/** Turns the first error of a response into an ApiError; a response without a code counts as INTERNAL. */
export function toApiError(errors: GraphQLErrorBody[]): ApiError {
  const first = errors[0];
  return new ApiError(first?.message ?? 'Unknown error', first?.extensions?.code ?? 'INTERNAL', first?.extensions?.field);
}

export type Variables = Record<string, unknown>;

/** Queries and mutations over HTTP POST /graphql with the session's bearer token. */
export class GraphQLHttp {
  constructor(
    private readonly token: () => string | null,
    private readonly onUnauthenticated: () => void,
    private readonly fetcher: typeof fetch = (...args) => fetch(...args),
  ) {}

  async request<T>(query: string, variables: Variables = {}): Promise<T> {
    let response: Response;
    try {
      response = await this.fetcher('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token() ?? ''}` },
        body: JSON.stringify({ query, variables }),
      });
    } catch {
      throw new ApiError('Cannot reach the gateway.', 'UNAVAILABLE');
    }
    const body = (await response.json().catch(() => null)) as { data?: T; errors?: GraphQLErrorBody[] } | null;
    if (!body) {
      throw new ApiError(`The gateway answered HTTP ${response.status} without a GraphQL body.`, 'UNAVAILABLE');
    }
    if (body.errors?.length) {
      const error = toApiError(body.errors);
      if (error.code === 'UNAUTHENTICATED') {
        this.onUnauthenticated();
      }
      throw error;
    }
    return body.data as T;
  }
}

export type LinkState = 'connecting' | 'connected' | 'reconnecting';

/**
 * Subscriptions over graphql-transport-ws. The client retries for ever with backoff, so a lost
 * WebSocket (gateway restart, network) comes back by itself; the state is shown to the operator.
 */
export function createSubscriptions(token: string, onState: (state: LinkState) => void, url = defaultSocketUrl()): Client {
  let everConnected = false;
  return createClient({
    url,
    connectionParams: { Authorization: `Bearer ${token}` },
    lazy: false,
    keepAlive: 10_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    retryWait: async (retries) => {
      await new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** retries, 5_000)));
    },
    on: {
      connecting: () => onState(everConnected ? 'reconnecting' : 'connecting'),
      connected: () => {
        everConnected = true;
        onState('connected');
      },
      closed: () => onState(everConnected ? 'reconnecting' : 'connecting'),
    },
  });
}

function defaultSocketUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}/graphql`;
}
