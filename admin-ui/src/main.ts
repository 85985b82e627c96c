import { fetchReadiness, type ServiceState } from './readiness';

function render(target: HTMLElement, states: ServiceState[]): void {
  const list = document.createElement('ul');
  for (const state of states) {
    const item = document.createElement('li');
    item.textContent = `${state.name}: ${state.up ? 'up' : 'down'}${state.detail ? ` (${state.detail})` : ''}`;
    list.append(item);
  }
  target.replaceChildren(list);
}

const target = document.getElementById('readiness');
if (target) {
  fetchReadiness()
    .then((states) => render(target, states))
    .catch((error: unknown) => {
      target.textContent = `Cannot reach the gateway: ${String(error)}`;
    });
}
