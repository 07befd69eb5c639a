/**
 * The dashboard front end's entry: restores the last model from the webview state, says `ready`,
 * then renders every model the host posts, in place. It renders; it computes nothing the core does.
 */
import '@vscode/codicons/dist/codicon.css';
import type { DashboardModel } from '../src/core/dashboardModel';
import { warmUpFormats } from './format';
import { isDashboardModel, isHostMessage } from './guard';
import type { WebviewMessage, WebviewState } from './protocol';
import { watchTheme } from './theme';
import { DashboardView } from './view';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): WebviewState | undefined;
  setState(state: WebviewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
let state: WebviewState = vscode.getState() ?? {};
let view: DashboardView | undefined;

const host = {
  post: (message: WebviewMessage) => vscode.postMessage(message),
  state: () => state,
  saveState: (patch: Partial<WebviewState>) => {
    state = { ...state, ...patch };
    vscode.setState(state);
  },
};

function show(model: DashboardModel): void {
  if (!view) return;
  const started = performance.now();
  view.update(model);
  host.post({ type: 'drawn', ms: Math.round((performance.now() - started) * 10) / 10 });
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data;
  if (!isHostMessage(message)) return;
  if (message.type === 'theme') {
    view?.retheme();
    return;
  }
  host.saveState({ model: message.model });
  show(message.model);
});

// The page and its charts are built before the data comes, so the first model only fills them in.
warmUpFormats();
const root = document.getElementById('root');
if (root) view = new DashboardView(root, host);
watchTheme(() => view?.retheme());

// A model saved by an older version is dropped: a fresh one follows the handshake.
if (state.model && isDashboardModel(state.model)) show(state.model);
vscode.postMessage({ type: 'ready' });
