/** The body of GET /health/ready, as the gateway's health handler writes it. */
export interface Readiness {
  status?: string;
  outcome?: string;
  checks?: { id: string; status: string; data?: Record<string, unknown> }[];
}

export interface ServiceState {
  name: string;
  up: boolean;
  detail?: string;
}

/** One line per check, in the order the gateway lists them; a missing body reads as every service down. */
export function summarise(readiness: Readiness | undefined): ServiceState[] {
  return (readiness?.checks ?? []).map((check) => ({
    name: check.id,
    up: check.status === 'UP',
    detail: typeof check.data?.error === 'string' ? (check.data.error as string) : undefined,
  }));
}

export async function fetchReadiness(fetcher: typeof fetch = fetch): Promise<ServiceState[]> {
  const response = await fetcher('/health/ready');
  return summarise((await response.json()) as Readiness);
}
