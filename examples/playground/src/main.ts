// The page: the controls and curves of the training worker (worker.ts), a sample of each policy's
// responses, and the interactive bandit (bandit.ts). Everything it shows is also kept on
// `window.playground` for the browser tests.

import type { Method } from '@va/ppo';
import { BANDIT_START, banditChart, banditFigure } from './bandit.js';
import { CURVES, curveChart } from './charts.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { METHODS, type PlaygroundSettings, type StepReport } from './training.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** What the page shows, for the tests. */
interface PageState {
  backend?: string;
  reports: StepReport[];
  done: boolean;
  error?: string;
  bandit?: { rStar: number[]; sigma2: number[]; risk: unknown; closedForm: unknown };
}
const state: PageState = { reports: [], done: false };
(window as unknown as { playground: PageState }).playground = state;

// ------------------------------------------------------------------------------------------------
// Training
// ------------------------------------------------------------------------------------------------

let worker: Worker | undefined;

function settingsFromForm(): PlaygroundSettings {
  return {
    beta: Number(($('beta') as HTMLInputElement).value),
    steps: Math.max(1, Math.round(Number(($('steps') as HTMLInputElement).value))),
    reward: ($('reward') as HTMLSelectElement).value as PlaygroundSettings['reward'],
    seed: Math.max(0, Math.round(Number(($('seed') as HTMLInputElement).value))),
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

let drawing: Promise<void> = Promise.resolve();

function draw(): void {
  const reports = [...state.reports];
  drawing = drawing.then(async () => {
    const svgs = await Promise.all(CURVES.map((c) => curveChart(c, reports)));
    $('curves').innerHTML = svgs.map((svg) => `<figure>${svg}</figure>`).join('');
    const last = reports.at(-1);
    if (!last) return;
    $('samples').innerHTML = METHODS.map((m: Method) => {
      const p = last.policies[m];
      const items = p.samples
        .map(
          (s) =>
            `<li>${escapeHtml(s.prompt)}<b>${escapeHtml(s.response)}</b> <span class="reward">r* ${s.trueReward}</span></li>`,
        )
        .join('');
      return `<div><h3>${m}, step ${last.step}</h3><ul>${items}</ul></div>`;
    }).join('');
  });
}

function start(event: Event): void {
  event.preventDefault();
  worker?.terminate();
  Object.assign(state, { reports: [], done: false, error: undefined, backend: undefined });
  const settings = settingsFromForm();
  const backend = ($('backend') as HTMLSelectElement).value as ToWorker['backend'];
  worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  ($('start') as HTMLButtonElement).disabled = true;
  ($('stop') as HTMLButtonElement).disabled = false;
  const status = $('status');
  status.textContent = 'Starting the worker...';
  const started = performance.now();
  worker.onmessage = (e: MessageEvent<FromWorker>) => {
    const m = e.data;
    if (m.type === 'backend') {
      state.backend = m.choice.backend;
      status.textContent = `Backend: ${m.choice.backend} (${m.choice.reason.split('; faster')[0]})`;
    } else if (m.type === 'progress') {
      status.textContent = `${state.backend ?? ''}: ${m.text}...`;
    } else if (m.type === 'step') {
      state.reports.push(m.report);
      status.textContent = `${state.backend}: step ${m.report.step} of ${settings.steps} (${m.seconds.toFixed(1)} s for both policies)`;
      draw();
    } else {
      if (m.type === 'error') {
        state.error = m.message;
        status.textContent = `Error: ${m.message}`;
      } else {
        status.textContent = `${state.backend}: ${settings.steps} steps in ${((performance.now() - started) / 1000).toFixed(0)} s.`;
      }
      state.done = true;
      stop();
    }
  };
  worker.postMessage({ type: 'start', settings, backend } satisfies ToWorker);
}

function stop(): void {
  worker?.terminate();
  worker = undefined;
  ($('start') as HTMLButtonElement).disabled = false;
  ($('stop') as HTMLButtonElement).disabled = true;
}

$('controls').addEventListener('submit', start);
$('stop').addEventListener('click', () => {
  stop();
  $('status').textContent = `Stopped after ${state.reports.length} steps.`;
});

// ------------------------------------------------------------------------------------------------
// The bandit
// ------------------------------------------------------------------------------------------------

const arms = { rStar: [...BANDIT_START.rStar], sigma2: [...BANDIT_START.sigma2] };

function slider(name: 'rStar' | 'sigma2', i: number, min: number, max: number, step: number) {
  const id = `${name}-${i}`;
  return `<label for="${id}">${name === 'rStar' ? 'r*' : '&sigma;&sup2;'}<sub>${i + 1}</sub></label>
    <input id="${id}" type="range" min="${min}" max="${max}" step="${step}" value="${arms[name][i]}" />
    <output id="${id}-value">${arms[name][i]}</output>`;
}

$('arms').innerHTML = arms.rStar
  .map((_, i) => `${slider('rStar', i, -1, 1, 0.01)}${slider('sigma2', i, 0.01, 5, 0.01)}`)
  .join('');

const pct = (p: number) => `${(100 * p).toFixed(2)}%`;
let banditDrawing: Promise<void> = Promise.resolve();

function updateBandit(): void {
  const sim = banditFigure(arms.rStar, arms.sigma2);
  const closed = sim.closedForm!;
  state.bandit = {
    rStar: [...arms.rStar],
    sigma2: [...arms.sigma2],
    risk: sim.risk,
    closedForm: closed,
  };
  $('risks').innerHTML =
    `<tr><th>P(true return &le; reference)</th><th>Theorem 2.4</th><th>Monte Carlo (${sim.returns.vanilla.length.toLocaleString('en')} draws)</th></tr>
    <tr><td>vanilla</td><td id="risk-vanilla-closed">${pct(closed.vanilla)}</td><td id="risk-vanilla-mc">${pct(sim.risk.vanilla)} &plusmn; ${pct(sim.standardError.vanilla)}</td></tr>
    <tr><td>variance-aware</td><td id="risk-va-closed">${pct(closed.varianceAware)}</td><td id="risk-va-mc">${pct(sim.risk.varianceAware)} &plusmn; ${pct(sim.standardError.varianceAware)}</td></tr>`;
  banditDrawing = banditDrawing.then(async () => {
    $('bandit-chart').innerHTML = await banditChart(sim);
  });
}

$('arms').addEventListener('input', (event) => {
  const input = event.target as HTMLInputElement;
  const [name, i] = input.id.split('-') as ['rStar' | 'sigma2', string];
  arms[name][Number(i)] = Number(input.value);
  $(`${input.id}-value`).textContent = input.value;
  updateBandit();
});
updateBandit();
